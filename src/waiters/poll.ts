/**
 * The poll loop behind every waiter: fetch the resource, read its state, stop on a target or a
 * failure state, otherwise pause (≈1 s growing to 10 s, jittered) and fetch again. Unknown states
 * keep polling, with the same pause. The loop never runs without a deadline and a signal: the
 * deadline ends a poll in flight as well as a pause, and so does the caller's signal. Transient HTTP
 * failures of a poll are already retried by the transport; whatever still fails ends the wait.
 */
import { redactAll } from "../redact.js";
import { type Backoff, backoffDelay, POLL_BACKOFF } from "../retry-timing.js";
import { sleep } from "../sleep.js";
import { OperationFailedError, type WaitedResource, WaitTimeoutError } from "./errors.js";

/** What `onProgress` learns besides the polled value. */
export interface WaitProgress {
  /** The state just read (e.g. `PENDING`). */
  state: string | undefined;
  /** Which poll this was (1 = the first). */
  attempt: number;
  /** Milliseconds since the wait started. */
  elapsed: number;
}

/** Options every waiter accepts. */
export interface WaitOptions<T> {
  /** Give up after this many ms with `WaitTimeoutError`. @default 1200000 (20 min) */
  timeout?: number;
  /** Cancels the wait at once; the wait rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called with every polled value, e.g. to log progress. An exception thrown here ends the wait. */
  onProgress?: (current: T, progress: WaitProgress) => void;
  /** Pause between polls, in ms: the first one and the ceiling. @default { initial: 1000, max: 10000 } */
  interval?: { initial?: number; max?: number };
}

/** Waiter defaults. */
export const WAIT_DEFAULTS = {
  timeout: 20 * 60_000,
  interval: { initial: POLL_BACKOFF.initial, max: POLL_BACKOFF.max },
} as const;

/** What the loop needs to know about one kind of resource. */
export interface PollSpec<T> {
  resource: WaitedResource;
  resourceId: string;
  /** The operation that is polled, for error messages (`GET /api/2.1/clusters/get`). */
  method: string;
  path: string;
  target: readonly string[];
  failure: readonly string[];
  /** Fetches the current value; must honour `signal`. */
  get(signal: AbortSignal): Promise<T>;
  state(value: T): string | undefined;
  /** The server's explanation of the current state. */
  message(value: T): string | undefined;
  /** An error code that goes with a failure state, if the resource reports one. */
  errorCode(value: T): string | undefined;
  /** What to do next when the operation fails, appended to the message. */
  hint: string;
}

/** Marks an abort caused by the wait's own deadline rather than by the caller. */
const DEADLINE = Symbol("deadline");

/** Polls until a target state (resolves with the value) or a failure state (`OperationFailedError`). */
export async function poll<T>(spec: PollSpec<T>, options: WaitOptions<T> = {}): Promise<T> {
  const timeout = options.timeout ?? WAIT_DEFAULTS.timeout;
  const backoff: Backoff = {
    ...POLL_BACKOFF,
    initial: options.interval?.initial ?? POLL_BACKOFF.initial,
    max: options.interval?.max ?? POLL_BACKOFF.max,
  };
  checkMs(spec, "timeout", timeout, 1);
  checkMs(spec, "interval.initial", backoff.initial, 0);
  checkMs(spec, "interval.max", backoff.max, 0);
  const outer = options.signal;
  outer?.throwIfAborted();
  const started = Date.now();
  const controller = new AbortController();
  const onAbort = () => controller.abort(outer?.reason);
  // No `once`: an abort fires only once, and the listener is removed in `finally` either way.
  outer?.addEventListener("abort", onAbort);
  const timer = setTimeout(() => controller.abort(DEADLINE), timeout);
  let last: T | undefined;
  try {
    for (let attempt = 1; ; attempt += 1) {
      last = await spec.get(controller.signal);
      const state = spec.state(last);
      options.onProgress?.(last, { state, attempt, elapsed: Date.now() - started });
      if (state !== undefined && spec.target.includes(state)) return last;
      if (state !== undefined && spec.failure.includes(state)) throw failed(spec, last, state);
      await sleep(backoffDelay(attempt, backoff), controller.signal);
    }
  } catch (error) {
    if (outer?.aborted) throw outer.reason;
    if (controller.signal.reason === DEADLINE) throw timedOut(spec, last, timeout);
    throw error;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener("abort", onAbort);
  }
}

/** Zero pauses are allowed (a test emulator that advances on every poll); a zero timeout is not. */
function checkMs(spec: PollSpec<unknown>, name: string, value: number, min: number): void {
  if (Number.isFinite(value) && value >= min) return;
  throw new RangeError(
    `Failed to wait for ${spec.resource} ${spec.resourceId}: ${name} must be a number of ms ≥ ${min} (got ${value}).`,
  );
}

/** Server text can echo a bearer token; a waiter knows no other secret to hide. */
function scrub(text: string): string {
  return redactAll(text, []);
}

const TITLES: Readonly<Record<WaitedResource, string>> = {
  cluster: "Cluster",
  run: "Run",
  warehouse: "Warehouse",
  statement: "Statement",
};

/** The error for a failure state. */
export function failed<T>(spec: PollSpec<T>, value: T, state: string): OperationFailedError {
  const stateMessage = spec.message(value);
  const text =
    `${TITLES[spec.resource]} ${spec.resourceId} ended in ${state} while waiting for ${spec.target.join("/")}` +
    `${stateMessage ? `: ${stateMessage}` : ""} (${spec.method} ${spec.path}). ${spec.hint}`;
  return new OperationFailedError(scrub(text), {
    method: spec.method,
    path: spec.path,
    errorCode: spec.errorCode(value),
    resource: spec.resource,
    resourceId: spec.resourceId,
    state,
    stateMessage: stateMessage === undefined ? undefined : scrub(stateMessage),
  });
}

function timedOut<T>(spec: PollSpec<T>, last: T | undefined, timeout: number): WaitTimeoutError {
  const state = last === undefined ? undefined : spec.state(last);
  const stateMessage = last === undefined ? undefined : spec.message(last);
  const seen =
    state === undefined
      ? "no state was read"
      : `last state ${state}${stateMessage ? ` (${stateMessage})` : ""}`;
  const text =
    `Timed out after ${timeout} ms waiting for ${spec.resource} ${spec.resourceId} to reach ${spec.target.join("/")}; ` +
    `${seen} (${spec.method} ${spec.path}). Raise the waiter's timeout, or check the ${spec.resource} in the workspace.`;
  return new WaitTimeoutError(scrub(text), {
    method: spec.method,
    path: spec.path,
    resource: spec.resource,
    resourceId: spec.resourceId,
    state,
    stateMessage: stateMessage === undefined ? undefined : scrub(stateMessage),
    timeout,
  });
}
