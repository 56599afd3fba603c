/**
 * Following an ARM long-running operation to its end.
 *
 * The API import PUT answers 201/202 with `Azure-AsyncOperation` and/or `Location`. When the former is
 * present we poll it until `status` is `Succeeded`, `Failed` or `Canceled`, then read the result from
 * `Location` (the APIM spec's `final-state-via: location`); with only `Location`, we poll it until it
 * stops answering 202. A failed operation's error is thrown with its details, because a bad spec often
 * shows up nowhere else (tools that stop at the 202 report success). Unknown or missing statuses are
 * polled again, honouring `Retry-After`, until a deadline. Poll URLs come from the server, so each one
 * goes through `toUrl`, which refuses any host other than the ARM endpoint.
 */
import { parseRetryAfter } from "../../src/retry-timing.js";
import { ArmError } from "./arm-error.js";

/** A response as the ARM client returns it. */
export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

/** What the poller needs from the client. */
export interface PollIo {
  /** GET with auth and retries; throws `ArmError` on error statuses (404 included). */
  get(url: URL): Promise<Reply>;
  /** Resolves a server-provided URL; throws when it is not on the ARM endpoint. */
  toUrl(url: string): URL;
  /** Builds the error for a failed operation status body. */
  fail(what: string, body: unknown): ArmError;
  sleep(ms: number): Promise<void>;
  now(): number;
  timeoutMs: number;
  onPoll?: (what: string, status: string) => void;
}

/** Interval when the server gives no `Retry-After`. */
const DEFAULT_POLL_MS = 5_000;
const MAX_POLL_MS = 120_000;
/** Backstop against a clock that does not advance. */
const MAX_POLLS = 10_000;

/** True when `first` (the PUT's answer) starts a long-running operation. */
export function isLongRunning(first: Reply): boolean {
  if (first.status === 202) return true;
  const hasHeaders = first.headers.has("azure-asyncoperation") || first.headers.has("location");
  return first.status === 201 && hasHeaders;
}

/** Polls until the operation ends; returns the final resource body or throws its error. */
export async function followLongRunning(
  first: Reply,
  resource: URL,
  what: string,
  io: PollIo,
): Promise<unknown> {
  const asyncHeader = first.headers.get("azure-asyncoperation");
  const locationHeader = first.headers.get("location");
  if (!asyncHeader && !locationHeader)
    throw new ArmError(
      `${what}: 202 Accepted without Azure-AsyncOperation or Location header`,
      202,
      undefined,
    );
  const deadline = io.now() + io.timeoutMs;
  const wait = async (reply: Reply): Promise<void> => {
    const hinted = parseRetryAfter(reply.headers.get("retry-after"), io.now());
    const delayMs = Math.min(MAX_POLL_MS, hinted ?? DEFAULT_POLL_MS);
    if (io.now() + delayMs > deadline)
      throw new ArmError(
        `${what}: still running after ${Math.round(io.timeoutMs / 1000)} s; check the API in the Azure portal`,
        undefined,
        undefined,
      );
    await io.sleep(delayMs);
  };
  const pollLocation = async (location: URL, previous: Reply): Promise<unknown> => {
    let reply = previous;
    for (let polls = 0; polls < MAX_POLLS; polls++) {
      await wait(reply);
      reply = await io.get(location);
      io.onPoll?.(what, reply.status === 202 ? "InProgress" : "Succeeded");
      if (reply.status !== 202) return reply.body;
    }
    throw new ArmError(`${what}: gave up after ${MAX_POLLS} polls`, undefined, undefined);
  };

  if (!asyncHeader) return pollLocation(io.toUrl(locationHeader as string), first);
  const statusUrl = io.toUrl(asyncHeader);
  let reply = first;
  for (let polls = 0; ; polls++) {
    if (polls >= MAX_POLLS)
      throw new ArmError(`${what}: gave up after ${MAX_POLLS} polls`, undefined, undefined);
    await wait(reply);
    reply = await io.get(statusUrl);
    const status = (reply.body as { status?: unknown } | undefined)?.status;
    io.onPoll?.(what, String(status ?? "(no status)"));
    if (status === "Succeeded") break;
    if (status === "Failed" || status === "Canceled")
      throw io.fail(`${what}: long-running operation ${status}`, reply.body);
  }
  if (!locationHeader) return (await io.get(resource)).body;
  const location = io.toUrl(locationHeader);
  const result = await io.get(location);
  return result.status === 202 ? pollLocation(location, result) : result.body;
}
