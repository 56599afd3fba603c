/**
 * The emulator models the grant of the gateway's managed identity: Databricks answers the seed
 * write-up's `{"error_code":"401","message":"Unauthorized"}` through the gateway until an active
 * service principal with the identity's application id exists (azure-mi docs: the identity must be
 * added to the workspace as a service principal, learn.microsoft.com/azure/databricks/dev-tools/auth/azure-mi),
 * and the workspace itself answers direct calls with a bearer token, admin SCIM writes included.
 */
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDatabricksMock, TEST_SUBSCRIPTION_KEY } from "../../src/testing/index.js";

const APP_ID = "11111111-2222-4333-8444-555555555555";
const mock = createDatabricksMock({
  managedIdentityGranted: false,
  managedIdentityAppId: APP_ID,
  adminToken: "admin-token-1",
});
const server = setupServer(...mock.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => mock.reset());
afterAll(() => server.close());

const SCIM = "/api/2.0/preview/scim/v2";
const viaGateway = (path: string) =>
  fetch(`${mock.baseUrl}${path}`, { headers: { "Ocp-Apim-Subscription-Key": TEST_SUBSCRIPTION_KEY } });
const direct = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) =>
  fetch(`${mock.apimUrl}${path}`, {
    method: init.method ?? "GET",
    headers: { Authorization: `Bearer ${init.token ?? "admin-token-1"}`, "Content-Type": "application/json" },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });

describe("the grant of the gateway's managed identity", () => {
  it("answers Databricks' own 401 through the gateway until an active service principal exists", async () => {
    expect(mock.managedIdentityAppId).toBe(APP_ID);
    const before = await viaGateway("/api/2.1/clusters/list");
    // The seed write-up's curl output, verbatim.
    expect(before.status).toBe(401);
    expect(await before.json()).toEqual({ error_code: "401", message: "Unauthorized" });

    const created = await direct(`${SCIM}/ServicePrincipals`, {
      method: "POST",
      body: { applicationId: APP_ID, displayName: "apim", active: false },
    });
    expect(created.status).toBe(201);
    const sp = (await created.json()) as { id: string; active: boolean };
    expect(sp.active).toBe(false);
    expect((await viaGateway("/api/2.1/clusters/list")).status).toBe(401);

    const activate = await direct(`${SCIM}/ServicePrincipals/${sp.id}`, {
      method: "PATCH",
      body: {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        Operations: [{ op: "replace", path: "active", value: true }],
      },
    });
    expect(activate.status).toBe(204);
    expect((await viaGateway("/api/2.1/clusters/list")).status).toBe(200);
  });

  it("keeps the admin operations off the gateway: they are not in the whitelist", async () => {
    const res = await fetch(`${mock.baseUrl}${SCIM}/ServicePrincipals`, {
      method: "POST",
      headers: { "Ocp-Apim-Subscription-Key": TEST_SUBSCRIPTION_KEY },
      body: JSON.stringify({ applicationId: APP_ID }),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ statusCode: 404, message: "Resource not found" });
  });

  it("answers direct calls only with a bearer token; a non-admin token cannot write", async () => {
    const noToken = await fetch(`${mock.apimUrl}${SCIM}/ServicePrincipals`);
    expect(noToken.status).toBe(404);
    const list = await direct(
      `${SCIM}/ServicePrincipals?filter=${encodeURIComponent(`applicationId eq "${APP_ID}"`)}`,
      {
        token: "someone-else",
      },
    );
    expect(list.status).toBe(200);
    expect(((await list.json()) as { totalResults: number }).totalResults).toBe(0);
    const denied = await direct(`${SCIM}/Groups`, {
      method: "POST",
      body: { displayName: "x" },
      token: "someone-else",
    });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { status: string }).status).toBe("403");
  });

  it("groups: create with members, add entitlements and members, duplicates refused", async () => {
    const sp = (await (
      await direct(`${SCIM}/ServicePrincipals`, { method: "POST", body: { applicationId: APP_ID } })
    ).json()) as { id: string };
    const group = (await (
      await direct(`${SCIM}/Groups`, { method: "POST", body: { displayName: "apim-gateway" } })
    ).json()) as { id: string };
    const dup = await direct(`${SCIM}/Groups`, { method: "POST", body: { displayName: "apim-gateway" } });
    expect(dup.status).toBe(409);
    const patched = await direct(`${SCIM}/Groups/${group.id}`, {
      method: "PATCH",
      body: {
        Operations: [
          { op: "add", path: "members", value: [{ value: sp.id }] },
          { op: "add", path: "entitlements", value: [{ value: "workspace-access" }] },
          { op: "add", path: "entitlements", value: [{ value: "workspace-access" }] },
        ],
      },
    });
    expect(patched.status).toBe(204);
    const read = (await (await direct(`${SCIM}/Groups/${group.id}`)).json()) as Record<string, unknown>;
    expect(read.members).toEqual([{ value: sp.id }]);
    expect(read.entitlements).toEqual([{ value: "workspace-access" }]);
    const spRead = (await (await direct(`${SCIM}/ServicePrincipals/${sp.id}`)).json()) as { groups: unknown };
    expect(spRead.groups).toEqual([{ value: group.id, display: "apim-gateway", type: "direct" }]);
  });

  it("setManagedIdentityGranted adds and removes the service principal", async () => {
    mock.gateway.setManagedIdentityGranted(true);
    expect((await viaGateway("/api/2.1/clusters/list")).status).toBe(200);
    mock.gateway.setManagedIdentityGranted(false);
    expect((await viaGateway("/api/2.1/clusters/list")).status).toBe(401);
  });
});

describe("gateway faults for doctor", () => {
  it("--wildcard forwards any GET under the suffix; other methods still meet the whitelist", async () => {
    const wild = createDatabricksMock({ wildcard: true, apimUrl: "https://wild.databricks-apim.test" });
    server.use(...wild.handlers);
    const get = await fetch(`${wild.baseUrl}/api/2.0/token-management/tokens`, {
      headers: { "Ocp-Apim-Subscription-Key": TEST_SUBSCRIPTION_KEY },
    });
    expect(get.status).toBe(501); // reached the workspace, which does not emulate it
    const post = await fetch(`${wild.baseUrl}/api/2.0/token-management/tokens`, {
      method: "POST",
      headers: { "Ocp-Apim-Subscription-Key": TEST_SUBSCRIPTION_KEY },
    });
    expect(post.status).toBe(404);
    server.resetHandlers();
  });

  it("backend down: APIM's 500 with an activityId; quota-by-key: 403 with Retry-After", async () => {
    const down = createDatabricksMock({ backendDown: true, apimUrl: "https://down.databricks-apim.test" });
    const quota = createDatabricksMock({
      quota: { calls: 1, renewalPeriodSeconds: 3600 },
      apimUrl: "https://quota.databricks-apim.test",
    });
    server.use(...down.handlers, ...quota.handlers);
    const headers = { "Ocp-Apim-Subscription-Key": TEST_SUBSCRIPTION_KEY };
    const failed = await fetch(`${down.baseUrl}/api/2.1/clusters/list`, { headers });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ statusCode: 500, message: "Internal server error" });
    expect((await fetch(`${quota.baseUrl}/api/2.1/clusters/list`, { headers })).status).toBe(200);
    const over = await fetch(`${quota.baseUrl}/api/2.1/clusters/list`, { headers });
    expect(over.status).toBe(403);
    expect(over.headers.get("retry-after")).toBe("3600");
    // quota-by-key-policy.md: "Out of call volume quota. Quota will be replenished in xx:xx:xx."
    expect(await over.json()).toEqual({
      statusCode: 403,
      message: "Out of call volume quota. Quota will be replenished in 01:00:00.",
    });
    server.resetHandlers();
  });
});
