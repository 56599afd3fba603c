import { inspect } from "node:util";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { createDatabricksClient, unwrap, VERSION } from "../src/index.js";
import { APIM, KEY, useMswServer } from "./helpers.js";

const { server, seen, http } = useMswServer();

// Created before MSW starts listening: the client must still be intercepted (fetch resolved per request).
const early = createDatabricksClient({ apimUrl: APIM, subscriptionKey: KEY });

describe("APIM mode", () => {
  it("sends GETs to <apimUrl>/<apiSuffix>/api/... with the subscription key and no Authorization", async () => {
    server.use(
      http.get(`${APIM}/dbw-01/api/2.1/clusters/get`, () =>
        HttpResponse.json({ cluster_id: "c-1", state: "RUNNING" }),
      ),
    );
    const { data } = await early.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: "c-1" } } });
    expect(data?.state).toBe("RUNNING");
    expect(seen).toHaveLength(1);
    const request = seen[0]!;
    expect(request.url).toBe(`${APIM}/dbw-01/api/2.1/clusters/get?cluster_id=c-1`);
    expect(request.headers.get("ocp-apim-subscription-key")).toBe(KEY);
    expect(request.headers.get("authorization")).toBeNull();
    expect(request.headers.get("accept")).toBe("application/json");
    expect(request.headers.get("user-agent")).toBe(
      `databricks-apim/${VERSION} node/${process.versions.node}`,
    );
  });

  it("honours a custom apiSuffix and appends the app's user agent", async () => {
    server.use(
      http.get(`${APIM}/dbw-02/api/2.0/preview/scim/v2/Me`, () =>
        HttpResponse.json({ userName: "me@example.com" }),
      ),
    );
    const client = createDatabricksClient({
      apimUrl: APIM,
      apiSuffix: "dbw-02",
      subscriptionKey: KEY,
      userAgent: "my-app/1.2",
    });
    expect((await unwrap(client.GET("/api/2.0/preview/scim/v2/Me"))).userName).toBe("me@example.com");
    expect(seen[0]!.headers.get("user-agent")).toMatch(/ my-app\/1\.2$/);
  });

  it("adds a bearer token from the credential with the configured scopes, per request", async () => {
    const asked: unknown[] = [];
    let n = 0;
    const credential = {
      getToken: async (scopes: string | string[]) => {
        asked.push(scopes);
        n += 1;
        return {
          token: `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.sig${n}`,
          expiresOnTimestamp: Date.now() + 3_600_000,
        };
      },
    };
    server.use(http.get(`${APIM}/dbw-01/api/2.0/preview/scim/v2/Me`, () => HttpResponse.json({})));
    const client = createDatabricksClient({
      apimUrl: APIM,
      subscriptionKey: KEY,
      credential,
      scopes: "api://gw/.default",
    });
    await client.GET("/api/2.0/preview/scim/v2/Me");
    await client.GET("/api/2.0/preview/scim/v2/Me");
    expect(asked).toEqual([["api://gw/.default"], ["api://gw/.default"]]);
    expect(seen[0]!.headers.get("authorization")).toMatch(/^Bearer eyJ.*sig1$/);
    expect(seen[1]!.headers.get("authorization")).toMatch(/sig2$/);
    expect(seen[0]!.headers.get("ocp-apim-subscription-key")).toBe(KEY);
  });

  it("sends JSON bodies, and {} for POSTs that take no body", async () => {
    server.use(
      http.post(`${APIM}/dbw-01/api/2.1/clusters/start`, () => HttpResponse.json({})),
      http.post(`${APIM}/dbw-01/api/2.0/sql/warehouses/:id/start`, () => HttpResponse.json({})),
    );
    await unwrap(early.POST("/api/2.1/clusters/start", { body: { cluster_id: "c-1" } }));
    await unwrap(early.POST("/api/2.0/sql/warehouses/{id}/start", { params: { path: { id: "wh 1" } } }));
    expect(await seen[0]!.json()).toEqual({ cluster_id: "c-1" });
    expect(seen[0]!.headers.get("content-type")).toBe("application/json");
    expect(seen[1]!.url).toBe(`${APIM}/dbw-01/api/2.0/sql/warehouses/wh%201/start`);
    expect(await seen[1]!.text()).toBe("{}");
    expect(seen[1]!.headers.get("content-type")).toBe("application/json");
  });

  it("flattens nested query objects to dotted keys, arrays to repeated keys, booleans lowercase", async () => {
    server.use(http.get(`${APIM}/dbw-01/api/2.1/clusters/list`, () => HttpResponse.json({})));
    await early.GET("/api/2.1/clusters/list", {
      params: {
        query: {
          filter_by: { cluster_states: ["RUNNING", "PENDING"], is_pinned: true, policy_id: "p 1" },
          sort_by: { field: "CLUSTER_NAME", direction: "ASC" },
          page_size: 10,
        },
      },
    });
    expect(new URL(seen[0]!.url).search).toBe(
      "?filter_by.cluster_states=RUNNING&filter_by.cluster_states=PENDING&filter_by.is_pinned=true&filter_by.policy_id=p%201" +
        "&sort_by.field=CLUSTER_NAME&sort_by.direction=ASC&page_size=10",
    );
  });

  it("keeps the key out of util.inspect(client)", () => {
    expect(inspect(early, { depth: 10, showHidden: true })).not.toContain(KEY);
    expect(JSON.stringify(early)).not.toContain(KEY);
  });

  it("uses a custom fetch when given one", async () => {
    const calls: string[] = [];
    const client = createDatabricksClient({
      apimUrl: APIM,
      subscriptionKey: KEY,
      fetch: async (request) => {
        calls.push(`${request.method} ${request.url}`);
        return Response.json({ clusters: [] });
      },
    });
    await unwrap(client.GET("/api/2.1/clusters/list"));
    expect(calls).toEqual([`GET ${APIM}/dbw-01/api/2.1/clusters/list`]);
    expect(seen).toHaveLength(0);
  });
});

describe("direct mode", () => {
  const host = "https://adb-1234.5.azuredatabricks.net";

  it("sends Authorization: Bearer <token> to the workspace and no subscription key", async () => {
    server.use(http.get(`${host}/api/2.1/clusters/list`, () => HttpResponse.json({})));
    const client = createDatabricksClient({ workspaceUrl: host, token: "dapi-0123456789abcdef" });
    await client.GET("/api/2.1/clusters/list");
    expect(seen[0]!.url).toBe(`${host}/api/2.1/clusters/list`);
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer dapi-0123456789abcdef");
    expect(seen[0]!.headers.get("ocp-apim-subscription-key")).toBeNull();
  });

  it("asks the credential for the Azure Databricks scope", async () => {
    const scopes: unknown[] = [];
    const credential = {
      getToken: async (s: string | string[]) => {
        scopes.push(s);
        return { token: "entra-token-0123456789", expiresOnTimestamp: Date.now() + 60_000 };
      },
    };
    server.use(http.get(`${host}/api/2.1/clusters/list`, () => HttpResponse.json({})));
    await createDatabricksClient({ workspaceUrl: host, credential }).GET("/api/2.1/clusters/list");
    expect(scopes).toEqual([["2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default"]]);
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer entra-token-0123456789");
  });

  it("reports a credential failure as DatabricksAuthError without sending the request", async () => {
    const credential = {
      getToken: async () => {
        throw new Error("AADSTS700016: application not found");
      },
    };
    const client = createDatabricksClient({ workspaceUrl: host, credential });
    await expect(client.GET("/api/2.1/clusters/list")).rejects.toMatchObject({
      name: "DatabricksAuthError",
      path: "/api/2.1/clusters/list",
      message: expect.stringContaining("AADSTS700016"),
    });
    expect(seen).toHaveLength(0);
  });
});

describe("Requests seen by middleware and fetch", () => {
  const LIST = `${APIM}/dbw-01/api/2.1/clusters/list`;

  it("middleware registered with use() get real Requests carrying the call", async () => {
    server.use(http.get(LIST, () => HttpResponse.json({ clusters: [] })));
    const client = createDatabricksClient({ apimUrl: APIM, subscriptionKey: KEY });
    const requests: Request[] = [];
    client.use({
      onRequest({ request }) {
        requests.push(request);
        return undefined;
      },
    });
    await unwrap(client.GET("/api/2.1/clusters/list", { params: { query: { page_size: 5 } } }));
    expect(requests).toHaveLength(1);
    expect(requests[0]).toBeInstanceOf(Request);
    expect(requests[0]?.url).toBe(`${LIST}?page_size=5`);
    expect(requests[0]?.headers.get("accept")).toBe("application/json");
  });

  it("a call's own middleware gets a real Request; a plain call still sends method, headers and body", async () => {
    let body: unknown;
    server.use(
      http.post(`${APIM}/dbw-01/api/2.1/clusters/create`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ cluster_id: "c-1" });
      }),
    );
    const client = createDatabricksClient({ apimUrl: APIM, subscriptionKey: KEY });
    const seenByMiddleware: unknown[] = [];
    const created = await unwrap(
      client.POST("/api/2.1/clusters/create", {
        body: { spark_version: "15.4.x-scala2.12" },
        middleware: [{ onRequest: ({ request }) => void seenByMiddleware.push(request) }],
      }),
    );
    expect(created.cluster_id).toBe("c-1");
    expect(seenByMiddleware[0]).toBeInstanceOf(Request);
    await unwrap(client.POST("/api/2.1/clusters/create", { body: { spark_version: "16.0" } }));
    expect(body).toEqual({ spark_version: "16.0" });
    const last = seen.at(-1);
    expect(last?.method).toBe("POST");
    expect(last?.headers.get("content-type")).toBe("application/json");
    expect(last?.headers.get("ocp-apim-subscription-key")).toBe(KEY);
  });

  it("a call's own fetch gets a complete Request", async () => {
    const client = createDatabricksClient({ apimUrl: APIM, subscriptionKey: KEY });
    const got: Request[] = [];
    const fetch = async (request: Request) => {
      got.push(request);
      return Response.json({ clusters: [] });
    };
    await unwrap(client.GET("/api/2.1/clusters/list", { fetch }));
    expect(got[0]).toBeInstanceOf(Request);
    expect(got[0]?.url).toBe(LIST);
  });

  it("a call's own fetch replaces the client's fetch only: auth, retries and checks still apply", async () => {
    const client = createDatabricksClient({ apimUrl: APIM, subscriptionKey: KEY });
    const got: Request[] = [];
    const replies = [
      Response.json(
        { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" },
        { status: 503, headers: { "retry-after": "0" } },
      ),
      Response.json({ clusters: [] }),
    ];
    const fetch = async (request: Request) => {
      got.push(request);
      return replies.shift()!;
    };
    await unwrap(client.GET("/api/2.1/clusters/list", { fetch }));
    expect(got).toHaveLength(2);
    expect(got.map((request) => request.headers.get("ocp-apim-subscription-key"))).toEqual([KEY, KEY]);
    expect(got[0]?.redirect).toBe("manual");
  });
});

describe("calls without middleware (no WHATWG Request is built for openapi-fetch)", () => {
  const GET_URL = `${APIM}/dbw-01/api/2.1/clusters/get`;

  it("honours per-call options: maxRetries 0 sends one request", async () => {
    let count = 0;
    server.use(
      http.get(GET_URL, () => {
        count += 1;
        return HttpResponse.json(
          { statusCode: 503, message: "busy" },
          { status: 503, headers: { "retry-after": "0" } },
        );
      }),
    );
    const client = createDatabricksClient({ apimUrl: APIM, subscriptionKey: KEY, maxRetries: 3 });
    const { response } = await client.GET("/api/2.1/clusters/get", {
      params: { query: { cluster_id: "c-1" } },
      maxRetries: 0,
    });
    expect(response.status).toBe(503);
    expect(count).toBe(1);
  });

  it("gives every call its own headers: a per-call header does not reach the next call", async () => {
    server.use(http.get(GET_URL, () => HttpResponse.json({ cluster_id: "c-1" })));
    const client = createDatabricksClient({ apimUrl: APIM, subscriptionKey: KEY });
    await unwrap(
      client.GET("/api/2.1/clusters/get", {
        params: { query: { cluster_id: "c-1" } },
        headers: { "x-trace": "first" },
      }),
    );
    await unwrap(client.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: "c-1" } } }));
    expect(seen.map((request) => request.headers.get("x-trace"))).toEqual(["first", null]);
    expect(seen.map((request) => request.headers.get("ocp-apim-subscription-key"))).toEqual([KEY, KEY]);
  });

  it("forwards other fetch options of the call, and encodes a non-JSON body through a real Request", async () => {
    const got: Request[] = [];
    const client = createDatabricksClient({
      apimUrl: APIM,
      subscriptionKey: KEY,
      fetch: async (request) => {
        got.push(request);
        return Response.json({});
      },
    });
    // `redirect` is the one fetch option the client overrides: redirects are never followed.
    await unwrap(client.GET("/api/2.1/clusters/list", { redirect: "follow", cache: "no-store" }));
    expect(got[0]?.redirect).toBe("manual");
    expect(got[0]?.cache).toBe("no-store");
    await unwrap(
      client.POST("/api/2.0/secrets/scopes/create", {
        body: { scope: "s" },
        bodySerializer: (body) => new URLSearchParams({ scope: body.scope }),
      }),
    );
    expect(await got[1]?.text()).toBe("scope=s");
    expect(got[1]?.headers.get("ocp-apim-subscription-key")).toBe(KEY);
  });
});
