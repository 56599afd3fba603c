/**
 * The client's per-call handling (client.ts `prepare`): refused calls reject, a call's own fetch,
 * `parseAs: "stream"`, middleware (per call and with use/eject) and the error context that survives a
 * middleware replacing the response; errors and retry events name the path without the gateway prefix.
 */
import { HttpResponse } from "msw";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type DatabricksApimError, DatabricksConfigError } from "../src/errors.js";
import { createDatabricksClient, type RetryEvent, unwrap } from "../src/index.js";
import { APIM, KEY, useMswServer } from "./helpers.js";

const { server, seen, http } = useMswServer();
afterEach(() => vi.unstubAllGlobals());

const GET_URL = `${APIM}/dbw-01/api/2.1/clusters/get`;
const query = { params: { query: { cluster_id: "c-1" } } };
// Databricks error body: `error_code` and `message` (https://docs.databricks.com/api/workspace/clusters/get,
// "Error responses"); the key echoed in it to check it is redacted wherever the error is built.
const notFound = () =>
  HttpResponse.json(
    { error_code: "RESOURCE_DOES_NOT_EXIST", message: `Cluster c-1 does not exist (${KEY})` },
    { status: 404 },
  );
const client = (extra: Record<string, unknown> = {}) =>
  createDatabricksClient({ apimUrl: APIM, subscriptionKey: KEY, ...extra });
/** A fetch that records what it was given and answers `reply()`. */
const recordingFetch = (reply: () => Response) => {
  const got: { request: Request; init: { signal?: AbortSignal } | undefined }[] = [];
  const fetch = async (request: Request, init?: { signal?: AbortSignal }) => {
    got.push({ request, init });
    return reply();
  };
  return { got, fetch };
};
/** The error an awaited call rejects with (fails the test if it resolves). */
async function rejection(call: Promise<unknown>): Promise<DatabricksApimError> {
  return call.then(
    () => expect.unreachable("the call resolved"),
    (error: unknown) => error as DatabricksApimError,
  );
}

describe("paths in errors and retry events", () => {
  it("name the Databricks path, without the gateway's API suffix", async () => {
    server.use(http.get(GET_URL, notFound));
    const error = await rejection(unwrap(client().GET("/api/2.1/clusters/get", query)));
    expect(error).toMatchObject({ status: 404, method: "GET", path: "/api/2.1/clusters/get" });
    expect(error.errorCode).toBe("RESOURCE_DOES_NOT_EXIST");
    expect(error.message).not.toContain(KEY);
  });

  it("a retry event names the path without the suffix too", async () => {
    const replies = [
      HttpResponse.json(
        { statusCode: 503, message: "busy" },
        { status: 503, headers: { "retry-after": "0" } },
      ),
      HttpResponse.json({ cluster_id: "c-1" }),
    ];
    server.use(http.get(GET_URL, () => replies.shift()));
    const events: RetryEvent[] = [];
    await unwrap(
      client({ onRetry: (event: RetryEvent) => events.push(event) }).GET("/api/2.1/clusters/get", query),
    );
    expect(events).toMatchObject([{ attempt: 1, method: "GET", path: "/api/2.1/clusters/get", delay: 0 }]);
  });
});

describe("refused calls", () => {
  it("reject like any failed call, rather than throwing where the call is made, and send nothing", async () => {
    const c = client();
    let pending: Promise<unknown> | undefined;
    expect(() => {
      pending = c.GET("/api/2.1/clusters/get", { ...query, headers: { "x-trace": "a\r\nb" } });
    }).not.toThrow();
    await expect(pending).rejects.toThrow(DatabricksConfigError);
    expect(() => {
      pending = c.request("get", "/api/2.1/clusters/get", { ...query, headers: { "x-trace": "a\nb" } });
    }).not.toThrow();
    await expect(pending).rejects.toThrow(DatabricksConfigError);
    expect(seen).toHaveLength(0);
  });

  it("refuse a call's fetch that is not a function, naming it", async () => {
    const call = client().GET("/api/2.1/clusters/get", { ...query, fetch: "https://elsewhere" as never });
    await expect(call).rejects.toThrow(new DatabricksConfigError("Invalid call: fetch must be a function"));
    expect(seen).toHaveLength(0);
  });
});

describe("calls", () => {
  it("request(method, path, init) goes the same way as GET", async () => {
    server.use(http.get(GET_URL, () => HttpResponse.json({ cluster_id: "c-1", state: "RUNNING" })));
    const { data } = await client().request("get", "/api/2.1/clusters/get", query);
    expect(data?.state).toBe("RUNNING");
    expect(seen[0]?.headers.get("ocp-apim-subscription-key")).toBe(KEY);
  });

  it("a call given null as its init (plain JavaScript) is sent like one given none", async () => {
    server.use(http.get(`${APIM}/dbw-01/api/2.1/clusters/list`, () => HttpResponse.json({ clusters: [] })));
    const { data } = await client().GET("/api/2.1/clusters/list", null as never);
    expect(data).toEqual({ clusters: [] });
  });

  // workspace/export with direct_download returns the file itself, not JSON
  // (https://docs.databricks.com/api/workspace/workspace/export): such bodies are read as streams.
  it('hands a parseAs: "stream" body over unread, beyond maxResponseBytes; a JSON call is held to it', async () => {
    const file = "x".repeat(5_000);
    server.use(
      http.get(`${APIM}/dbw-01/api/2.0/workspace/export`, () =>
        HttpResponse.text(file, { headers: { "content-type": "application/octet-stream" } }),
      ),
    );
    const c = client({ maxResponseBytes: 1_000 });
    const params = { query: { path: "/Users/me/big.py", direct_download: true } };
    const { data, response } = await c.GET("/api/2.0/workspace/export", { params, parseAs: "stream" });
    expect(response.status).toBe(200);
    expect(await new Response(data as unknown as ReadableStream).text()).toBe(file);
    const error = await rejection(c.GET("/api/2.0/workspace/export", { params }));
    expect(error.errorCode).toBe("RESPONSE_TOO_LARGE");
  });
});

describe("a call's own fetch", () => {
  it("is held to maxResponseBytes like any call, and gets the call's other fetch options", async () => {
    const { got, fetch } = recordingFetch(() => Response.json({ clusters: [], padding: "x".repeat(2_000) }));
    const c = client({ maxResponseBytes: 1_000 });
    const error = await rejection(c.GET("/api/2.1/clusters/list", { fetch, maxRetries: 0 }));
    expect(error.errorCode).toBe("RESPONSE_TOO_LARGE");
    const small = recordingFetch(() => Response.json({ clusters: [] }));
    await unwrap(c.GET("/api/2.1/clusters/list", { fetch: small.fetch, cache: "no-store" }));
    expect(small.got[0]?.request.cache).toBe("no-store");
    expect(got).toHaveLength(1);
  });

  // A call with middleware goes through a real Request (openapi-fetch promises middleware one); the
  // call's other fetch options must survive that as they do without middleware.
  it("gets the call's other fetch options also when the call has middleware", async () => {
    const small = recordingFetch(() => Response.json({ clusters: [] }));
    const seenByMiddleware: Request[] = [];
    const middleware = [
      { onRequest: ({ request }: { request: Request }) => void seenByMiddleware.push(request) },
    ];
    await unwrap(
      client().GET("/api/2.1/clusters/list", {
        fetch: small.fetch,
        cache: "no-store",
        keepalive: true,
        middleware,
      }),
    );
    expect(seenByMiddleware[0]?.cache).toBe("no-store");
    expect(small.got[0]?.request.cache).toBe("no-store");
    expect(small.got[0]?.request.keepalive).toBe(true);
    // Redirects are never followed, whatever the call asked (attempt.ts).
    expect(small.got[0]?.request.redirect).toBe("manual");
  });

  // FetchLike (options.ts) promises the attempt's signal in fetch's own init too: undici links a
  // Request's copies to the caller's signal only weakly (call.ts, `Send`).
  it("gets the attempt's signal in its own init, and that signal ends the attempt", async () => {
    const signals: (AbortSignal | undefined)[] = [];
    const fetch = (_request: Request, init?: { signal?: AbortSignal }) => {
      signals.push(init?.signal);
      return new Promise<Response>((_resolve, reject) =>
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
      );
    };
    const error = await rejection(
      client({ timeout: 50 }).GET("/api/2.1/clusters/list", { fetch, maxRetries: 0 }),
    );
    expect(error.name).toBe("DatabricksTimeoutError");
    expect(signals).toHaveLength(1);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    expect(signals[0]?.aborted).toBe(true);
  });
});

describe("a replaced global fetch", () => {
  // The app (or its test stub) expects fetch(url, init) as it would call it: the JSON body as text.
  it("gets the URL and the JSON text, also for a call with an empty middleware list", async () => {
    const got: { url: unknown; body: unknown }[] = [];
    vi.stubGlobal("fetch", async (url: unknown, init?: RequestInit) => {
      got.push({ url, body: init?.body });
      return Response.json({ cluster_id: "c-1" });
    });
    const c = client();
    const body = { spark_version: "16.0" };
    await unwrap(c.POST("/api/2.1/clusters/create", { body }));
    await unwrap(c.POST("/api/2.1/clusters/create", { body, middleware: [] }));
    const url = `${APIM}/dbw-01/api/2.1/clusters/create`;
    expect(got).toEqual([
      { url, body: JSON.stringify(body) },
      { url, body: JSON.stringify(body) },
    ]);
  });
});

describe("middleware", () => {
  // A middleware may hand back a Response of its own (openapi-fetch `onResponse`); unwrap must still
  // know which call it answers, and still redact the key the body echoes.
  const replacing = {
    onResponse: ({ response }: { response: Response }) =>
      new Response(response.body, { status: response.status, headers: response.headers }),
  };

  it("installed with use(): an error response it replaced still names the call", async () => {
    server.use(http.get(GET_URL, notFound));
    const c = client();
    c.use(replacing);
    const error = await rejection(unwrap(c.GET("/api/2.1/clusters/get", query)));
    expect(error).toMatchObject({
      method: "GET",
      path: "/api/2.1/clusters/get",
      errorCode: "RESOURCE_DOES_NOT_EXIST",
    });
    expect(error.message).not.toContain(KEY);
  });

  it("given for one call: an error response it replaced still names the call", async () => {
    server.use(http.get(GET_URL, notFound));
    const error = await rejection(
      unwrap(client().GET("/api/2.1/clusters/get", { ...query, middleware: [replacing] })),
    );
    expect(error).toMatchObject({
      method: "GET",
      path: "/api/2.1/clusters/get",
      errorCode: "RESOURCE_DOES_NOT_EXIST",
    });
    expect(error.message).not.toContain(KEY);
  });

  it("installed with use() gets real Requests for calls without init, and stops after eject()", async () => {
    server.use(http.get(`${APIM}/dbw-01/api/2.1/clusters/list`, () => HttpResponse.json({ clusters: [] })));
    const c = client();
    const requests: unknown[] = [];
    const middleware = { onRequest: ({ request }: { request: Request }) => void requests.push(request) };
    c.use(middleware);
    await unwrap(c.GET("/api/2.1/clusters/list"));
    expect(requests).toHaveLength(1);
    expect(requests[0]).toBeInstanceOf(Request);
    c.eject(middleware);
    await unwrap(c.GET("/api/2.1/clusters/list"));
    expect(requests).toHaveLength(1);
    expect(seen).toHaveLength(2);
  });
});
