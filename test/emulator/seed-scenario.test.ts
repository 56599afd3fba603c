/**
 * The seed write-up, end to end, over real HTTP. Its author put Databricks behind APIM, called
 * `clusters/list` with only the subscription key and got `{"error_code":"401","message":"Unauthorized"}`
 * because the gateway's managed identity was not yet a workspace user; after adding it (and the
 * `authentication-managed-identity` policy) the same call answered `{"next_page_token":"","prev_page_token":""}`.
 * Then: every gateway behaviour the client must tell apart from Databricks' own answers.
 */
import { describe, expect, it } from "vitest";
import { ApimGatewayError, collect, Unauthenticated, unwrap } from "../../src/index.js";
import { TEST_SUBSCRIPTION_KEY } from "../../src/testing/index.js";
import { useEmulator } from "./setup.js";

const { mock, url, client } = useEmulator({ managedIdentityGranted: false });

/** The seed's curl: `curl -H "Ocp-Apim-Subscription-Key: …" ${apimUrl}/dbw-01/api/2.1/clusters/list`. */
async function curl(path: string, key: string | null = TEST_SUBSCRIPTION_KEY, method = "GET") {
  const response = await fetch(`${url()}${path}`, {
    method,
    headers: key === null ? {} : { "Ocp-Apim-Subscription-Key": key },
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe("the seed's scenario", () => {
  it("fails with Databricks' 401 until the managed identity is granted, then lists clusters", async () => {
    const before = await curl("/dbw-01/api/2.1/clusters/list");
    expect(before.status).toBe(401);
    expect(before.text).toBe('{"error_code":"401","message":"Unauthorized"}');

    const error = await unwrap(client().GET("/api/2.1/clusters/list")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Unauthenticated);
    expect(error).not.toBeInstanceOf(ApimGatewayError);
    expect(error).toMatchObject({ status: 401, errorCode: "401", path: "/api/2.1/clusters/list" });

    mock.gateway.setManagedIdentityGranted(true);
    const after = await curl("/dbw-01/api/2.1/clusters/list");
    expect(after.status).toBe(200);
    expect(after.text).toBe('{"next_page_token":"","prev_page_token":""}');
    await expect(collect(client(), "/api/2.1/clusters/list")).resolves.toEqual([]);
    expect(mock.gateway.requests.map((r) => r.outcome)).toEqual([
      "identity-not-granted",
      "identity-not-granted",
      "forwarded",
      "forwarded",
    ]);
  });
});

describe("gateway behaviours over HTTP", () => {
  it("answers a wrong key with APIM's 401, a typed gateway error that does not echo the key", async () => {
    mock.gateway.setManagedIdentityGranted(true);
    const res = await curl("/dbw-01/api/2.1/clusters/list", "definitely-wrong-key");
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toEqual({
      statusCode: 401,
      message:
        "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.",
    });
    const error = await unwrap(
      client({ subscriptionKey: "definitely-wrong-key" }).GET("/api/2.1/clusters/list"),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApimGatewayError);
    expect(error).toMatchObject({ reason: "invalid-subscription-key" });
    expect(JSON.stringify(error)).not.toContain("definitely-wrong-key");
    expect(String(error)).not.toContain("definitely-wrong-key");
  });

  it("answers a missing key with APIM's 401", async () => {
    const res = await curl("/dbw-01/api/2.1/clusters/list", null);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text).message).toContain("missing subscription key");
  });

  it("answers an operation outside the spec with 404 Resource not found, before the key check", async () => {
    for (const [path, key, method] of [
      ["/dbw-01/api/2.0/token-management/tokens", TEST_SUBSCRIPTION_KEY, "GET"],
      ["/dbw-01/api/2.1/clusters/list", TEST_SUBSCRIPTION_KEY, "DELETE"],
      ["/dbw-01/api/2.0/token-management/tokens", null, "GET"],
    ] as const) {
      const res = await curl(path, key, method);
      expect(res.status).toBe(404);
      expect(JSON.parse(res.text)).toEqual({ statusCode: 404, message: "Resource not found" });
    }
    const typed = client({ maxRetries: 0 });
    const notWhitelisted = "/api/2.0/token-management/tokens" as "/api/2.0/token/list";
    await expect(unwrap(typed.GET(notWhitelisted))).rejects.toMatchObject({
      name: "ApimGatewayError",
      reason: "operation-not-found",
      status: 404,
    });
  });

  it("rate-limits with 429 and Retry-After, then lets calls through as the clock moves", async () => {
    mock.gateway.setManagedIdentityGranted(true);
    mock.gateway.setRateLimit({ calls: 1, renewalPeriodSeconds: 30 });
    expect((await curl("/dbw-01/api/2.0/preview/scim/v2/Me")).status).toBe(200);
    const limited = await curl("/dbw-01/api/2.0/preview/scim/v2/Me");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("30");
    expect(JSON.parse(limited.text)).toEqual({
      statusCode: 429,
      message: "Rate limit is exceeded. Try again in 30 seconds.",
    });
    const error = await unwrap(client({ maxRetries: 0 }).GET("/api/2.0/preview/scim/v2/Me")).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: "ApimGatewayError", reason: "rate-limited", retryAfter: 30_000 });
    mock.clock.advance(30_000);
    expect((await curl("/dbw-01/api/2.0/preview/scim/v2/Me")).status).toBe(200);
  });

  it("answers a backend timeout with APIM's 500 and an activityId the client reports", async () => {
    mock.gateway.setManagedIdentityGranted(true);
    mock.gateway.failNextWithBackendError();
    const error = await unwrap(client({ maxRetries: 0 }).GET("/api/2.0/preview/scim/v2/Me")).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: "ApimGatewayError", status: 500, reason: "backend-failure" });
    expect((error as ApimGatewayError).activityId).toMatch(/^[0-9a-f-]{36}$/);
    await expect(unwrap(client().GET("/api/2.0/preview/scim/v2/Me"))).resolves.toMatchObject({
      displayName: "apim-managed-identity",
    });
  });
});
