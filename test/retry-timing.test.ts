import { describe, expect, it } from "vitest";
import {
  type Backoff,
  backoffDelay,
  MAX_RETRY_AFTER,
  POLL_BACKOFF,
  parseRetryAfter,
  RETRY_BACKOFF,
  retryDelay,
} from "../src/retry-timing.js";

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe("parseRetryAfter", () => {
  it.each([
    [null, undefined],
    [undefined, undefined],
    ["", undefined],
    ["  ", undefined],
    ["0", 0],
    ["57", 57_000],
    [" 3 ", 3_000],
    ["1.5", 1_500],
    ["0.01", 10],
    ["-1", undefined],
    ["soon", undefined],
    // Digits followed by anything are neither delta-seconds nor an HTTP date (RFC 9110 §10.2.3).
    ["120s", undefined],
    ["5 seconds", undefined],
    ["Thu, 01 Jan 2026 12:00:30 GMT", 30_000],
    ["Thu, 01 Jan 2026 11:59:00 GMT", 0],
  ])("%j → %j ms", (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe("backoff shapes", () => {
  it("retries ≈0.5 s doubling to 10 s with 25 % jitter, and polls ≈1 s growing ×1.5 to 10 s with 20 %", () => {
    expect(RETRY_BACKOFF).toEqual({ initial: 500, max: 10_000, factor: 2, jitter: 0.25 });
    expect(POLL_BACKOFF).toEqual({ initial: 1_000, max: 10_000, factor: 1.5, jitter: 0.2 });
    expect(MAX_RETRY_AFTER).toBe(60_000);
  });
});

describe("backoffDelay", () => {
  const noJitter: Backoff = { ...RETRY_BACKOFF, jitter: 0 };
  it.each([
    [1, 500],
    [2, 1_000],
    [3, 2_000],
    [4, 4_000],
    [5, 8_000],
    [6, 10_000],
    [50, 10_000],
    [0, 500],
    [-3, 500],
  ])("retry %i without jitter → %i ms", (step, expected) => {
    expect(backoffDelay(step, noJitter, 0.999)).toBe(expected);
  });

  it.each([
    [1, 0, 500],
    [1, 0.5, 438],
    [1, 0.999_999, 375],
    [6, 0.999_999, 7_500],
  ])("retry %i with random %d → %i ms (jitter only shortens)", (step, random, expected) => {
    expect(backoffDelay(step, RETRY_BACKOFF, random)).toBe(expected);
  });

  it.each([
    [1, 1_000],
    [2, 1_500],
    [3, 2_250],
    [6, 7_594],
    [7, 10_000],
  ])("poll %i → %i ms before jitter (≈1 s growing to 10 s)", (step, expected) => {
    expect(backoffDelay(step, POLL_BACKOFF, 0)).toBe(expected);
  });

  it("never exceeds max nor goes below (1 - jitter) × step, whatever the random source", () => {
    for (let step = 1; step <= 20; step += 1) {
      for (const random of [0, 0.1, 0.5, 0.9, 0.999]) {
        const delay = backoffDelay(step, RETRY_BACKOFF, random);
        expect(delay).toBeLessThanOrEqual(RETRY_BACKOFF.max);
        expect(delay).toBeGreaterThanOrEqual(Math.min(RETRY_BACKOFF.max, 500 * 2 ** (step - 1)) * 0.75 - 1);
      }
    }
  });
});

describe("retryDelay", () => {
  const base = {
    retry: 1,
    backoff: RETRY_BACKOFF,
    maxRetryAfter: MAX_RETRY_AFTER,
    random: 0,
    remaining: 300_000,
  };
  it.each([
    ["Retry-After wins over backoff", { retryAfter: 2_000 }, 2_000],
    ["Retry-After 0 retries at once", { retryAfter: 0 }, 0],
    ["Retry-After at the cap is honoured", { retryAfter: 60_000 }, 60_000],
    ["Retry-After over the cap stops", { retryAfter: 60_001 }, undefined],
    ["no Retry-After: backoff", { retryAfter: undefined }, 500],
    ["third retry: backoff grows", { retryAfter: undefined, retry: 3 }, 2_000],
    ["a wait past the deadline stops", { retryAfter: 5_000, remaining: 4_000 }, undefined],
    ["a backoff past the deadline stops", { retryAfter: undefined, remaining: 500 }, undefined],
    ["a wait just inside the deadline goes", { retryAfter: undefined, remaining: 501 }, 500],
  ])("%s", (_name, input, expected) => {
    expect(retryDelay({ ...base, ...input })).toBe(expected);
  });
});
