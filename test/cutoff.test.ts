/**
 * The attempt's cutoff (src/cutoff.ts): listeners run once, in order, with the reason; a listener
 * added after the cutoff runs at once; removal works; the AbortSignal built on demand follows it.
 */
import { describe, expect, it, vi } from "vitest";
import { Cutoff } from "../src/cutoff.js";

describe("Cutoff", () => {
  it("starts not aborted, with no reason, and throwIfAborted does nothing", () => {
    const cutoff = new Cutoff();
    expect(cutoff.aborted).toBe(false);
    expect(cutoff.reason).toBeUndefined();
    expect(() => cutoff.throwIfAborted()).not.toThrow();
  });

  it("runs every listener once, in the order added, with the first reason only", () => {
    const cutoff = new Cutoff();
    const calls: string[] = [];
    cutoff.onAbort((reason) => calls.push(`a:${String(reason)}`));
    cutoff.onAbort((reason) => calls.push(`b:${String(reason)}`));
    cutoff.abort("first");
    cutoff.abort("second");
    expect(calls).toEqual(["a:first", "b:first"]);
    expect(cutoff.aborted).toBe(true);
    expect(cutoff.reason).toBe("first");
    expect(() => cutoff.throwIfAborted()).toThrow("first");
  });

  it("runs a listener added after the cutoff at once", () => {
    const cutoff = new Cutoff();
    const reason = new Error("timed out");
    cutoff.abort(reason);
    const listener = vi.fn();
    const remove = cutoff.onAbort(listener);
    expect(listener).toHaveBeenCalledExactlyOnceWith(reason);
    expect(() => remove()).not.toThrow();
  });

  it("does not run a removed listener, and keeps the others", () => {
    const cutoff = new Cutoff();
    const removed = vi.fn();
    const kept = vi.fn();
    const remove = cutoff.onAbort(removed);
    cutoff.onAbort(kept);
    remove();
    remove();
    cutoff.abort("stop");
    expect(removed).not.toHaveBeenCalled();
    expect(kept).toHaveBeenCalledExactlyOnceWith("stop");
  });

  it("removes only the listener given, even when the same function is added twice", () => {
    const cutoff = new Cutoff();
    const listener = vi.fn();
    const removeFirst = cutoff.onAbort(listener);
    cutoff.onAbort(listener);
    removeFirst();
    cutoff.abort("x");
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it("builds one AbortSignal on demand that follows the cutoff", () => {
    const cutoff = new Cutoff();
    const { signal } = cutoff;
    expect(cutoff.signal).toBe(signal);
    expect(signal.aborted).toBe(false);
    const reason = new Error("caller gave up");
    cutoff.abort(reason);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
  });

  it("builds an already aborted signal when asked after the cutoff", () => {
    const cutoff = new Cutoff();
    const reason = new DOMException("The attempt timed out.", "TimeoutError");
    cutoff.abort(reason);
    expect(cutoff.signal.aborted).toBe(true);
    expect(cutoff.signal.reason).toBe(reason);
  });

  it("lets a listener that aborts nothing else run before later listeners see the same reason", () => {
    const cutoff = new Cutoff();
    const seen: unknown[] = [];
    cutoff.onAbort(() => cutoff.abort("nested"));
    cutoff.onAbort((reason) => seen.push(reason));
    cutoff.abort("outer");
    expect(seen).toEqual(["outer"]);
    expect(cutoff.reason).toBe("outer");
  });
});
