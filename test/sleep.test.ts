import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { sleep } from "../src/sleep.js";

const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;

describe("sleep", () => {
  it("resolves after the delay and leaves no timer", async () => {
    const before = timers();
    const started = Date.now();
    await sleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(timers()).toBe(before);
  });

  it("rejects with the signal's reason as soon as it aborts, clearing its timer and listener", async () => {
    const controller = new AbortController();
    const before = timers();
    const pending = sleep(60_000, controller.signal);
    expect(timers()).toBe(before + 1);
    const reason = new Error("stop");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(timers()).toBe(before);
  });

  it("rejects at once for an aborted signal, without starting a timer", async () => {
    const before = timers();
    const pending = sleep(60_000, AbortSignal.abort());
    expect(timers()).toBe(before);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  // The caller's signal outlives one sleep (transport.ts sleeps on it between every retry): a listener
  // left on it would keep the sleep's closure alive and pile up, one per backoff.
  it("leaves no abort listener on the signal once it resolves", async () => {
    const { signal } = new AbortController();
    const pending = sleep(1, signal);
    expect(getEventListeners(signal, "abort")).toHaveLength(1);
    await pending;
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("leaves no abort listener on the signal once it rejects", async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(pending).rejects.toThrow("stop");
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});
