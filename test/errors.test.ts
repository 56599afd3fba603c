import { inspect } from "node:util";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import * as errors from "../src/errors.js";
import {
  ApimGatewayError,
  createDatabricksClient,
  DatabricksApiError,
  DatabricksApimError,
  InvalidParameterValue,
  isApimGatewayError,
  isDatabricksApimError,
  isNotFound,
  ResourceDoesNotExist,
  unwrap,
} from "../src/index.js";
import { APIM, KEY, useMswServer } from "./helpers.js";

const { server, http } = useMswServer();
// These tests check parsing, not retries: a 429/503 must come straight back.
const client = createDatabricksClient({ apimUrl: APIM, subscriptionKey: KEY, maxRetries: 0 });
const token = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiIyZmY4MTRhNiJ9.c2lnbmF0dXJl";
const GET_CLUSTER = `${APIM}/dbw-01/api/2.1/clusters/get`;

async function failure(reply: () => Response): Promise<DatabricksApimError> {
  server.use(http.get(GET_CLUSTER, reply));
  const error = await unwrap(
    client.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: "c-1" } } }),
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatabricksApimError);
  return error as DatabricksApimError;
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    HttpResponse.json(body as never, { status, headers });
const text =
  (status: number, body: string, statusText?: string, contentType = "text/plain") =>
  () =>
    new HttpResponse(body, {
      status,
      ...(statusText ? { statusText } : {}),
      headers: { "Content-Type": contentType },
    });

describe("error classes by body shape", () => {
  it.each([
    [
      "APIM missing key",
      json(401, {
        statusCode: 401,
        message:
          "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.",
      }),
      "ApimGatewayError",
      401,
      "missing-subscription-key",
    ],
    [
      "APIM invalid key",
      json(401, {
        statusCode: 401,
        message:
          "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.",
      }),
      "ApimGatewayError",
      401,
      "invalid-subscription-key",
    ],
    [
      "APIM whitelist 404",
      json(404, { statusCode: 404, message: "Resource not found" }),
      "ApimGatewayError",
      404,
      "operation-not-found",
    ],
    [
      "APIM rate limit",
      json(
        429,
        { statusCode: 429, message: "Rate limit is exceeded. Try again in 57 seconds." },
        { "Retry-After": "57" },
      ),
      "ApimGatewayError",
      429,
      "rate-limited",
    ],
    [
      "APIM quota",
      json(403, {
        statusCode: 403,
        message: "Out of call volume quota. Quota will be replenished in 00:10:00.",
      }),
      "ApimGatewayError",
      403,
      "quota-exceeded",
    ],
    [
      "APIM backend failure",
      json(500, { statusCode: 500, message: "Internal server error", activityId: "3f1c-aa" }),
      "ApimGatewayError",
      500,
      "backend-failure",
    ],
    [
      "Databricks MI not granted",
      json(401, { error_code: "401", message: "Unauthorized" }),
      "Unauthenticated",
      401,
      "401",
    ],
    [
      "RESOURCE_DOES_NOT_EXIST",
      json(404, { error_code: "RESOURCE_DOES_NOT_EXIST", message: "Job 5 does not exist." }),
      "ResourceDoesNotExist",
      404,
      "RESOURCE_DOES_NOT_EXIST",
    ],
    [
      "INVALID_STATE",
      json(400, { error_code: "INVALID_STATE", message: "Cluster is running" }),
      "InvalidState",
      400,
      "INVALID_STATE",
    ],
    [
      "ALREADY_EXISTS",
      json(409, { error_code: "RESOURCE_ALREADY_EXISTS", message: "scope exists" }),
      "ResourceAlreadyExists",
      409,
      "RESOURCE_ALREADY_EXISTS",
    ],
    [
      "REQUEST_LIMIT_EXCEEDED",
      json(429, { error_code: "REQUEST_LIMIT_EXCEEDED", message: "slow down" }),
      "RequestLimitExceeded",
      429,
      "REQUEST_LIMIT_EXCEEDED",
    ],
    [
      "status only 403",
      json(403, { error_code: "PERMISSION_DENIED", message: "no" }),
      "PermissionDenied",
      403,
      "PERMISSION_DENIED",
    ],
    [
      "status only 503",
      json(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "later" }),
      "TemporarilyUnavailable",
      503,
      "TEMPORARILY_UNAVAILABLE",
    ],
    ["integer error_code", json(500, { error_code: 500, message: "legacy" }), "InternalError", 500, "500"],
    ["API 1.2 error", json(400, { error: "bad thing" }), "BadRequest", 400, undefined],
    [
      "SCIM",
      json(404, {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
        detail: "User not found",
        status: "404",
        scimType: "invalidValue",
      }),
      "NotFound",
      404,
      "SCIM_404",
    ],
    [
      "CODE: message text",
      text(400, "INVALID_PARAMETER_VALUE: cluster_id is required"),
      "InvalidParameterValue",
      400,
      "INVALID_PARAMETER_VALUE",
    ],
    [
      "HTML <pre>",
      text(502, "<html><body><pre>upstream connect error</pre></body></html>", "Bad Gateway", "text/html"),
      "DatabricksApiError",
      502,
      "BAD_GATEWAY",
    ],
    [
      "HTML <title>",
      text(
        504,
        "<html><head><title>Error 504 Gateway Timeout</title></head></html>",
        "Gateway Timeout",
        "text/html",
      ),
      "DeadlineExceeded",
      504,
      "GATEWAY_TIMEOUT",
    ],
    [
      "empty body",
      () => new HttpResponse(null, { status: 503, statusText: "Service Unavailable" }),
      "TemporarilyUnavailable",
      503,
      undefined,
    ],
  ])("%s → %s", async (_label, reply, name, status, errorCode) => {
    const error = await failure(reply);
    expect(error.name).toBe(name);
    expect(error.status).toBe(status);
    expect(error.errorCode).toBe(errorCode);
    expect(error.method).toBe("GET");
    expect(error.path).toBe("/api/2.1/clusters/get");
    expect(error.message).toMatch(new RegExp(`\\(${status} GET /api/2\\.1/clusters/get\\)`));
  });

  it("gateway errors carry retryAfter (ms), activityId and a hint", async () => {
    const limited = await failure(
      json(
        429,
        { statusCode: 429, message: "Rate limit is exceeded. Try again in 57 seconds." },
        { "Retry-After": "57" },
      ),
    );
    expect(limited).toBeInstanceOf(ApimGatewayError);
    expect(limited.retryAfter).toBe(57_000);
    const backend = (await failure(
      json(500, { statusCode: 500, message: "Internal server error", activityId: "act-1" }),
    )) as ApimGatewayError;
    expect(backend.activityId).toBe("act-1");
    expect(backend.requestId).toBe("act-1");
    const missing = await failure(
      json(401, { statusCode: 401, message: "Access denied due to missing subscription key." }),
    );
    expect(missing.message).toContain("DATABRICKS_APIM_SUBSCRIPTION_KEY");
  });

  it("keeps details and the x-request-id header", async () => {
    const details = [
      { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "X", domain: "d", metadata: { a: "b" } },
    ];
    const error = await failure(
      json(
        400,
        { error_code: "INVALID_PARAMETER_VALUE", message: "bad", details },
        { "x-request-id": "req-9" },
      ),
    );
    expect(error.details).toEqual(details);
    expect(error.requestId).toBe("req-9");
  });

  it("remaps the 400 'does not exist' of clusters/get to ResourceDoesNotExist despite the /dbw-01 prefix", async () => {
    const error = await failure(
      json(400, { error_code: "INVALID_PARAMETER_VALUE", message: "Cluster c-1 does not exist" }),
    );
    expect(error).toBeInstanceOf(ResourceDoesNotExist);
    expect(error.errorCode).toBe("RESOURCE_DOES_NOT_EXIST");
    expect(isNotFound(error)).toBe(true);
    const other = await failure(
      json(400, { error_code: "INVALID_PARAMETER_VALUE", message: "cluster_id is malformed" }),
    );
    expect(other).toBeInstanceOf(InvalidParameterValue);
  });

  it("does not remap on operations without the quirk", async () => {
    server.use(
      http.get(`${APIM}/dbw-01/api/2.0/instance-pools/get`, () =>
        HttpResponse.json(
          { error_code: "INVALID_PARAMETER_VALUE", message: "Pool p does not exist" },
          { status: 400 },
        ),
      ),
    );
    const error = await unwrap(
      client.GET("/api/2.0/instance-pools/get", { params: { query: { instance_pool_id: "p" } } }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterValue);
  });

  it("type guards work by name across package copies", async () => {
    const error = await failure(json(404, { statusCode: 404, message: "Resource not found" }));
    expect(isApimGatewayError(error)).toBe(true);
    const foreign = Object.assign(new Error("x"), {
      name: "ApimGatewayError",
      method: "GET",
      path: "/",
      details: [],
    });
    expect(isDatabricksApimError(foreign)).toBe(true);
    expect(isApimGatewayError(foreign)).toBe(true);
    expect(isApimGatewayError(new Error("x"))).toBe(false);
  });
});

describe("no secret leaks", () => {
  const echoes: Array<[string, () => Response]> = [
    ["gateway message", json(401, { statusCode: 401, message: `Access denied for key ${KEY}` })],
    [
      "databricks message",
      json(400, { error_code: "INVALID_PARAMETER_VALUE", message: `bad header Bearer ${token} and ${KEY}` }),
    ],
    [
      "details",
      json(400, {
        error_code: "X",
        message: "m",
        details: [{ "@type": "t", metadata: { key: KEY, auth: token } }],
      }),
    ],
    ["text body", text(400, `BAD_REQUEST: got key ${KEY}`)],
    ["error_code", json(400, { error_code: `BAD_${KEY}`, message: "m" })],
    ["x-request-id header", json(400, { error_code: "X", message: "m" }, { "x-request-id": `r-${KEY}` })],
    ["activityId", json(500, { statusCode: 500, message: "Internal server error", activityId: KEY })],
    ["upper-cased echo", json(400, { error_code: "X", message: `key ${KEY.toUpperCase()}` })],
    // The key straddles the 300-character cut of a text body: redacting after the cut left its start.
    ["long text body", text(400, `${"x".repeat(290)} ${KEY} tail`)],
    ["html body", text(502, `<html><pre>${KEY} ${token}</pre></html>`, "Bad Gateway", "text/html")],
  ];
  it.each(echoes)("redacts a %s that echoes the key or a token", async (_label, reply) => {
    const error = await failure(reply);
    for (const view of [
      error.message,
      String(error),
      inspect(error, { depth: 10, showHidden: true }),
      JSON.stringify(error),
      error.stack ?? "",
    ]) {
      expect(view).not.toContain(KEY);
      expect(view.toLowerCase()).not.toContain(KEY.slice(0, 8).toLowerCase());
      expect(view).not.toContain(token);
    }
    expect(JSON.stringify(error)).toContain("[REDACTED");
  });

  it("JSON.stringify gives a plain, useful object", async () => {
    const error = await failure(json(404, { error_code: "RESOURCE_DOES_NOT_EXIST", message: "gone" }));
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: "ResourceDoesNotExist",
      status: 404,
      errorCode: "RESOURCE_DOES_NOT_EXIST",
      method: "GET",
      path: "/api/2.1/clusters/get",
    });
  });
});

describe("unwrap", () => {
  it("returns data on success and {} for an empty 200", async () => {
    server.use(
      http.get(GET_CLUSTER, () => HttpResponse.json({ cluster_id: "c-1" })),
      http.post(
        `${APIM}/dbw-01/api/2.1/clusters/pin`,
        () => new HttpResponse(null, { status: 200, headers: { "Content-Length": "0" } }),
      ),
    );
    const cluster = await unwrap(
      client.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: "c-1" } } }),
    );
    expect(cluster.cluster_id).toBe("c-1");
    expect(await unwrap(client.POST("/api/2.1/clusters/pin", { body: { cluster_id: "c-1" } }))).toEqual({});
  });

  it("raw results stay available: { error, response }", async () => {
    server.use(
      http.get(GET_CLUSTER, () =>
        HttpResponse.json({ error_code: "RESOURCE_DOES_NOT_EXIST", message: "x" }, { status: 404 }),
      ),
    );
    const result = await client.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: "c-1" } } });
    expect(result.response.status).toBe(404);
    expect(result.error).toMatchObject({ error_code: "RESOURCE_DOES_NOT_EXIST" });
    expect(result.data).toBeUndefined();
    expect(DatabricksApiError).toBeDefined();
  });
});

describe("error context without and with user middleware", () => {
  const notFound = () =>
    HttpResponse.json({ error_code: "RESOURCE_DOES_NOT_EXIST", message: "gone" }, { status: 404 });

  it("names the call on a plain client (recorded by the transport)", async () => {
    server.use(http.get(GET_CLUSTER, notFound));
    const plain = createDatabricksClient({ apimUrl: APIM, subscriptionKey: KEY, maxRetries: 0 });
    const error = await unwrap(
      plain.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: "c-1" } } }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ method: "GET", path: "/api/2.1/clusters/get", status: 404 });
  });

  it("still names the call when a user middleware replaces the error response", async () => {
    server.use(http.get(GET_CLUSTER, notFound));
    const wrapped = createDatabricksClient({ apimUrl: APIM, subscriptionKey: KEY, maxRetries: 0 });
    wrapped.use({
      onResponse: async ({ response }) =>
        new Response(await response.text(), { status: response.status, headers: response.headers }),
    });
    const error = await unwrap(
      wrapped.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: "c-1" } } }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceDoesNotExist);
    expect(error).toMatchObject({ method: "GET", path: "/api/2.1/clusters/get", status: 404 });
  });
});

// The classes themselves, without a client. Names and parents follow databricks-sdk-py
// `databricks/sdk/errors/platform.py` (generated from the platform's error spec); `InvalidState` and the
// non-HTTP classes are this package's own. The names are API: the type guards below and `String(err)`
// read them, and an app may match on them across package copies.
describe("error classes", () => {
  const where = { method: "GET", path: "/api/2.1/clusters/get" };
  const classes: Array<[name: string, parent: string]> = [
    ["DatabricksApimError", "Error"],
    ["ApimGatewayError", "DatabricksApimError"],
    ["DatabricksApiError", "DatabricksApimError"],
    ["BadRequest", "DatabricksApiError"],
    ["InvalidParameterValue", "BadRequest"],
    ["InvalidState", "BadRequest"],
    ["Unauthenticated", "DatabricksApiError"],
    ["PermissionDenied", "DatabricksApiError"],
    ["NotFound", "DatabricksApiError"],
    ["ResourceDoesNotExist", "NotFound"],
    ["ResourceConflict", "DatabricksApiError"],
    ["Aborted", "ResourceConflict"],
    ["ResourceAlreadyExists", "ResourceConflict"],
    ["TooManyRequests", "DatabricksApiError"],
    ["ResourceExhausted", "TooManyRequests"],
    ["RequestLimitExceeded", "TooManyRequests"],
    ["Cancelled", "DatabricksApiError"],
    ["InternalError", "DatabricksApiError"],
    ["Unknown", "InternalError"],
    ["DataLoss", "InternalError"],
    ["NotImplemented", "DatabricksApiError"],
    ["TemporarilyUnavailable", "DatabricksApiError"],
    ["DeadlineExceeded", "DatabricksApiError"],
    ["DatabricksConnectionError", "DatabricksApimError"],
    ["DatabricksTimeoutError", "DatabricksConnectionError"],
    ["DatabricksAuthError", "DatabricksApimError"],
    ["PaginationError", "DatabricksApimError"],
    ["DatabricksRedirectError", "DatabricksApimError"],
    ["DatabricksResponseTooLargeError", "DatabricksApimError"],
    ["DatabricksConfigError", "Error"],
  ];
  const byName = errors as unknown as Record<string, new (message: string, init: object) => Error>;

  it.each(classes)("%s is named so and extends %s", (name, parent) => {
    const Class = byName[name];
    if (!Class) throw new Error(`${name} is not exported`);
    const error = new Class("boom", { ...where, reason: "other", pages: 1, maxResponseBytes: 1 });
    expect(error.name).toBe(name);
    expect(String(error)).toBe(`${name}: boom`);
    expect(Object.getPrototypeOf(Class.prototype).constructor.name).toBe(parent);
    if (name !== "DatabricksConfigError") expect(JSON.parse(JSON.stringify(error)).name).toBe(name);
  });

  it("an error built without cause or details has no cause and empty details", () => {
    const error = new errors.NotFound("gone", where);
    expect(Object.hasOwn(error, "cause")).toBe(false);
    expect(inspect(error)).not.toContain("[cause]");
    expect(error.details).toEqual([]);
    expect(error.toJSON()).toEqual({
      name: "NotFound",
      message: "gone",
      status: undefined,
      errorCode: undefined,
      details: [],
      requestId: undefined,
      method: "GET",
      path: "/api/2.1/clusters/get",
      retryAfter: undefined,
    });
  });

  // Issue #10: `cause` is always a redacted copy of the whole chain, the original left as it was.
  it("keeps the cause as a redacted copy of its chain", () => {
    const inner = new Error(`socket said ${KEY}`);
    const outer = new Error(`fetch failed for ${KEY}`, { cause: inner });
    const error = new errors.DatabricksConnectionError("no response", {
      ...where,
      cause: outer,
      secrets: [KEY],
    });
    const cause = error.cause as Error & { cause: Error };
    expect(cause).not.toBe(outer);
    expect(cause.message).toBe("fetch failed for [REDACTED]");
    expect(cause.cause.message).toBe("socket said [REDACTED]");
    expect(outer.message).toBe(`fetch failed for ${KEY}`);
    expect(inspect(error, { depth: 10 })).not.toContain(KEY);
  });

  it("PaginationError says why and after how many pages, also in JSON", () => {
    const error = new errors.PaginationError("stuck", { ...where, reason: "repeated-page", pages: 3 });
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: "PaginationError",
      message: "stuck",
      reason: "repeated-page",
      pages: 3,
      path: "/api/2.1/clusters/get",
    });
  });

  it("redacts the given secrets from the gateway's activityId", () => {
    const error = new ApimGatewayError("m", {
      ...where,
      reason: "backend-failure",
      activityId: `a-${KEY}`,
      secrets: [KEY],
    });
    expect(error.activityId).toBe("a-[REDACTED]");
  });
});

describe("type guards", () => {
  const where = { method: "GET", path: "/p" };
  // Another copy of this package (a second install, a bundled copy): same shape, other classes.
  const foreign = (
    name: string,
    fields: Record<string, unknown> = { method: "GET", path: "/", details: [] },
  ) => Object.assign(new Error("x"), { name }, fields);

  it("isDatabricksApimError: ours, or an Error with method, path and details", () => {
    expect(isDatabricksApimError(new errors.DatabricksTimeoutError("t", where))).toBe(true);
    expect(isDatabricksApimError(foreign("NotFound"))).toBe(true);
    expect(isDatabricksApimError(new Error("x"))).toBe(false);
    expect(isDatabricksApimError(new errors.DatabricksConfigError("bad option"))).toBe(false);
    expect(isDatabricksApimError(foreign("NotFound", { path: "/", details: [] }))).toBe(false);
    expect(isDatabricksApimError(foreign("NotFound", { method: "GET", details: [] }))).toBe(false);
    expect(isDatabricksApimError(foreign("NotFound", { method: "GET", path: "/" }))).toBe(false);
    // The shape without being an Error (a plain object from JSON.stringify of one) is not an error.
    expect(isDatabricksApimError({ name: "NotFound", method: "GET", path: "/", details: [] })).toBe(false);
    expect(isDatabricksApimError(undefined)).toBe(false);
  });

  it("isApimGatewayError: only gateway refusals", () => {
    expect(isApimGatewayError(new ApimGatewayError("g", { ...where, reason: "rate-limited" }))).toBe(true);
    expect(isApimGatewayError(foreign("ApimGatewayError"))).toBe(true);
    expect(isApimGatewayError(new errors.NotFound("n", where))).toBe(false);
    expect(isApimGatewayError(foreign("NotFound"))).toBe(false);
  });

  it("isNotFound: NotFound and ResourceDoesNotExist, ours or another copy's, by exact name", () => {
    expect(isNotFound(new errors.NotFound("n", where))).toBe(true);
    expect(isNotFound(new ResourceDoesNotExist("n", where))).toBe(true);
    expect(isNotFound(foreign("NotFound"))).toBe(true);
    expect(isNotFound(foreign("ResourceDoesNotExist"))).toBe(true);
    expect(isNotFound(new errors.BadRequest("n", where))).toBe(false);
    expect(isNotFound(foreign("NotFoundError"))).toBe(false);
    expect(isNotFound(foreign("ApiNotFound"))).toBe(false);
    expect(isNotFound(Object.assign(new Error("x"), { name: "NotFound" }))).toBe(false);
  });
});
