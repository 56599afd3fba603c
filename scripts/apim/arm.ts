/**
 * A small Azure Resource Manager client: bearer auth, retries, paging, long-running PUTs.
 *
 * Why not @azure/arm-apimanagement: it is 42 MB unpacked for the handful of calls this script makes,
 * and its pipeline refuses bearer tokens over plain http, which makes loopback test servers awkward.
 * Azure's own TypeScript APIOps tool (Azure/apiops-cli) also uses `fetch` + @azure/identity. The
 * parts of the SDK we would rely on are small enough to own and test here:
 *
 * - **Retries**: ARM throttles with 429 and has transient 5xx; both are retried honouring
 *   `Retry-After` (seconds or a date), otherwise with the repository's one exponential backoff
 *   (src/retry-timing.ts). Network errors are retried too: every call made is a GET, a HEAD or an
 *   idempotent PUT.
 * - **Conflicts**: a write that meets an operation still running on the API (409
 *   PessimisticConcurrencyConflict "Operation on the API is in progress", 412, or 409/422
 *   ManagementApiRequestFailed) is retried with backoff until a deadline, as Azure/apiops's publisher
 *   does (src/common/Http.cs, `CommonRetryPolicy.ShouldRetryInner`).
 * - **Long-running operations**: see `lro.ts` (core-lro's rules); the import is followed to a terminal
 *   state and a failure is thrown with ARM's error details.
 * - **Redirects** are never followed (`redirect: "manual"`): a 3xx from ARM is an error, so the token
 *   is never replayed to wherever a `Location` points.
 * - **Paging**: `nextLink` is followed until absent.
 * - **Token safety**: poll and `nextLink` URLs come from the server and are followed only when their
 *   origin is the ARM endpoint, so the token can never be sent elsewhere; error text is redacted.
 */
import type { TokenCredential } from "@azure/identity";
import { redactAll } from "../../src/redact.js";
import { parseRetryAfter, retryDelay } from "../../src/retry-timing.js";
import { ArmError, armErrorFrom } from "./arm-error.js";
import { ARM_RETRY_BACKOFF, isConflict, MAX_DELAY_MS, RETRY_STATUSES } from "./arm-retry.js";
import { ARM_API_VERSION } from "./clouds.js";
import { followLongRunning, type Reply } from "./lro.js";

export { ArmError } from "./arm-error.js";

/** Dependencies and limits of the client. */
export interface ArmClientOptions {
  /** ARM origin, e.g. https://management.azure.com. */
  origin: string;
  /** Token scope, `${origin}/.default`. */
  scope: string;
  credential: TokenCredential;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** @default Math.random */
  random?: () => number;
  /** Retries after the first attempt. @default 4 */
  maxRetries?: number;
  /** Deadline for one long-running operation. @default 15 minutes */
  lroTimeoutMs?: number;
  /** How long a write keeps retrying while another operation runs on the API. @default 10 minutes */
  conflictTimeoutMs?: number;
  /** Progress notifications (retries, polls) for the caller's log. */
  onEvent?: (event: ArmEvent) => void;
}

/** Something worth a progress line. */
export type ArmEvent =
  | {
      kind: "retry";
      method: string;
      path: string;
      status: number | undefined;
      /** ARM's error code when the retry is for a conflict, e.g. PessimisticConcurrencyConflict. */
      code?: string | undefined;
      delayMs: number;
      attempt: number;
    }
  | { kind: "poll"; path: string; status: string };

/** The client made by `createArmClient`. Paths start with `/subscriptions/…` and get the api-version. */
export interface ArmClient {
  /** GET; `undefined` on 404. */
  get(path: string, query?: Record<string, string>): Promise<unknown>;
  /** HEAD; true on 2xx, false on 404. */
  exists(path: string): Promise<boolean>;
  /** Every item of a paged list, following `nextLink`; empty on 404. */
  list(path: string, query?: Record<string, string>): Promise<unknown[]>;
  /** DELETE with `If-Match: *` (ARM requires If-Match on delete); a 404 counts as done. */
  delete(path: string): Promise<void>;
  /** PUT that completes synchronously. */
  put(path: string, body: unknown): Promise<unknown>;
  /** PUT that may be long-running; resolves with the final resource once the operation succeeded. */
  putAndWait(path: string, body: unknown): Promise<unknown>;
  /** Number of write requests made so far (retries not counted). */
  readonly writes: number;
}

const SERVICE_PREFIX =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ApiManagement\/service\/[^/]+/i;

/** Creates a client bound to one ARM endpoint and credential. */
export function createArmClient(options: ArmClientOptions): ArmClient {
  const { origin, scope, credential, sleep, now } = options;
  const random = options.random ?? Math.random;
  const maxRetries = options.maxRetries ?? 4;
  let token: { value: string; expires: number } | undefined;
  let writes = 0;

  const getToken = async (): Promise<string> => {
    if (token && token.expires - 120_000 > now()) return token.value;
    const result = await credential.getToken(scope);
    if (!result) throw new ArmError(`the credential returned no token for ${scope}`, undefined, undefined);
    token = { value: result.token, expires: result.expiresOnTimestamp };
    return result.token;
  };
  const clean = (text: string) => redactAll(text, token ? [token.value] : []);
  const shortPath = (url: URL) => decodeURIComponent(url.pathname).replace(SERVICE_PREFIX, "…");

  /** Resolves a path (ours) or an absolute URL (from the server) and refuses foreign origins. */
  const toUrl = (pathOrUrl: string, query: Record<string, string> = {}): URL => {
    const absolute = /^https?:\/\//i.test(pathOrUrl);
    const url = new URL(pathOrUrl, origin);
    if (url.origin !== origin)
      throw new ArmError(
        `refusing to send the ARM token to ${url.origin}: it is not the ARM endpoint ${origin}`,
        undefined,
        undefined,
      );
    if (!absolute) {
      url.searchParams.set("api-version", ARM_API_VERSION);
      for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    }
    return url;
  };

  const wait = async (
    method: string,
    url: URL,
    status: number | undefined,
    delayMs: number,
    attempt: number,
    code?: string,
  ) => {
    const event = { kind: "retry", method, path: shortPath(url), status, delayMs, attempt } as const;
    options.onEvent?.(code ? { ...event, code } : event);
    await sleep(delayMs);
  };
  /** The next delay, or `undefined` when the retry budget or the deadline is spent. */
  const nextDelay = (retry: number, response: Response | undefined, deadline: number) =>
    retryDelay({
      retry,
      retryAfter: parseRetryAfter(response?.headers.get("retry-after"), now()),
      remaining: deadline - now(),
      backoff: ARM_RETRY_BACKOFF,
      maxRetryAfter: MAX_DELAY_MS,
      random: random(),
    });

  /** One request with retries; 404 is an answer (not an error) only where `allow404` says so. */
  const send = async (method: string, url: URL, body?: unknown, allow404 = false): Promise<Reply> => {
    let transient = 0;
    let conflicts = 0;
    let conflictDeadline: number | undefined;
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = {
        authorization: `Bearer ${await getToken()}`,
        accept: "application/json",
      };
      if (body !== undefined) headers["content-type"] = "application/json";
      if (method === "DELETE") headers["if-match"] = "*";
      let response: Response;
      try {
        const init: RequestInit = {
          method,
          headers,
          redirect: "manual",
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        };
        response = await options.fetch(url, init);
      } catch (error) {
        const delay =
          transient < maxRetries ? nextDelay(++transient, undefined, Number.POSITIVE_INFINITY) : undefined;
        if (delay === undefined)
          throw new ArmError(
            clean(`${method} ${shortPath(url)}: ${(error as Error).message}`),
            undefined,
            undefined,
          );
        await wait(method, url, undefined, delay, attempt);
        continue;
      }
      if (response.status >= 300 && response.status < 400) {
        await response.arrayBuffer().catch(() => undefined);
        throw new ArmError(
          clean(
            `${method} ${shortPath(url)}: ${response.status} redirect to ${response.headers.get("location") ?? "(no Location)"} not followed; ARM does not redirect`,
          ),
          response.status,
          undefined,
        );
      }
      if (RETRY_STATUSES.has(response.status) && transient < maxRetries) {
        const delay = nextDelay(++transient, response, Number.POSITIVE_INFINITY);
        if (delay !== undefined) {
          // Drain rather than cancel: cancelling some mocked bodies never settles.
          await response.arrayBuffer().catch(() => undefined);
          await wait(method, url, response.status, delay, attempt);
          continue;
        }
      }
      const text = method === "HEAD" ? "" : await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {
        // Not JSON: keep the text for the error message.
      }
      if (method !== "GET" && method !== "HEAD" && isConflict(response.status, parsed)) {
        conflictDeadline ??= now() + (options.conflictTimeoutMs ?? 10 * 60_000);
        const delay = nextDelay(++conflicts, response, conflictDeadline);
        if (delay !== undefined) {
          const code = (parsed as { error?: { code?: string } }).error?.code ?? String(response.status);
          await wait(method, url, response.status, delay, attempt, code);
          continue;
        }
      }
      if (response.status >= 400 && !(response.status === 404 && allow404))
        throw armErrorFrom(`${method} ${shortPath(url)}`, response.status, parsed, clean);
      return { status: response.status, headers: response.headers, body: parsed };
    }
  };

  return {
    async get(path, query) {
      const reply = await send("GET", toUrl(path, query), undefined, true);
      return reply.status === 404 ? undefined : reply.body;
    },
    async exists(path) {
      return (await send("HEAD", toUrl(path), undefined, true)).status !== 404;
    },
    async list(path, query) {
      const items: unknown[] = [];
      let url: URL | undefined = toUrl(path, query);
      while (url) {
        const reply = await send("GET", url, undefined, true);
        if (reply.status === 404) return items;
        const page = reply.body as { value?: unknown[]; nextLink?: string | null };
        items.push(...(page.value ?? []));
        url = page.nextLink ? toUrl(page.nextLink) : undefined;
      }
      return items;
    },
    async delete(path) {
      writes++;
      await send("DELETE", toUrl(path), undefined, true);
    },
    async put(path, body) {
      writes++;
      return (await send("PUT", toUrl(path), body)).body;
    },
    async putAndWait(path, body) {
      const url = toUrl(path);
      writes++;
      const first = await send("PUT", url, body);
      return followLongRunning(first, url, `PUT ${shortPath(url)}`, {
        get: (pollUrl) => send("GET", pollUrl, undefined, true),
        toUrl: (pollUrl) => toUrl(pollUrl),
        fail: (what, failed) => armErrorFrom(what, undefined, failed, clean),
        sleep,
        now,
        random,
        timeoutMs: options.lroTimeoutMs ?? 15 * 60_000,
        onPoll: (what, status) => options.onEvent?.({ kind: "poll", path: what, status }),
      });
    },
    get writes() {
      return writes;
    },
  };
}
