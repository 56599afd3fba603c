/**
 * What one attempt makes of the response it got (test/attempt.test.ts has its timer and signals):
 * redirects refused with their target's origin, the body cap at its exact edge, the body buffered with
 * the response's status, headers and url, 2xx JSON checked, error bodies parsed for the retry decision.
 * A fake `send` hands over hand-built Responses; the same paths over real HTTP are in test/faults/.
 */
import { describe, expect, it, vi } from "vitest";
import { runAttempt } from "../src/attempt.js";
import type { DirectBody, Outgoing } from "../src/call.js";

const URL_ = "https://apim.example.net/dbw-01/api/2.1/clusters/get";
const limits = { timeout: 1_000, maxResponseBytes: 1_000, stream: false };
const encode = (text: string) => new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;

function call(): Outgoing {
  return { url: URL_, method: "GET", headers: new Headers(), body: null, signal: undefined, init: {} };
}

function attempt(response: Response, overrides: Partial<typeof limits> = {}) {
  return runAttempt(async () => response, call(), { ...limits, ...overrides });
}

/** A stream of the given chunks, no Content-Length. */
function chunked(...chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

/** A Response with properties a hand-built one cannot have (set by fetch, or by node-send.ts). */
function withProps<T extends object>(response: Response, props: T): Response & T {
  for (const [key, value] of Object.entries(props)) Object.defineProperty(response, key, { value });
  return response as Response & T;
}

describe("runAttempt: redirects", () => {
  // Redirects are never followed (the key would go along): RFC 9110 §15.4 defines 300–399 as
  // redirection, except 304 Not Modified (§15.4.5), which is a cache answer, not a redirect.
  it.each([300, 301, 302, 303, 307, 308, 399])("refuses a %i, naming the server's answer", async (status) => {
    const outcome = await attempt(new Response(null, { status, headers: { location: "/elsewhere" } }));
    expect(outcome.failure).toEqual({
      kind: "redirect",
      cause: undefined,
      status,
      // A relative Location resolves against the request's URL (RFC 9110 §10.2.2).
      targetOrigin: "https://apim.example.net",
      detail: `the server answered ${status}`,
    });
  });

  it("hands a 304 Not Modified over as a response, not a redirect", async () => {
    const outcome = await attempt(new Response(null, { status: 304, headers: { location: "/x" } }));
    expect(outcome.failure).toBeUndefined();
    expect(outcome.response?.status).toBe(304);
  });

  it("hands a 400 over as a response even if it names a Location", async () => {
    const outcome = await attempt(
      Response.json(
        { error_code: "BAD_REQUEST" },
        { status: 400, headers: { location: "https://x.example/" } },
      ),
    );
    expect(outcome.response?.status).toBe(400);
    expect(outcome.errorBody).toEqual({ error_code: "BAD_REQUEST" });
  });

  it.each([
    ["no Location", {}],
    ["an empty Location", { location: "" }],
    ["a Location with an opaque origin", { location: "data:text/plain,hello" }],
    ["a Location that does not parse", { location: "http://[::1" }],
  ])("names no target origin for a redirect with %s", async (_, headers: Record<string, string>) => {
    const outcome = await attempt(new Response(null, { status: 302, headers }));
    expect(outcome.failure).toMatchObject({ kind: "redirect", status: 302 });
    expect(outcome.failure?.targetOrigin).toBeUndefined();
  });

  it("refuses an opaque redirect (a fetch with redirect: 'manual' in a browser) with no status", async () => {
    // https://fetch.spec.whatwg.org/#concept-filtered-response-opaque-redirect: status 0, no headers.
    const opaque = withProps(new Response(null, { status: 200 }), { type: "opaqueredirect", status: 0 });
    const outcome = await attempt(opaque);
    expect(outcome.failure).toMatchObject({ kind: "redirect", status: undefined, targetOrigin: undefined });
    expect(outcome.failure).not.toHaveProperty("followed");
  });

  it("refuses a response a custom fetch reached by following a redirect, naming where it went", async () => {
    // https://fetch.spec.whatwg.org/#dom-response-redirected: the final URL is the response's url.
    const followed = withProps(Response.json({ ok: true }), {
      redirected: true,
      url: "https://login.example:8443/authorize?code=secret",
    });
    const outcome = await attempt(followed);
    expect(outcome.failure).toEqual({
      kind: "redirect",
      cause: undefined,
      status: 200,
      targetOrigin: "https://login.example:8443",
      followed: true,
      detail: "a custom fetch followed a redirect",
    });
  });
});

describe("runAttempt: the body cap", () => {
  it("reads a body whose declared Content-Length is exactly the cap", async () => {
    const body = new Uint8Array(1_000).fill(65);
    const outcome = await attempt(new Response(body, { headers: { "content-length": "1000" } }));
    expect((await outcome.response!.arrayBuffer()).byteLength).toBe(1_000);
  });

  it("reads a body of exactly the cap in chunks, and refuses one byte more", async () => {
    const exact = await attempt(new Response(chunked(new Uint8Array(600), new Uint8Array(400))));
    expect(new Uint8Array(await exact.response!.arrayBuffer())).toEqual(new Uint8Array(1_000));
    const over = await attempt(
      new Response(chunked(new Uint8Array(600), new Uint8Array(401)), { status: 202 }),
    );
    expect(over.failure).toEqual({
      kind: "too-large",
      cause: undefined,
      status: 202,
      detail: "the body kept coming",
    });
  });

  it("joins many chunks in order", async () => {
    const outcome = await attempt(new Response(chunked(encode('{"a":'), encode("[1,"), encode("2]}"))));
    expect(await outcome.response!.json()).toEqual({ a: [1, 2] });
  });
});

describe("runAttempt: the buffered response", () => {
  it("keeps the status, status text, headers and url of the response it read", async () => {
    const original = withProps(
      new Response(chunked(encode("ok")), {
        status: 201,
        statusText: "Created",
        headers: { "x-request-id": "req-1" },
      }),
      { url: URL_ },
    );
    const outcome = await attempt(original);
    expect(outcome.response).not.toBe(original);
    expect(outcome.response).toMatchObject({ status: 201, statusText: "Created", url: URL_ });
    expect(outcome.response!.headers.get("x-request-id")).toBe("req-1");
    expect(await outcome.response!.text()).toBe("ok");
  });

  it("hands a 2xx without a body over as it is", async () => {
    const empty = new Response(null, { status: 200 });
    const outcome = await attempt(empty);
    expect(outcome.response).toBe(empty);
  });

  it("reads the body through readAllBytes when the bottom layer offers it (node-send.ts)", async () => {
    const readAllBytes = vi.fn<DirectBody["readAllBytes"]>(async () => encode('{"id":"0123"}'));
    const direct = withProps(new Response(null, { headers: { "content-type": "application/json" } }), {
      readAllBytes,
    });
    const outcome = await attempt(direct);
    expect(readAllBytes).toHaveBeenCalledWith(1_000);
    expect(await outcome.response!.json()).toEqual({ id: "0123" });
  });

  it("refuses a body readAllBytes found over the cap", async () => {
    const direct = withProps(new Response(null), { readAllBytes: async () => undefined });
    const outcome = await attempt(direct);
    expect(outcome.failure).toMatchObject({ kind: "too-large", detail: "the body kept coming" });
  });

  // https://fetch.spec.whatwg.org/#null-body-status: a Response with one of these statuses has no body
  // (`new Response(bytes, { status: 204 })` throws), even when the layer below read zero bytes.
  it.each([204, 205, 304])("answers a %i with a bodiless response that keeps the url", async (status) => {
    const direct = withProps(new Response(null, { status, headers: { etag: '"v1"' } }), {
      readAllBytes: async () => new Uint8Array(0),
      url: URL_,
    });
    const outcome = await attempt(direct);
    expect(outcome.response).toMatchObject({ status, url: URL_, body: null });
    expect(outcome.response!.headers.get("etag")).toBe('"v1"');
    expect(await outcome.response!.text()).toBe("");
  });
});

describe("runAttempt: JSON bodies", () => {
  it.each(["application/json", "application/json; charset=utf-8", "application/problem+json"])(
    "refuses a 2xx %s body that does not parse, without quoting it",
    async (type) => {
      // Up to 20 characters, which V8 quotes whole: 'Unexpected token 'o', "…" is not valid JSON'.
      const text = "not json: dapi-0123";
      const outcome = await attempt(new Response(text, { headers: { "content-type": type } }));
      expect(outcome.failure).toMatchObject({ kind: "invalid-body", cause: undefined, status: 200 });
      expect(outcome.failure?.detail).toBe(
        "the 200 response body (19 bytes) is not valid JSON: Unexpected token 'o'",
      );
    },
  );

  // For a longer body V8 quotes an excerpt as `"…"...` (from the start) or `..."…"...` (around the
  // error); neither may reach the detail.
  it.each([
    ["from its start", `not json: dapi-${"0".repeat(40)}`, "Unexpected token 'o'"],
    [
      "around the error",
      `[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,dapi-${"7".repeat(30)}]`,
      "Unexpected token 'd'",
    ],
  ])(
    "cuts V8's excerpt of a body longer than 20 characters out of the detail (%s)",
    async (_where, text, reason) => {
      const outcome = await attempt(new Response(text, { headers: { "content-type": "application/json" } }));
      expect(outcome.failure?.detail).toBe(
        `the 200 response body (${text.length} bytes) is not valid JSON: ${reason}`,
      );
      expect(outcome.failure?.detail).not.toContain("dapi");
    },
  );

  it("hands a 2xx body of another type over unparsed", async () => {
    const outcome = await attempt(new Response("not json", { headers: { "content-type": "text/plain" } }));
    expect(await outcome.response!.text()).toBe("not json");
  });

  it("hands an empty 2xx JSON body over (nothing to parse)", async () => {
    const outcome = await attempt(new Response("", { headers: { "content-type": "application/json" } }));
    expect(outcome.failure).toBeUndefined();
    expect(await outcome.response!.text()).toBe("");
  });

  it("answers json() of a 2xx with the value it checked, and keeps no error body", async () => {
    const outcome = await attempt(Response.json({ cluster_id: "0123", state: "RUNNING" }));
    expect(outcome.errorBody).toBeUndefined();
    expect(await outcome.response!.json()).toEqual({ cluster_id: "0123", state: "RUNNING" });
  });
});

describe("runAttempt: error bodies, parsed for the retry decision", () => {
  // Databricks error bodies are JSON `{ error_code, message }`; databricks-sdk-py tries JSON, then
  // text, then HTML on every error body without looking at its content type
  // (`databricks/sdk/errors/deserializer.py`), since gateways answer HTML or text, at times under a JSON type.
  it("keeps the text of a 502 whose JSON content type holds an HTML page", async () => {
    const page = "<html><body>502 Bad Gateway</body></html>";
    const outcome = await attempt(
      new Response(page, { status: 502, headers: { "content-type": "application/json" } }),
    );
    expect(outcome.failure).toBeUndefined();
    expect(outcome.response?.status).toBe(502);
    expect(outcome.errorBody).toBe(page);
    expect(await outcome.response!.text()).toBe(page);
  });

  it("keeps a plain-text error body as text", async () => {
    const outcome = await attempt(new Response("upstream busy", { status: 503 }));
    expect(outcome.errorBody).toBe("upstream busy");
  });

  it("parses a JSON error body whatever its content type says", async () => {
    const text = JSON.stringify({ error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" });
    const outcome = await attempt(
      new Response(text, { status: 503, headers: { "content-type": "text/plain" } }),
    );
    expect(outcome.errorBody).toEqual({ error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" });
  });

  it("keeps no error body for an empty one", async () => {
    const outcome = await attempt(
      new Response("", { status: 503, headers: { "content-type": "application/json" } }),
    );
    expect(outcome.response?.status).toBe(503);
    expect(outcome.errorBody).toBeUndefined();
  });
});
