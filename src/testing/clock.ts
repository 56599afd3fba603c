/**
 * Time for the emulator. Long-running resources (clusters, runs, statements, warehouses) move to their
 * next state when enough time has passed on this clock *or* when they were polled often enough, so a
 * test can drive them either way without sleeping: `clock.advance(60_000)`, or just keep polling.
 */

/** Anything that tells the time in epoch milliseconds. */
export interface Clock {
  /** Current time, epoch milliseconds. */
  now(): number;
}

/** A clock that only moves when a test moves it. */
export interface TestClock extends Clock {
  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void;
  /** Jumps to an absolute time (epoch milliseconds); it may not go backwards. */
  set(epochMs: number): void;
}

/** A fixed, readable start time for test clocks: 2026-01-01T00:00:00Z. */
export const TEST_CLOCK_START = Date.UTC(2026, 0, 1);

/** Creates a manual clock starting at `startMs` (default {@link TEST_CLOCK_START}). */
export function createTestClock(startMs: number = TEST_CLOCK_START): TestClock {
  let current = startMs;
  return {
    now: () => current,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) {
        throw new RangeError(`Failed to advance the test clock: ${ms} is not a non-negative number of ms.`);
      }
      current += ms;
    },
    set(epochMs) {
      if (epochMs < current) {
        throw new RangeError(
          "Failed to set the test clock: time may not go backwards. Use a new mock instead.",
        );
      }
      current = epochMs;
    },
  };
}

/** The wall clock, for the standalone emulator where nobody advances time by hand. */
export const systemClock: Clock = { now: () => Date.now() };
