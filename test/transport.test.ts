/**
 * The transport as a unit: a fake `send` stands in for the network, so every branch of the retry
 * policy is checked without sockets or real waiting (backoff is 1–4 ms here). The same paths over
 * real HTTP are in test/faults/.
 */
import { inspect } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { readCallOptions, type Send, STREAM_KEY, staleSocketErrors } from "../src/call.js";
import type { RetryEvent } from "../src/config.js";
import type { Cutoff } from "../src/cutoff.js";
import { DatabricksAuthError, DatabricksConnectionError, DatabricksTimeoutError } from "../src/errors.js";
import { PlannedRequest } from "../src/outgoing.js";
import { createTransport, type TransportOptions } from "../src/transport.js";
import { toError } from "../src/unwrap.js";

const KEY = "sk-unit-0123456789abcdef";
const BASE = "https://apim.example.net/dbw-01";

function transport(send: Send, options: Partial<TransportOptions> = {}) {
  return createTransport(send, {
    baseUrl: BASE,
    maxRetries: 3,
    maxResponseBytes: 1024 * 1024,
    timeout: 1_000,
    totalTimeout: 10_000,
    onRetry: undefined,
    describe: (url, method) => ({ method, path: new URL(url).pathname.replace("/dbw-01", "") }),
    secrets: [KEY],
    backoff: { initial: 1, max: 4, factor: 2, jitter: 0 },
    random: () => 0,
    ...options,
  });
}

/**
 * A fake network that answers from a script (the last entry repeats) and records what it was sent:
 * the Request fetch would build from the original and the attempt's init (body replay, signal).
 */
function scripted(...replies: Array<() => Response | Promise<Response>>) {
  const sent: Request[] = [];
  const send: Send = async (call, cutoff) => {
    sent.push(
      new Request(call.url, {
        method: call.method,
        headers: call.headers,
        body: call.body,
        signal: cutoff.signal,
      }),
    );
    const reply = replies[Math.min(sent.length - 1, replies.length - 1)]!;
    return reply();
  };
  return { send, sent };
}

const ok =
  (body: unknown = {}) =>
  () =>
    Response.json(body);
const status =
  (code: number, headers: Record<string, string> = {}, body: unknown = { error_code: "X", message: "x" }) =>
  () =>
    Response.json(body, { status: code, headers });
const networkError = () => () =>
  Promise.reject(
    new TypeError("fetch failed", {
      cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
    }),
  );
const get = (path = "/api/2.1/clusters/get", init: RequestInit = {}) => new Request(`${BASE}${path}`, init);
const post = (path: string, body: unknown, init: RequestInit = {}) =>
  new Request(`${BASE}${path}`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
    ...init,
  });

describe("readCallOptions", () => {
  it("reads numeric overrides that openapi-fetch copied onto the Request, and ignores other keys", () => {
    const request = Object.assign(get(), { maxRetries: 0, timeout: 5, other: 1 });
    expect(readCallOptions(request)).toEqual({ maxRetries: 0, timeout: 5, stream: false, fetch: undefined });
    expect(readCallOptions(Object.assign(get(), { maxResponseBytes: 7 }))).toMatchObject({
      maxResponseBytes: 7,
    });
    expect(readCallOptions(get())).toEqual({ stream: false, fetch: undefined });
  });

  it.each([
    ["totalTimeout", "9"],
    ["totalTimeout", Number.NaN],
    ["timeout", 0],
    ["maxRetries", -1],
    ["maxRetries", 1.5],
    ["maxResponseBytes", 0],
  ])("refuses %s: %o before sending, naming the option", async (name, value) => {
    const { send, sent } = scripted(ok());
    await expect(transport(send)(Object.assign(get(), { [name]: value }))).rejects.toThrow(
      new RegExp(`Invalid call: ${name} must be an integer`),
    );
    expect(sent).toHaveLength(0);
  });
});

describe("which responses are retried", () => {
  // "Uncertain" answers (the request may have been processed) count against maxRetries (3 here).
  it.each([
    ["GET", 502, 4],
    ["GET", 504, 4],
    ["GET", 500, 1],
    ["GET", 400, 1],
    ["GET", 404, 1],
    ["POST", 502, 1],
    ["POST", 504, 1],
  ])("%s answered %i → %i attempts, and the last response is returned", async (method, code, attempts) => {
    const { send, sent } = scripted(status(code));
    const request = method === "GET" ? get() : post("/api/2.1/clusters/create", {});
    const response = await transport(send)(request);
    expect(response.status).toBe(code);
    expect(await response.json()).toEqual({ error_code: "X", message: "x" });
    expect(sent).toHaveLength(attempts);
  });

  // Throttling is waited out until totalTimeout, for every method, whatever maxRetries says
  // (databricks-sdk-go config/api_client.go: RetryTimeout 300 s; databricks-sdk-py retry_timeout_seconds=300).
  it.each([
    ["GET", 429],
    ["GET", 503],
    ["POST", 429],
    ["POST", 503],
  ])("%s answered %i is retried past maxRetries, until the deadline", async (method, code) => {
    const { send, sent } = scripted(status(code, { "retry-after": "0.02" }));
    const request = method === "GET" ? get() : post("/api/2.1/clusters/create", {});
    const response = await transport(send, { totalTimeout: 300 })(request);
    expect(response.status).toBe(code);
    expect(sent.length).toBeGreaterThan(4);
  });

  it("maxRetries 0 turns every retry off, throttling included", async () => {
    const { send, sent } = scripted(status(429, { "retry-after": "0" }));
    expect((await transport(send, { maxRetries: 0 })(get())).status).toBe(429);
    expect(sent).toHaveLength(1);
  });

  it("retries APIM's backend-failure 500 for GET only, not Databricks' own 500", async () => {
    const apim = scripted(
      status(500, {}, { statusCode: 500, message: "Internal server error", activityId: "a-1" }),
    );
    expect((await transport(apim.send, { maxRetries: 1 })(get())).status).toBe(500);
    expect(apim.sent).toHaveLength(2);
    const createCall = scripted(status(500, {}, { statusCode: 500, message: "Internal server error" }));
    await transport(createCall.send)(post("/api/2.1/clusters/create", {}));
    expect(createCall.sent).toHaveLength(1);
  });

  it("stops as soon as an attempt succeeds, and replays the body on every attempt", async () => {
    const { send, sent } = scripted(status(503), status(429), ok({ cluster_id: "c-1" }));
    const response = await transport(send)(post("/api/2.1/clusters/create", { spark_version: "15.4" }));
    expect(await response.json()).toEqual({ cluster_id: "c-1" });
    expect(await Promise.all(sent.map((request) => request.text()))).toEqual(
      Array(3).fill('{"spark_version":"15.4"}'),
    );
    expect(sent.map((request) => request.headers.get("content-type"))).toEqual(
      Array(3).fill("application/json"),
    );
  });

  it("leaves no retried response with an unread body (its connection goes back to the pool)", async () => {
    const answered: Response[] = [];
    const reply = (response: Response) => () => {
      answered.push(response);
      return response;
    };
    const { send } = scripted(
      reply(Response.json({ error_code: "X" }, { status: 503, headers: { "retry-after": "0" } })),
      reply(
        new Response("<html>bad gateway</html>", { status: 502, headers: { "content-type": "text/html" } }),
      ),
      reply(Response.json({})),
    );
    await transport(send)(get());
    expect(answered).toHaveLength(3);
    expect(answered.slice(0, 2).map((response) => response.bodyUsed)).toEqual([true, true]);
  });

  it("honours per-call maxRetries over the client's", async () => {
    const { send, sent } = scripted(status(502));
    await transport(send, { maxRetries: 5 })(Object.assign(get(), { maxRetries: 1 }));
    expect(sent).toHaveLength(2);
  });

  it("honours per-call totalTimeout over the client's", async () => {
    // A 1 s Retry-After fits the client's 10 s deadline but not the call's 500 ms one.
    const { send, sent } = scripted(status(503, { "retry-after": "1" }), ok());
    const response = await transport(send, { totalTimeout: 10_000 })(
      Object.assign(get(), { totalTimeout: 500 }),
    );
    expect(response.status).toBe(503);
    expect(sent).toHaveLength(1);
  });

  it("returns a Retry-After longer than maxRetryAfter to the caller at once", async () => {
    const { send, sent } = scripted(status(429, { "retry-after": "2" }));
    const response = await transport(send, { maxRetryAfter: 1_000 })(get());
    expect(response.status).toBe(429);
    expect(sent).toHaveLength(1);
  });

  it("reports each retry to onRetry with attempt, delay and reason, and survives a throwing hook", async () => {
    const events: RetryEvent[] = [];
    const { send } = scripted(status(429, { "retry-after": "0" }), networkError(), ok());
    await transport(send, {
      onRetry: (event) => {
        events.push(event);
        throw new Error("a broken logger");
      },
    })(get());
    expect(events).toEqual([
      { attempt: 1, delay: 0, reason: "429", method: "GET", path: "/api/2.1/clusters/get" },
      { attempt: 2, delay: 2, reason: "network", method: "GET", path: "/api/2.1/clusters/get" },
    ]);
  });
});

describe("failures without a response", () => {
  it("retries a network failure of a GET and raises the last one, typed, with its cause", async () => {
    const { send, sent } = scripted(networkError());
    const error = await transport(send)(get()).catch((e: unknown) => e);
    expect(sent).toHaveLength(4);
    expect(error).toBeInstanceOf(DatabricksConnectionError);
    expect(error).toMatchObject({ method: "GET", path: "/api/2.1/clusters/get" });
    expect((error as Error).message).toBe(
      "Network error: fetch failed: read ECONNRESET (GET /api/2.1/clusters/get, 4 attempts). Check connectivity to the gateway.",
    );
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it("does not retry a network failure of a POST that is not safe to repeat", async () => {
    const { send, sent } = scripted(networkError(), ok());
    await expect(transport(send)(post("/api/2.1/clusters/create", {}))).rejects.toThrow(/Not retried/);
    expect(sent).toHaveLength(1);
  });

  it("redacts secrets from the cause's message", async () => {
    const { send } = scripted(() => Promise.reject(new Error(`proxy refused header ${KEY}`)));
    const error = (await transport(send, { maxRetries: 0 })(get()).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("proxy refused header [REDACTED]");
    expect(inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(KEY);
    expect((error.cause as Error).message).toBe("proxy refused header [REDACTED]");
  });

  it("passes the package's own errors (a failed token request) through, unretried", async () => {
    const authError = new DatabricksAuthError("no token", { method: "GET", path: "/x" });
    const { send, sent } = scripted(() => Promise.reject(authError));
    await expect(transport(send)(get())).rejects.toBe(authError);
    expect(sent).toHaveLength(1);
  });

  it("times out a fetch that never settles and ignores its signal", async () => {
    const { send, sent } = scripted(() => new Promise<Response>(() => undefined));
    const error = await transport(send, { timeout: 20, maxRetries: 1 })(get()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabricksTimeoutError);
    expect((error as Error).message).toMatch(/no response headers within 20 ms/);
    expect(sent).toHaveLength(2);
  });

  it("times out a body that never ends, even from a fetch that ignores its signal, and cancels it", async () => {
    let cancelled = false;
    const stalled = () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"a":'));
          },
          cancel() {
            cancelled = true;
          },
        }),
        { headers: { "content-type": "application/json" } },
      );
    const { send } = scripted(stalled);
    const error = await transport(send, { timeout: 20, maxRetries: 0 })(get()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabricksTimeoutError);
    expect((error as Error).message).toMatch(/no response body within 20 ms/);
    expect(cancelled).toBe(true);
  });

  it("hands each attempt a fresh cutoff of its own", async () => {
    const signals: Cutoff[] = [];
    const send: Send = async (_call, cutoff) => {
      signals.push(cutoff);
      expect(cutoff.aborted).toBe(false);
      return signals.length === 1 ? status(503)() : Response.json({});
    };
    await transport(send)(get());
    expect(signals).toHaveLength(2);
    expect(signals[0]).not.toBe(signals[1]);
  });

  it("accepts a fetch that answers synchronously", async () => {
    const syncFetch = (() => Response.json({ ok: true })) as unknown as Send;
    expect(await (await transport(syncFetch)(get())).json()).toEqual({ ok: true });
  });

  it("gives each attempt a signal that the caller's signal aborts", async () => {
    const controller = new AbortController();
    const seen: Cutoff[] = [];
    const send: Send = (_call, cutoff) => {
      seen.push(cutoff);
      controller.abort(new Error("stop"));
      return new Promise(() => undefined);
    };
    await expect(
      transport(send)(get("/api/2.1/clusters/get", { signal: controller.signal })),
    ).rejects.toThrow("stop");
    expect(seen[0]!.aborted).toBe(true);
  });
});

describe("bodies", () => {
  it("buffers textual bodies into a fresh Response with the same status, headers and url", async () => {
    const original = new Response('{"a":1}', {
      status: 201,
      statusText: "Created",
      headers: { "content-type": "application/json", "x-request-id": "r-1" },
    });
    Object.defineProperty(original, "url", { value: `${BASE}/api/2.1/clusters/get` });
    const response = await transport(async () => original)(get());
    expect(response).not.toBe(original);
    expect(response.status).toBe(201);
    expect(response.statusText).toBe("Created");
    expect(response.headers.get("x-request-id")).toBe("r-1");
    expect(response.url).toBe(`${BASE}/api/2.1/clusters/get`);
    expect(await response.json()).toEqual({ a: 1 });
  });

  it("buffers binary bodies too (the timeout covers them), and passes empty responses through", async () => {
    const binary = new Response(new Uint8Array([1, 2, 3]), {
      headers: { "content-type": "application/octet-stream" },
    });
    const response = await transport(async () => binary)(get());
    expect(response).not.toBe(binary);
    expect(binary.bodyUsed).toBe(true);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    const empty = new Response(null, { status: 204 });
    expect(await transport(async () => empty)(get())).toBe(empty);
  });

  it("hands a 2xx body over unread when the call asked for a stream", async () => {
    const streamed = new Response(new Uint8Array([1, 2, 3]), {
      headers: { "content-type": "application/octet-stream" },
    });
    const response = await transport(async () => streamed)(Object.assign(get(), { [STREAM_KEY]: true }));
    expect(response).toBe(streamed);
    expect(streamed.bodyUsed).toBe(false);
  });

  it("rejects invalid JSON on a 2xx as INVALID_RESPONSE_BODY, retried for GET", async () => {
    const { send, sent } = scripted(
      () => new Response('{"clusters": [', { headers: { "content-type": "application/json" } }),
      ok({ clusters: [] }),
    );
    expect(await (await transport(send)(get())).json()).toEqual({ clusters: [] });
    expect(sent).toHaveLength(2);
  });

  it("leaves invalid JSON on an error status to the error parser", async () => {
    const broken = async () =>
      new Response("{oops", { status: 400, headers: { "content-type": "application/json" } });
    const response = await transport(broken)(get());
    expect(response.status).toBe(400);
    expect(await response.text()).toBe("{oops");
  });
});

describe("deadline and cancellation", () => {
  it("does not start a wait that would end past totalTimeout: returns the last response", async () => {
    const { send, sent } = scripted(status(503, { "retry-after": "1" }));
    const response = await transport(send, { totalTimeout: 500 })(get());
    expect(response.status).toBe(503);
    expect(sent).toHaveLength(1);
  });

  it("rejects with the caller's reason when aborted during the backoff sleep", async () => {
    const controller = new AbortController();
    const { send, sent } = scripted(status(503, { "retry-after": "5" }));
    const call = transport(send, { onRetry: () => controller.abort(new Error("cancelled by user")) })(
      get("/api/2.1/clusters/get", { signal: controller.signal }),
    );
    await expect(call).rejects.toThrow("cancelled by user");
    expect(sent).toHaveLength(1);
  });
});

describe("retry accounting and deadline (mutation-testing finds)", () => {
  const never = () => new Promise<Response>(() => {});

  it("uses the injected random source for jitter", async () => {
    const events: RetryEvent[] = [];
    const { send } = scripted(status(503), ok());
    const run = transport(send, {
      backoff: { initial: 40, max: 40, factor: 2, jitter: 0.5 },
      random: () => 0.5,
      onRetry: (event) => events.push(event),
    });
    await run(get());
    // 40 × (1 − 0.5 × 0.5) = 30: only the injected source gives exactly that.
    expect(events.map((event) => event.delay)).toEqual([30]);
  });

  it("applies a per-call maxResponseBytes below the client's", async () => {
    const { send } = scripted(ok({ data: "x".repeat(100) }));
    await expect(transport(send)(Object.assign(get(), { maxResponseBytes: 10 }))).rejects.toMatchObject({
      name: "DatabricksResponseTooLargeError",
      errorCode: "RESPONSE_TOO_LARGE",
    });
  });

  it("cuts the last attempt at the deadline, says so, and names what the attempt before failed with", async () => {
    const { send, sent } = scripted(status(503, { "retry-after": "0" }), never);
    const error = await transport(send, { timeout: 60_000, totalTimeout: 150 })(get()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabricksTimeoutError);
    expect((error as Error).message).toMatch(
      /^Timed out: the call's deadline \(totalTimeout 150 ms\) ran out, .* \(GET \/api\/2\.1\/clusters\/get, 2 attempts\); the attempt before failed with HTTP 503\. /,
    );
    expect(sent).toHaveLength(2);
  });

  it("still retries a network failure when the deadline is nearer than the per-attempt timeout", async () => {
    const { send, sent } = scripted(networkError(), ok({ id: 1 }));
    const response = await transport(send, { timeout: 60_000, totalTimeout: 30_000 })(get());
    expect(await response.json()).toEqual({ id: 1 });
    expect(sent).toHaveLength(2);
  });

  it("retries throttling even after the uncertain retries are spent, and does not count it as one", async () => {
    const spent = scripted(status(502), status(429), ok({ id: 1 }));
    const first = await transport(spent.send, { maxRetries: 1 })(get());
    expect(first.status).toBe(200);
    expect(spent.sent).toHaveLength(3);
    const throttledFirst = scripted(status(429), status(502), ok({ id: 2 }));
    const second = await transport(throttledFirst.send, { maxRetries: 1 })(get());
    expect(second.status).toBe(200);
    expect(throttledFirst.sent).toHaveLength(3);
  });

  it("retries at once on Retry-After: 0 without a caller signal", async () => {
    const { send, sent } = scripted(status(429, { "retry-after": "0" }), ok());
    expect((await transport(send)(get())).status).toBe(200);
    expect(sent).toHaveLength(2);
  });

  it("waits out the backoff before the next attempt", async () => {
    vi.useFakeTimers();
    try {
      const { send, sent } = scripted(status(503), ok());
      const pending = transport(send, { backoff: { initial: 500, max: 500, factor: 2, jitter: 0 } })(get());
      await vi.advanceTimersByTimeAsync(499);
      expect(sent).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect((await pending).status).toBe(200);
      expect(sent).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("what the transport hands on (mutation-testing finds)", () => {
  it("records an error response's call, so toError names it and redacts the key it echoes", async () => {
    const { send } = scripted(
      status(404, {}, { error_code: "RESOURCE_DOES_NOT_EXIST", message: `no ${KEY}` }),
    );
    const response = await transport(send)(get());
    const error = toError({ error: await response.clone().json(), response });
    expect(error).toMatchObject({ method: "GET", path: "/api/2.1/clusters/get", status: 404 });
    expect(error.message).not.toContain(KEY);
    expect(error.message).toContain("[REDACTED]");
  });

  it("sends a planned request that carries no signal, retrying on Retry-After: 0", async () => {
    // openapi-fetch hands over a fresh Headers; without a signal in its init there is none to check.
    const { send, sent } = scripted(status(429, { "retry-after": "0" }), ok());
    const response = await transport(send)(
      new PlannedRequest(`${BASE}/api/2.1/clusters/get`, { headers: new Headers() }),
    );
    expect(response.status).toBe(200);
    expect(sent).toHaveLength(2);
  });

  it("blames a per-attempt timeout on timeout, not on the call's deadline", async () => {
    const { send } = scripted(() => new Promise<Response>(() => undefined));
    const error = await transport(send, { timeout: 20, maxRetries: 0 })(get()).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "Timed out: no response headers within 20 ms (GET /api/2.1/clusters/get). Raise timeout (per attempt) for slow operations, or check the gateway's backend timeout.",
    );
  });
});

// node-send.ts marks the error of a request sent on a reused keep-alive socket that the server had
// already closed (Node: `request.reusedSocket`, https://nodejs.org/api/http.html#requestreusedsocket,
// which suggests retrying exactly this case). The transport re-sends such a call at once, once.
describe("a kept-alive socket found closed", () => {
  /** A fresh marked error per attempt, as node-send builds one per request. */
  const stale = () => () => {
    const error = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    staleSocketErrors.add(error);
    return Promise.reject(error);
  };

  it("sends a GET again at once, even with maxRetries: 0, and reports it with no delay", async () => {
    const events: RetryEvent[] = [];
    const { send, sent } = scripted(stale(), ok({ cluster_id: "c-1" }));
    const response = await transport(send, { maxRetries: 0, onRetry: (event) => events.push(event) })(get());
    expect(await response.json()).toEqual({ cluster_id: "c-1" });
    expect(sent).toHaveLength(2);
    expect(events).toEqual([
      { attempt: 1, delay: 0, reason: "network", method: "GET", path: "/api/2.1/clusters/get" },
    ]);
  });

  it("sends it again only once: a second closed socket is a failure like any other", async () => {
    const { send, sent } = scripted(stale(), stale(), ok());
    const error = await transport(send, { maxRetries: 0 })(get()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabricksConnectionError);
    expect(sent).toHaveLength(2);
  });

  it("is re-sent even after the call's retries were spent on other failures", async () => {
    const { send, sent } = scripted(networkError(), stale(), ok({ cluster_id: "c-1" }));
    const response = await transport(send, { maxRetries: 1 })(get());
    expect(response.status).toBe(200);
    expect(sent).toHaveLength(3);
  });

  it("does not re-send a POST that is not safe to repeat: it may have been carried out", async () => {
    const { send, sent } = scripted(stale(), ok());
    await expect(transport(send, { maxRetries: 0 })(post("/api/2.1/clusters/create", {}))).rejects.toThrow(
      /Not retried/,
    );
    expect(sent).toHaveLength(1);
  });

  it("an unmarked network failure with maxRetries: 0 is not sent again", async () => {
    const { send, sent } = scripted(networkError(), ok());
    await expect(transport(send, { maxRetries: 0 })(get())).rejects.toThrow(DatabricksConnectionError);
    expect(sent).toHaveLength(1);
  });
});
