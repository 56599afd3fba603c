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

  it("removes its abort listener once it resolves", async () => {
    const controller = new AbortController();
    let added = 0;
    let removed = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added += 1;
      add(...args);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      removed += 1;
      remove(...args);
    }) as typeof signal.removeEventListener;
    await sleep(1, signal);
    expect({ added, removed }).toEqual({ added: 1, removed: 1 });
  });
});
