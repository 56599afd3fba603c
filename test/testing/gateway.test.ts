import { describe, expect, it } from "vitest";
import { ApimGatewayError, createDatabricksClient, Unauthenticated, unwrap } from "../../src/index.js";
import { APIM_MESSAGES, TEST_SUBSCRIPTION_KEY } from "../../src/testing/index.js";
import { useDatabricksMock } from "./setup.js";

const { mock, client } = useDatabricksMock();
const LIST = "/api/2.1/clusters/list";

/** A raw call, to assert exact bodies and headers as APIM writes them. */
async function raw(path: string, init: { key?: string | null; method?: string; query?: string } = {}) {
  const headers = new Headers({ "Content-Type": "application/json" });
  if (init.key !== null) headers.set("Ocp-Apim-Subscription-Key", init.key ?? TEST_SUBSCRIPTION_KEY);
  const method = init.method ?? "GET";
  const response = await fetch(`${mock.apimUrl}${path}${init.query ?? ""}`, {
    method,
    headers,
    ...(method === "POST" ? { body: "{}" } : {}),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe("subscription key check", () => {
  it("answers a missing key with APIM's verbatim 401", async () => {
    const res = await raw(`/dbw-01${LIST}`, { key: null });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, message: APIM_MESSAGES.missingKey });
    expect(res.body.message).toBe(
      "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.",
    );
  });

  it("answers an unknown key with APIM's verbatim 401, seen by the client as a typed gateway error", async () => {
    const res = await raw(`/dbw-01${LIST}`, { key: "not-the-key" });
    expect(res.body).toEqual({
      statusCode: 401,
      message:
        "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.",
    });
    const wrong = createDatabricksClient({ apimUrl: mock.apimUrl, subscriptionKey: "wrong-key-123456" });
    const error = await unwrap(wrong.GET(LIST)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApimGatewayError);
    expect(error).toMatchObject({ status: 401, reason: "invalid-subscription-key" });
    expect(String((error as Error).message)).not.toContain("wrong-key-123456");
  });

  it("accepts the key in the subscription-key query parameter when the header is absent", async () => {
    const res = await raw(`/dbw-01${LIST}`, {
      key: null,
      query: `?subscription-key=${TEST_SUBSCRIPTION_KEY}`,
    });
    expect(res.status).toBe(200);
  });

  it("follows key rotation and never records the key", async () => {
    mock.gateway.setKeys(["rotated-key"]);
    expect((await raw(`/dbw-01${LIST}`)).status).toBe(401);
    expect((await raw(`/dbw-01${LIST}`, { key: "rotated-key" })).status).toBe(200);
    expect(mock.gateway.requests.map((r) => r.outcome)).toEqual(["invalid-subscription-key", "forwarded"]);
    expect(JSON.stringify(mock.gateway.requests)).not.toContain("rotated-key");
  });
});

describe("whitelist", () => {
  it.each([
    ["a path outside the spec", "GET", "/dbw-01/api/2.0/token-management/tokens"],
    ["a spec path with the wrong method", "POST", `/dbw-01${LIST}`],
    ["a path template with an extra segment", "GET", "/dbw-01/api/2.0/sql/warehouses/abc/extra"],
    ["another API suffix", "GET", `/dbw-02${LIST}`],
    ["the gateway root", "GET", "/"],
  ])("answers %s with 404 Resource not found", async (_, method, path) => {
    const res = await raw(path, { method });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ statusCode: 404, message: "Resource not found" });
  });

  it("matches the operation before checking the key, as APIM does", async () => {
    const res = await raw("/dbw-01/api/2.0/token-management/tokens", { key: null });
    expect(res.status).toBe(404);
  });

  it("lets path templates through (statement ids, warehouse ids)", async () => {
    const res = await raw("/dbw-01/api/2.0/sql/warehouses/5c4f3e2d1a0b9c8d");
    expect(res.status).toBe(200);
    expect(mock.gateway.requests.at(-1)).toMatchObject({
      operationId: "warehousesGet",
      outcome: "forwarded",
    });
  });
});

describe("rate limiting", () => {
  it("answers 429 with Retry-After past the configured rate, and recovers as the clock moves", async () => {
    mock.gateway.setRateLimit({ calls: 2, renewalPeriodSeconds: 60 });
    expect((await raw(`/dbw-01${LIST}`)).status).toBe(200);
    mock.clock.advance(10_000);
    expect((await raw(`/dbw-01${LIST}`)).status).toBe(200);
    const limited = await raw(`/dbw-01${LIST}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("50");
    expect(limited.headers.get("content-type")).toContain("application/json");
    expect(limited.body).toEqual({
      statusCode: 429,
      message: "Rate limit is exceeded. Try again in 50 seconds.",
    });
    mock.clock.advance(50_000);
    expect((await raw(`/dbw-01${LIST}`)).status).toBe(200);
  });

  it("counts per key", async () => {
    mock.gateway.setKeys([TEST_SUBSCRIPTION_KEY, "second-key"]);
    mock.gateway.setRateLimit({ calls: 1, renewalPeriodSeconds: 60 });
    expect((await raw(`/dbw-01${LIST}`)).status).toBe(200);
    expect((await raw(`/dbw-01${LIST}`)).status).toBe(429);
    expect((await raw(`/dbw-01${LIST}`, { key: "second-key" })).status).toBe(200);
  });

  it("throttles on demand; the client surfaces Retry-After on its typed error", async () => {
    mock.gateway.throttleNext({ retryAfterSeconds: 57 });
    const error = await unwrap(client.GET(LIST, { maxRetries: 0 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApimGatewayError);
    expect(error).toMatchObject({ status: 429, reason: "rate-limited", retryAfter: 57_000 });
    await expect(unwrap(client.GET(LIST))).resolves.toEqual({ next_page_token: "", prev_page_token: "" });
  });
});

describe("backend failures and the managed identity", () => {
  it("answers a forced backend failure with APIM's 500 and an activityId", async () => {
    mock.gateway.failNextWithBackendError();
    const res = await raw(`/dbw-01${LIST}`);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ statusCode: 500, message: "Internal server error" });
    expect(res.body.activityId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("lets Databricks refuse a managed identity that is not a workspace user (the seed's first failure)", async () => {
    mock.gateway.setManagedIdentityGranted(false);
    const res = await raw(`/dbw-01${LIST}`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error_code: "401", message: "Unauthorized" });
    const error = await unwrap(client.GET(LIST)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Unauthenticated);
    expect(error).not.toBeInstanceOf(ApimGatewayError);
    mock.gateway.setManagedIdentityGranted(true);
    await expect(unwrap(client.GET(LIST))).resolves.toEqual({ next_page_token: "", prev_page_token: "" });
  });

  it("reset() restores the gateway as created", async () => {
    mock.gateway.setManagedIdentityGranted(false);
    mock.gateway.setKeys([]);
    mock.reset();
    expect((await raw(`/dbw-01${LIST}`)).status).toBe(200);
    expect(mock.gateway.requests).toHaveLength(1);
  });
});
