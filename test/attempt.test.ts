/**
 * One attempt as a unit: a fake `send` stands in for fetch (one that ignores its signal, as a
 * user-supplied fetch may), so the timer, the caller's signal, the body cap and redirects are checked
 * without sockets. The same paths over real HTTP are in test/faults/.
 */
import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runAttempt } from "../src/attempt.js";
import type { Outgoing, Send } from "../src/call.js";
import { DatabricksAuthError } from "../src/errors.js";

const URL_ = "https://apim.example.net/dbw-01/api/2.1/clusters/get";
const limits = { timeout: 1_000, maxResponseBytes: 1_000, stream: false };

function call(signal?: AbortSignal): Outgoing {
  return { url: URL_, method: "GET", headers: new Headers(), body: null, signal, init: {} };
}

/** A body stream that records whether it was cancelled and how much was pulled. */
function observedBody(chunks: Uint8Array[] | "endless") {
  const seen = { cancelled: false, pulls: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      seen.pulls += 1;
      // "Endless" stops at 100 chunks, so that a broken cap fails the test instead of eating memory.
      if (chunks === "endless" && seen.pulls <= 100) controller.enqueue(new Uint8Array(100));
      else if (chunks === "endless") controller.close();
      else if (chunks.length > 0) controller.enqueue(chunks.shift()!);
      else controller.close();
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { stream, seen };
}

describe("runAttempt", () => {
  it("rejects with the reason of an already-aborted signal and sends nothing", async () => {
    const send = vi.fn<Send>(async () => Response.json({}));
    const reason = new Error("already gone");
    await expect(runAttempt(send, call(AbortSignal.abort(reason)), limits)).rejects.toBe(reason);
    expect(send).not.toHaveBeenCalled();
  });

  it("cancels the body of a response that arrives after the timeout (fetch ignoring its signal)", async () => {
    const { stream, seen } = observedBody([new Uint8Array(3)]);
    const late: Send = () => new Promise((resolve) => setTimeout(() => resolve(new Response(stream)), 60));
    const outcome = await runAttempt(late, call(), { ...limits, timeout: 10 });
    expect(outcome.failure).toMatchObject({ kind: "timeout", detail: "no response headers within 10 ms" });
    // The cause is what the attempt's signal aborted with: a TimeoutError, as AbortSignal.timeout() uses
    // (https://dom.spec.whatwg.org/#dom-abortsignal-timeout), so fetch rejects with the same.
    expect(outcome.failure?.cause).toBeInstanceOf(DOMException);
    expect(outcome.failure?.cause).toMatchObject({ name: "TimeoutError", message: "The attempt timed out." });
    await vi.waitFor(() => expect(seen.cancelled).toBe(true));
  });

  it("lets a late response without a body go quietly (nothing to cancel, no stray rejection)", async () => {
    let arrived = false;
    const late: Send = () =>
      new Promise((resolve) =>
        setTimeout(() => {
          arrived = true;
          resolve(new Response(null, { status: 204 }));
        }, 30),
      );
    const outcome = await runAttempt(late, call(), { ...limits, timeout: 5 });
    expect(outcome.failure?.kind).toBe("timeout");
    await vi.waitFor(() => expect(arrived).toBe(true));
    // Give a stray rejection from the late response's handler a turn to surface (vitest fails on it).
    await new Promise((resolve) => setImmediate(resolve));
  });

  it("reports a send that fails as a network failure described by its cause", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    const outcome = await runAttempt(async () => Promise.reject(refused), call(), limits);
    expect(outcome.failure).toEqual({
      kind: "network",
      cause: refused,
      detail: "connect ECONNREFUSED 127.0.0.1:9",
    });
  });

  it("passes a DatabricksApimError from the layers below (a failing credential) through as is", async () => {
    const denied = new DatabricksAuthError("could not get a token", { method: "GET", path: "/x" });
    await expect(runAttempt(async () => Promise.reject(denied), call(), limits)).rejects.toBe(denied);
  });

  it("rejects with the caller's reason when the caller aborts while waiting for headers", async () => {
    const controller = new AbortController();
    const reason = new Error("user navigated away");
    // Ignores its signal, as a user-supplied fetch may: the attempt must stop waiting on its own.
    const never: Send = () => new Promise(() => undefined);
    const pending = runAttempt(never, call(controller.signal), limits);
    setTimeout(() => controller.abort(reason), 5);
    await expect(pending).rejects.toBe(reason);
  });

  it("rejects with the caller's reason when the caller aborts during the body, and cancels it", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    const seen = { cancelled: false };
    const stalled = new ReadableStream({
      start(c) {
        c.enqueue(new Uint8Array(1));
      },
      cancel() {
        seen.cancelled = true;
      },
    });
    const pending = runAttempt(async () => new Response(stalled), call(controller.signal), limits);
    setTimeout(() => controller.abort(reason), 5);
    await expect(pending).rejects.toBe(reason);
    expect(seen.cancelled).toBe(true);
  });

  it("cancels a body that stalls past the timeout", async () => {
    const seen = { cancelled: false };
    const stalled = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"a":'));
      },
      cancel() {
        seen.cancelled = true;
      },
    });
    const outcome = await runAttempt(async () => new Response(stalled), call(), { ...limits, timeout: 20 });
    expect(outcome.failure).toMatchObject({ kind: "timeout", detail: "no response body within 20 ms" });
    expect(seen.cancelled).toBe(true);
  });

  it("reads bodies of every content type into memory, under the cap", async () => {
    const { stream } = observedBody([new Uint8Array([1, 2]), new Uint8Array([3])]);
    const original = new Response(stream, { headers: { "content-type": "application/octet-stream" } });
    const outcome = await runAttempt(async () => original, call(), limits);
    expect(original.bodyUsed).toBe(true);
    expect(new Uint8Array(await outcome.response!.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("stops reading once the body passes maxResponseBytes, and cancels it", async () => {
    const { stream, seen } = observedBody("endless");
    const outcome = await runAttempt(async () => new Response(stream), call(), limits);
    expect(outcome.failure?.kind).toBe("too-large");
    expect(seen.cancelled).toBe(true);
    // 100-byte chunks under a 1,000-byte cap: at most the cap plus one chunk was taken.
    expect(seen.pulls).toBeLessThanOrEqual(12);
  });

  it("refuses a declared Content-Length over the cap without reading a byte", async () => {
    const { stream, seen } = observedBody("endless");
    const response = new Response(stream, { headers: { "content-length": "5000" } });
    const outcome = await runAttempt(async () => response, call(), limits);
    expect(outcome.failure).toMatchObject({ kind: "too-large", detail: "Content-Length is 5000 bytes" });
    expect(seen.pulls).toBeLessThanOrEqual(1);
  });

  it("turns a 3xx into a redirect failure naming only the target's origin", async () => {
    const response = new Response(null, {
      status: 307,
      headers: { location: "https://evil.example:8443/steal?key=abc" },
    });
    const outcome = await runAttempt(async () => response, call(), limits);
    expect(outcome.failure).toMatchObject({
      kind: "redirect",
      status: 307,
      targetOrigin: "https://evil.example:8443",
    });
    expect(JSON.stringify(outcome.failure)).not.toContain("key=abc");
  });

  it("hands a 2xx over unread when streaming, and the caller's abort still cancels it", async () => {
    const { stream, seen } = observedBody("endless");
    const controller = new AbortController();
    const original = new Response(stream);
    const outcome = await runAttempt(async () => original, call(controller.signal), {
      ...limits,
      stream: true,
    });
    expect(outcome.response).toBe(original);
    controller.abort(new Error("stop"));
    await vi.waitFor(() => expect(seen.cancelled).toBe(true));
  });

  it("does not cap a stream by its declared Content-Length: the caller reads it", async () => {
    const { stream } = observedBody([new Uint8Array(3)]);
    const response = new Response(stream, { headers: { "content-length": "5000" } });
    const outcome = await runAttempt(async () => response, call(), { ...limits, stream: true });
    expect(outcome.response).toBe(response);
  });

  it("buffers an error body even when streaming, and parses it for the retry decision", async () => {
    const error = Response.json({ error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" }, { status: 503 });
    const outcome = await runAttempt(async () => error, call(), { ...limits, stream: true });
    expect(outcome.response).not.toBe(error);
    expect(outcome.errorBody).toEqual({ error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" });
  });

  describe("the caller's signal and the timer once the attempt is over", () => {
    afterEach(() => {
      vi.useRealTimers();
    });
    // A caller may reuse one long-lived signal for many calls: each attempt must take its listener away.
    const listeners = (signal: AbortSignal) => getEventListeners(signal, "abort").length;

    it("leaves no listener on the caller's signal after a buffered response or a failure", async () => {
      const { signal } = new AbortController();
      await runAttempt(async () => Response.json({ ok: true }), call(signal), limits);
      expect(listeners(signal)).toBe(0);
      await runAttempt(async () => Promise.reject(new Error("reset")), call(signal), limits);
      expect(listeners(signal)).toBe(0);
    });

    it("keeps one listener while a handed-over stream is read, gone once it fired", async () => {
      const controller = new AbortController();
      const { stream } = observedBody([new Uint8Array(3)]);
      await runAttempt(async () => new Response(stream), call(controller.signal), {
        ...limits,
        stream: true,
      });
      expect(listeners(controller.signal)).toBe(1);
      controller.abort(new Error("stop"));
      expect(listeners(controller.signal)).toBe(0);
    });

    it("keeps no listener for a streamed 2xx without a body (nothing to cancel)", async () => {
      const { signal } = new AbortController();
      const empty = new Response(null, { status: 204 });
      const outcome = await runAttempt(async () => empty, call(signal), { ...limits, stream: true });
      expect(outcome.response).toBe(empty);
      expect(listeners(signal)).toBe(0);
    });

    it("stops the timer at the hand-over: the caller reads a stream at its own pace", async () => {
      vi.useFakeTimers();
      const { stream, seen } = observedBody([new Uint8Array([7, 8])]);
      const outcome = await runAttempt(async () => new Response(stream), call(), {
        ...limits,
        timeout: 50,
        stream: true,
      });
      vi.advanceTimersByTime(10_000);
      expect(seen.cancelled).toBe(false);
      expect(new Uint8Array(await outcome.response!.arrayBuffer())).toEqual(new Uint8Array([7, 8]));
    });
  });
});
