/**
 * The transport: the fetch layer the client hands to openapi-fetch. It owns everything between
 * "send this Request" and "here is a Response":
 * - per-call options (`maxRetries`, `timeout`, `totalTimeout` in a call's init);
 * - a per-attempt timeout that covers the headers *and* the body (attempt.ts reads textual bodies
 *   inside the attempt, so a body that stalls half-way times out like a response that never starts);
 * - retries. 429 and 503 mean "not processed" and are retried for every method. Network failures,
 *   timeouts, gateway 502/504 and APIM's backend-failure 500 may hide a request that went through, so
 *   they are retried only when repeating is safe (idempotency.ts). `Retry-After` first, else backoff
 *   (retry-timing.ts), all within `totalTimeout`;
 * - cancellation: the caller's signal ends the attempt or the backoff sleep at once.
 * HTTP errors are returned, not thrown: after the last attempt the final Response goes back to
 * openapi-fetch, and `unwrap`/`toError` build the typed error (with `status`, `retryAfter`) from it.
 * Only failures without a usable response are thrown: `DatabricksConnectionError`/`DatabricksTimeoutError`.
 */
import { type Failure, type Outcome, runAttempt } from "./attempt.js";
import type { Describe } from "./auth.js";
import type { RetryEvent } from "./config.js";
import { DatabricksConnectionError, DatabricksTimeoutError } from "./errors.js";
import { isIdempotent } from "./idempotency.js";
import { type Outgoing, type PlannedRequest, toOutgoing } from "./outgoing.js";
import { redactAll } from "./redact.js";
import { type Backoff, MAX_RETRY_AFTER, parseRetryAfter, RETRY_BACKOFF, retryDelay } from "./retry-timing.js";
import { sleep } from "./sleep.js";
import { rememberErrorContext } from "./unwrap.js";

/**
 * The layers below the transport (auth, then fetch), called once per attempt with the call and the
 * attempt's signal. Layers add to the call (auth sets its header on the call's own Headers) instead
 * of building Requests: the bottom layer is `fetch(call.url, init)`, and a user-supplied fetch gets
 * one complete Request built for it (client.ts).
 *
 * The attempt's signal must reach fetch in its own `init`: undici (Node 20) links each copy of a
 * Request to the previous copy's signal only weakly, so once an intermediate copy has been
 * garbage-collected an abort or timeout no longer reaches the socket (regression test:
 * test/faults/timeouts.test.ts).
 */
export type Send = (call: Outgoing, signal: AbortSignal) => Promise<Response>;

/** Per-call overrides, passed in the init of any client call: `client.GET(path, { params, maxRetries: 0 })`. */
export interface CallOptions {
  /** Retries after the first attempt for this call. */
  maxRetries?: number;
  /** Per-attempt timeout for this call, in ms (headers and body). */
  timeout?: number;
  /** Deadline for this call including retries and backoff, in ms. */
  totalTimeout?: number;
}

/** The fetch function the client hands openapi-fetch: takes its Request (real or planned), returns the final Response. */
export type Transport = (request: Request | PlannedRequest) => Promise<Response>;

/** Client-level transport settings. */
export interface TransportOptions {
  maxRetries: number;
  timeout: number;
  totalTimeout: number;
  onRetry: ((event: RetryEvent) => void) | undefined;
  describe: Describe;
  secrets: readonly string[];
  /** Backoff between retries when the server sends no `Retry-After`. @default RETRY_BACKOFF */
  backoff?: Readonly<Backoff>;
  /** Longest `Retry-After` waited out; a longer one is returned to the caller. @default MAX_RETRY_AFTER */
  maxRetryAfter?: number;
  /** Source of jitter, in [0, 1). @default Math.random */
  random?: () => number;
}

/**
 * Reads per-call overrides. openapi-fetch copies init keys that its Request does not have onto the
 * Request object it passes to `fetch`, so they arrive here without a side channel.
 */
export function readCallOptions(request: object): CallOptions {
  const source = request as CallOptions;
  const out: CallOptions = {};
  if (typeof source.maxRetries === "number") out.maxRetries = source.maxRetries;
  if (typeof source.timeout === "number") out.timeout = source.timeout;
  if (typeof source.totalTimeout === "number") out.totalTimeout = source.totalTimeout;
  return out;
}

/** Statuses that mean the request was not processed: retried for every method. */
const RETRY_ALWAYS: ReadonlySet<number> = new Set([429, 503]);
/** Gateway statuses that may hide a processed request: retried only when repeating is safe. */
const RETRY_IF_IDEMPOTENT: ReadonlySet<number> = new Set([502, 504]);

/** Builds the transport around `send` (the authenticated fetch). */
export function createTransport(send: Send, options: TransportOptions): Transport {
  const backoff = options.backoff ?? RETRY_BACKOFF;
  const maxRetryAfter = options.maxRetryAfter ?? MAX_RETRY_AFTER;
  const random = options.random ?? Math.random;
  const clean = (text: string) => redactAll(text, options.secrets);

  return async (request) => {
    const overrides = readCallOptions(request);
    const maxRetries = overrides.maxRetries ?? options.maxRetries;
    const timeout = overrides.timeout ?? options.timeout;
    const totalTimeout = overrides.totalTimeout ?? options.totalTimeout;
    const deadline = Date.now() + totalTimeout;
    const call = await toOutgoing(request);
    const { signal } = call;
    signal?.throwIfAborted();
    // Parsing the URL is left to the calls that need the path: errors, retries, POSTs.
    let described: { method: string; path: string } | undefined;
    const where = () => (described ??= options.describe(call.url, call.method));
    // Only failures and gateway errors ask whether the call may be repeated: a call that succeeds
    // never pays for matching its path against the spec's retry-safe POSTs.
    let safe: boolean | undefined;
    const idempotent = () => (safe ??= isIdempotent(call.method, where().path, call.body));
    let previous: string | undefined;

    for (let attempt = 1; ; attempt += 1) {
      const limit = Math.max(1, Math.min(timeout, deadline - Date.now()));
      const outcome = await runAttempt(send, call, limit, clean);
      if (outcome.failure?.kind === "timeout" && limit < timeout) outcome.failure.deadline = true;

      const reason = attempt > maxRetries ? undefined : retryReason(outcome, idempotent);
      const delay =
        reason === undefined
          ? undefined
          : retryDelay({
              retry: attempt,
              retryAfter: parseRetryAfter(outcome.response?.headers.get("retry-after")),
              remaining: deadline - Date.now(),
              backoff,
              maxRetryAfter,
              random: random(),
            });
      if (reason === undefined || delay === undefined) {
        if (outcome.response) {
          // openapi-fetch returns this very object as `response`, so `unwrap`/`toError` find the call here.
          if (!outcome.response.ok)
            rememberErrorContext(outcome.response, { ...where(), secrets: options.secrets });
          return outcome.response;
        }
        throw toError(outcome.failure, {
          where: where(),
          attempt,
          idempotent: idempotent(),
          timeout,
          totalTimeout,
          previous,
        });
      }
      previous = outcome.response ? `HTTP ${outcome.response.status}` : outcome.failure.detail;
      await outcome.response?.body?.cancel().catch(() => undefined);
      try {
        const { method, path } = where();
        options.onRetry?.({ attempt, delay, reason, method, path });
      } catch {
        // An observer must not change the outcome of the call.
      }
      // `Retry-After: 0` means now: sleep(0) would still cost a timer turn (≥ 1 ms).
      if (delay > 0) await sleep(delay, signal);
      else signal?.throwIfAborted();
    }
  };
}

/** Why this outcome deserves another attempt, or `undefined` when it does not. */
function retryReason(outcome: Outcome, idempotent: () => boolean): string | undefined {
  if (outcome.failure) return !outcome.failure.deadline && idempotent() ? outcome.failure.kind : undefined;
  const { status } = outcome.response;
  if (RETRY_ALWAYS.has(status)) return String(status);
  const retryIfSafe = RETRY_IF_IDEMPOTENT.has(status) || (status === 500 && outcome.apimBackendFailure);
  return retryIfSafe && idempotent() ? String(status) : undefined;
}

interface ErrorContext {
  where: { method: string; path: string };
  attempt: number;
  idempotent: boolean;
  timeout: number;
  totalTimeout: number;
  previous: string | undefined;
}

/** The error thrown for the last failed attempt; says what happened and what to do next. */
function toError(failure: Failure, context: ErrorContext): DatabricksConnectionError {
  const { method, path } = context.where;
  const call = `${method} ${path}`;
  const attempts = context.attempt > 1 ? `, ${context.attempt} attempts` : "";
  const unsafe = context.idempotent
    ? ""
    : ` Not retried: ${call} is not safe to repeat; check whether it took effect before sending it again.`;
  const init = { method, path, cause: failure.cause, status: failure.status };
  if (failure.kind === "timeout") {
    const message = failure.deadline
      ? `Timed out: the call's deadline (totalTimeout ${context.totalTimeout} ms) ran out, ${failure.detail} (${call}${attempts})` +
        `${context.previous ? `; the attempt before failed with ${context.previous}` : ""}. Raise totalTimeout for slow operations.`
      : `Timed out: ${failure.detail} (${call}${attempts}).${unsafe || " Raise timeout (per attempt) for slow operations, or check the gateway's backend timeout."}`;
    return new DatabricksTimeoutError(message, init);
  }
  if (failure.kind === "invalid-body") {
    return new DatabricksConnectionError(
      `Invalid response: ${failure.detail} (${call}${attempts}). The body was cut short or is not JSON.${unsafe}`,
      { ...init, errorCode: "INVALID_RESPONSE_BODY" },
    );
  }
  return new DatabricksConnectionError(
    `Network error: ${failure.detail} (${call}${attempts}).${unsafe || " Check connectivity to the gateway."}`,
    init,
  );
}
