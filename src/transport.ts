/**
 * The transport: the fetch function the client hands openapi-fetch, and the retry loop. It owns
 * everything between "send this call" and "here is the final Response":
 * - per-call options (`maxRetries`, `timeout`, `totalTimeout`, `maxResponseBytes` in a call's init);
 * - the check that the call stays on the configured origin and path (call-checks.ts);
 * - attempts (attempt.ts: one request and its whole body under one timer and the caller's signal);
 * - the retry decision (retry-decision.ts) and its timing (retry-timing.ts), within `totalTimeout`;
 * - cancellation: the caller's signal ends the attempt or the backoff sleep at once;
 * - a kept-alive socket found closed (node-send.ts): a call safe to repeat goes again at once.
 * HTTP errors are returned, not thrown: the final Response goes back to openapi-fetch, and
 * `unwrap`/`toError` build the typed error from it. Only failures without a usable response are
 * thrown, built in one place (failures.ts).
 */
import { runAttempt } from "./attempt.js";
import { type Describe, type Outgoing, readCallOptions, type Send, staleSocketErrors } from "./call.js";
import { checkTarget } from "./call-checks.js";
import type { RetryEvent } from "./config.js";
import { failureError } from "./failures.js";
import { isIdempotent } from "./idempotency.js";
import { type PlannedRequest, toOutgoing } from "./outgoing.js";
import { retryDecision } from "./retry-decision.js";
import { type Backoff, MAX_RETRY_AFTER, parseRetryAfter, RETRY_BACKOFF, retryDelay } from "./retry-timing.js";
import { sleep } from "./sleep.js";
import { rememberErrorContext } from "./unwrap.js";

/** The fetch function the client hands openapi-fetch: takes its Request (real or planned), returns the final Response. */
export type Transport = (request: Request | PlannedRequest) => Promise<Response>;

/** Client-level transport settings. */
export interface TransportOptions {
  /** Every call must stay on this origin and under this path. */
  baseUrl: string;
  maxRetries: number;
  timeout: number;
  totalTimeout: number;
  maxResponseBytes: number;
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

/** Builds the transport around `send` (the authenticated fetch). */
export function createTransport(send: Send, options: TransportOptions): Transport {
  const backoff = options.backoff ?? RETRY_BACKOFF;
  const maxRetryAfter = options.maxRetryAfter ?? MAX_RETRY_AFTER;
  const random = options.random ?? Math.random;

  return async (request) => {
    const settings = readCallOptions(request);
    const maxRetries = settings.maxRetries ?? options.maxRetries;
    const timeout = settings.timeout ?? options.timeout;
    const totalTimeout = settings.totalTimeout ?? options.totalTimeout;
    const maxResponseBytes = settings.maxResponseBytes ?? options.maxResponseBytes;
    const deadline = Date.now() + totalTimeout;
    checkTarget(request.url, options.baseUrl);
    const call: Outgoing = await toOutgoing(request);
    call.fetch = settings.fetch;
    const { signal } = call;
    signal?.throwIfAborted();
    // The path is parsed only for calls that need it: errors, retries, POSTs.
    let described: { method: string; path: string } | undefined;
    const where = () => (described ??= options.describe(call.url, call.method));
    let safe: boolean | undefined;
    const idempotent = () => (safe ??= isIdempotent(call.method, where().path, call.body));
    let uncertainRetries = 0;
    let staleResent = false;
    let previous: string | undefined;

    for (let attempt = 1; ; attempt += 1) {
      const limit = Math.max(1, Math.min(timeout, deadline - Date.now()));
      const outcome = await runAttempt(send, call, {
        timeout: limit,
        maxResponseBytes,
        stream: settings.stream,
      });
      const cutByDeadline = outcome.failure?.kind === "timeout" && limit < timeout;
      if (outcome.failure && cutByDeadline) outcome.failure.deadline = true;

      // A kept-alive socket the server had closed is no failure of the gateway: a call that is safe
      // to repeat (retryDecision asks) goes again at once on a fresh socket, once even with `maxRetries: 0`.
      const stale =
        !staleResent &&
        outcome.failure?.kind === "network" &&
        staleSocketErrors.has(Object(outcome.failure.cause));
      const decision =
        maxRetries === 0 && !stale
          ? undefined
          : retryDecision({
              status: outcome.response?.status,
              failure: outcome.failure?.kind,
              deadline: cutByDeadline,
              errorBody: outcome.errorBody,
              idempotent,
            });
      const allowed = decision && (stale || decision.kind === "unprocessed" || uncertainRetries < maxRetries);
      const delay = !allowed
        ? undefined
        : stale
          ? 0
          : retryDelay({
              retry: attempt,
              retryAfter: parseRetryAfter(outcome.response?.headers.get("retry-after")),
              remaining: deadline - Date.now(),
              backoff,
              maxRetryAfter,
              random: random(),
            });
      if (decision === undefined || delay === undefined) {
        const { response } = outcome;
        if (response) {
          // openapi-fetch returns this very object as `response`, so `unwrap`/`toError` find the call here.
          if (!response.ok) rememberErrorContext(response, { ...where(), secrets: options.secrets });
          return response;
        }
        throw failureError(outcome.failure, {
          ...where(),
          attempt,
          idempotent: idempotent(),
          timeout,
          totalTimeout,
          maxResponseBytes,
          previous,
          secrets: options.secrets,
        });
      }
      if (decision.kind === "uncertain") uncertainRetries += 1;
      if (stale) staleResent = true;
      previous = outcome.response ? `HTTP ${outcome.response.status}` : outcome.failure.detail;
      try {
        const { method, path } = where();
        options.onRetry?.({ attempt, delay, reason: decision.reason, method, path });
      } catch {
        // An observer must not change the outcome of the call.
      }
      // `Retry-After: 0` means now: sleep(0) would still cost a timer turn.
      if (delay > 0) await sleep(delay, signal);
      else signal?.throwIfAborted();
    }
  };
}
