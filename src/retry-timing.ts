/**
 * Retry timing, as pure functions: no I/O, no timers, so every case is table-tested. Only the retry
 * loop (transport.ts) and the poll loop (poll.ts) sleep, through the abort-aware `sleep` of sleep.ts.
 *
 * `Retry-After` comes as delta-seconds or an HTTP date (RFC 9110 §10.2.3); APIM's rate limiter sends
 * seconds. Without it we back off exponentially with jitter; the jitter only ever shortens a delay,
 * so `max` is a true ceiling, and clients that failed together do not retry together.
 */

/** Parses a `Retry-After` header value into milliseconds from `now`; `undefined` when absent or invalid. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date names its day and month; bare numbers such as "-1" are not dates, whatever Date.parse says.
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The shape of an exponential backoff. */
export interface Backoff {
  /** Delay before the first retry (or second poll), in ms. */
  initial: number;
  /** Ceiling for any delay, in ms. */
  max: number;
  /** Growth per step. */
  factor: number;
  /** Share of each delay that is random, 0–1 (0.25: a delay lands between 75 % and 100 % of its step). */
  jitter: number;
}

/** Backoff between retries of a failed request: ≈0.5 s, 1 s, 2 s, 4 s, 8 s, then 10 s. */
export const RETRY_BACKOFF: Readonly<Backoff> = { initial: 500, max: 10_000, factor: 2, jitter: 0.25 };

/** Backoff between polls of a long-running operation: ≈1 s growing to 10 s. */
export const POLL_BACKOFF: Readonly<Backoff> = { initial: 1_000, max: 10_000, factor: 1.5, jitter: 0.2 };

/** The longest `Retry-After` the client waits out by itself; longer requests surface to the caller. */
export const MAX_RETRY_AFTER = 60_000;

/**
 * Delay before step `step` (1 = the first retry or the second poll), given `random` in [0, 1).
 * `initial × factor^(step-1)`, capped at `max`, minus up to `jitter` of itself.
 */
export function backoffDelay(
  step: number,
  backoff: Readonly<Backoff>,
  random: number = Math.random(),
): number {
  const exponent = Math.max(0, Math.floor(step) - 1);
  const base = Math.min(backoff.max, backoff.initial * backoff.factor ** exponent);
  const jitter = Math.min(1, Math.max(0, backoff.jitter));
  return Math.max(0, Math.round(base * (1 - jitter * random)));
}

/** Inputs of `retryDelay`. */
export interface RetryDelayInput {
  /** Which retry this would be (1 = the first). */
  retry: number;
  /** The server's `Retry-After`, in ms, when it sent one. */
  retryAfter: number | undefined;
  /** Milliseconds left before the call's deadline. */
  remaining: number;
  backoff: Readonly<Backoff>;
  /** Longest `Retry-After` honoured; see `MAX_RETRY_AFTER`. */
  maxRetryAfter: number;
  random: number;
}

/**
 * How long to wait before the next attempt, or `undefined` to stop and surface the last failure:
 * - the server's `Retry-After` wins, as long as it is at most `maxRetryAfter` (a longer one is the
 *   server saying "not soon": the caller gets the error, with `retryAfter`, and decides);
 * - otherwise exponential backoff with jitter;
 * - a wait that would end past the deadline is not started.
 */
export function retryDelay(input: RetryDelayInput): number | undefined {
  const { retryAfter } = input;
  if (retryAfter !== undefined && retryAfter > input.maxRetryAfter) return undefined;
  const delay = retryAfter ?? backoffDelay(input.retry, input.backoff, input.random);
  return delay < input.remaining ? delay : undefined;
}
