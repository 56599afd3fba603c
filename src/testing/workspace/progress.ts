/**
 * How long-running resources move on. A cluster start, a job run, a SQL statement or a warehouse start
 * is a list of steps (PENDING → RUNNING, …). The next step happens when either
 * - `timing.stepMs` has passed on the mock's clock (a test calls `clock.advance(…)`), or
 * - the resource was polled (`…/get`) `timing.pollsPerStep` times since the last step,
 * whichever comes first. A poll counts after its answer is taken, so with one poll per step every
 * state is seen exactly once. A waiter that simply keeps polling finishes, and a test that wants exact
 * control moves the clock; nobody sleeps.
 */
import type { Clock } from "../clock.js";

/** When a long-running resource takes its next step. */
export interface Timing {
  /**
   * Polls of the resource after which it takes its next step. 0 means "instant": every step is
   * taken before the first read, so a waiter finishes on its first poll and never pauses. @default 1
   */
  pollsPerStep: number;
  /** Clock time after which it takes its next step. @default 30_000 */
  stepMs: number;
}

/** The default {@link Timing}: every poll moves one step; 30 s of clock time does too. */
export const DEFAULT_TIMING: Timing = { pollsPerStep: 1, stepMs: 30_000 };

/** One state change, applied when its turn comes. */
export type Step = () => void;

/** The pending steps of one resource. */
export interface Progress {
  /** Replaces any pending steps with `steps`, counting from now. */
  start(steps: readonly Step[]): void;
  /** Applies the steps that are due by the clock. */
  sync(): void;
  /** Counts one poll (call it after reading the state the poll answers), then applies a due step. */
  poll(): void;
  /** Drops pending steps (the resource was forced into a state, or deleted). */
  stop(): void;
  /** True while steps are pending. */
  readonly busy: boolean;
}

/** Creates the step tracker of one resource. */
export function createProgress(clock: Clock, timing: Timing): Progress {
  let queue: Step[] = [];
  let since = clock.now();
  let polls = 0;

  function take(): void {
    const step = queue.shift();
    polls = 0;
    step?.();
  }

  return {
    start(steps) {
      queue = [...steps];
      since = clock.now();
      polls = 0;
    },
    sync() {
      if (timing.pollsPerStep === 0) {
        while (queue.length > 0) take();
        return;
      }
      // Several steps may be due after a long `advance`; each one is timed from the previous.
      while (queue.length > 0 && clock.now() - since >= timing.stepMs) {
        since += timing.stepMs;
        take();
      }
    },
    poll() {
      polls += 1;
      if (queue.length > 0 && polls >= timing.pollsPerStep) {
        since = clock.now();
        take();
      }
    },
    stop() {
      queue = [];
    },
    get busy() {
      return queue.length > 0;
    },
  };
}
