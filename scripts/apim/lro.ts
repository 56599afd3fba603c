/**
 * Following an ARM long-running operation to its end, by the rules of `@azure/core-lro`
 * (Azure/azure-sdk-for-js sdk/core/core-lro/src/http/operation.ts), which is what the management SDKs do:
 *
 * - The PUT's status code does not decide. Whenever `Operation-Location`/`Azure-AsyncOperation` or
 *   `Location` is present the operation is polled, even on 200/201: APIM's own example for an import
 *   (ApiManagementCreateApiUsingOai3Import.json, 2024-05-01) answers 200 and 201 with both headers and
 *   `provisioningState: "InProgress"`. Without headers, a body whose provisioning state is not terminal
 *   is polled at the resource itself (core-lro's "Body" mode).
 * - Status is read at the top level, or under `properties.status` / `properties.provisioningState`,
 *   and compared case-insensitively: Succeeded; Failed; Canceled or Cancelled. A status URL that gives
 *   none is judged by its HTTP status (202 running, 2xx done).
 * - A poll URL that answers 404 is polled again until the deadline: APIM's `Location` can 404 while the
 *   API is still being created (terraform-provider-azurerm#23322).
 * - Once it succeeded, the resource is read at the PUT's own URL (core-lro `findResourceLocation`: PUT →
 *   the request path), so the caller gets the state after the import, never the one before it.
 *
 * Poll URLs come from the server, so each goes through `toUrl`, which refuses any host but ARM's.
 * Waits honour `Retry-After`, else follow the repository's one backoff (src/retry-timing.ts).
 */
import { type Backoff, backoffDelay, parseRetryAfter } from "../../src/retry-timing.js";
import { ArmError } from "./arm-error.js";

/** A response as the ARM client returns it. */
export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

/** What the poller needs from the client. */
export interface PollIo {
  /** GET with auth and retries; answers 404 as a reply, throws `ArmError` on other error statuses. */
  get(url: URL): Promise<Reply>;
  /** Resolves a server-provided URL; throws when it is not on the ARM endpoint. */
  toUrl(url: string): URL;
  /** Builds the error for a failed operation status body. */
  fail(what: string, body: unknown): ArmError;
  sleep(ms: number): Promise<void>;
  now(): number;
  random(): number;
  timeoutMs: number;
  onPoll?: (what: string, status: string) => void;
}

/** Between polls without `Retry-After`: 5 s growing to 30 s. */
export const ARM_POLL_BACKOFF: Readonly<Backoff> = { initial: 5_000, max: 30_000, factor: 1.5, jitter: 0.2 };
/** The longest `Retry-After` honoured while polling. */
const MAX_POLL_MS = 120_000;

type Status = "running" | "succeeded" | "failed" | "canceled";

/** core-lro's `transformStatus`, plus the nested places APIM and other providers put it. */
export function operationStatus(reply: Reply): Status {
  const body = (reply.body ?? {}) as {
    status?: unknown;
    provisioningState?: unknown;
    properties?: { status?: unknown; provisioningState?: unknown };
  };
  const raw =
    body.status ?? body.properties?.status ?? body.properties?.provisioningState ?? body.provisioningState;
  switch (typeof raw === "string" ? raw.toLowerCase() : undefined) {
    case undefined:
      return reply.status === 202 || reply.status === 404
        ? "running"
        : reply.status < 300
          ? "succeeded"
          : "failed";
    case "succeeded":
      return "succeeded";
    case "failed":
      return "failed";
    case "canceled":
    case "cancelled":
      return "canceled";
    default:
      // InProgress, Running, Accepted, Updating, …: anything not terminal is still running.
      return "running";
  }
}

/** The poll URL, or `undefined` when the first answer is final. Throws for a 202 that names none. */
export function pollTarget(
  first: Reply,
  resource: URL,
): { mode: "status" | "location" | "body"; url: string } | undefined {
  const h = first.headers;
  const status = h.get("operation-location") ?? h.get("azure-asyncoperation");
  if (status) return { mode: "status", url: status };
  const location = h.get("location");
  if (location) return { mode: "location", url: location };
  if (first.status === 202)
    throw new ArmError(`202 Accepted without Azure-AsyncOperation or Location header`, 202, undefined);
  const hasState = first.body !== undefined && first.body !== null && first.body !== "";
  return hasState && operationStatus(first) === "running" ? { mode: "body", url: resource.href } : undefined;
}

/** Polls until the operation ends; returns the resource as read afterwards, or throws its error. */
export async function followLongRunning(
  first: Reply,
  resource: URL,
  what: string,
  io: PollIo,
): Promise<unknown> {
  let target: ReturnType<typeof pollTarget>;
  try {
    target = pollTarget(first, resource);
  } catch (error) {
    throw new ArmError(`${what}: ${(error as Error).message}`, 202, undefined);
  }
  if (!target) return first.body;
  const deadline = io.now() + io.timeoutMs;
  const pollUrl = io.toUrl(target.url);
  let reply = first;
  for (let step = 1; ; step++) {
    await wait(reply, step, deadline, what, io);
    reply = await io.get(pollUrl);
    const status = operationStatus(reply);
    io.onPoll?.(what, reply.status === 404 ? "not found yet" : label(reply, status));
    if (status === "failed" || status === "canceled")
      throw io.fail(
        `${what}: long-running operation ${status === "failed" ? "Failed" : "Canceled"}`,
        reply.body,
      );
    if (status === "succeeded") break;
  }
  // The final read: 404 right after success is the same creation lag, so it is waited out too.
  for (let step = 1; ; step++) {
    const result = await io.get(resource);
    if (result.status !== 404) return result.body;
    await wait(result, step, deadline, what, io);
  }
}

async function wait(reply: Reply, step: number, deadline: number, what: string, io: PollIo): Promise<void> {
  const hinted = parseRetryAfter(reply.headers.get("retry-after"), io.now());
  const delayMs = Math.min(MAX_POLL_MS, hinted ?? backoffDelay(step, ARM_POLL_BACKOFF, io.random()));
  if (io.now() + delayMs > deadline)
    throw new ArmError(
      `${what}: still running after ${Math.round(io.timeoutMs / 1000)} s; check the API in the Azure portal`,
      undefined,
      undefined,
    );
  await io.sleep(delayMs);
}

function label(reply: Reply, status: Status): string {
  const body = (reply.body ?? {}) as {
    status?: unknown;
    properties?: { status?: unknown; provisioningState?: unknown };
  };
  const raw = body.status ?? body.properties?.status ?? body.properties?.provisioningState;
  return typeof raw === "string" ? raw : status === "running" ? "InProgress" : "Succeeded";
}
