/**
 * `grant-workspace-access` end to end in-process: loopback fakes of ARM and Graph (test/grant/fakes.ts)
 * and the emulator answering as the workspace (mock-gateway's direct mode), so the grant's effect is
 * seen where it matters: the same call through the gateway goes from Databricks' 401 to 200.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../scripts/grant/main.js";
import {
  createDatabricksMock,
  type MockGatewayServer,
  startMockGateway,
  TEST_SUBSCRIPTION_KEY,
} from "../../src/testing/index.js";
import {
  APP_ID,
  type Fake,
  fakeArm,
  fakeGraph,
  SUBSCRIPTION,
  SYSTEM_ASSIGNED,
  scopedCredential,
  UA_CLIENT_ID,
  USER_ASSIGNED,
} from "./fakes.js";

const ARM_TOKEN = "arm-token-0123456789";
const GRAPH_TOKEN = "graph-token-0123456789";
const ADMIN_TOKEN = "workspace-admin-token-0123456789";
const DATABRICKS = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";

let graph: Fake;
let server: MockGatewayServer;
const mock = createDatabricksMock({
  apimUrl: "http://127.0.0.1",
  managedIdentityGranted: false,
  managedIdentityAppId: APP_ID,
  adminToken: ADMIN_TOKEN,
});
const fakes: Fake[] = [];

beforeAll(async () => {
  graph = await fakeGraph(GRAPH_TOKEN);
  server = await startMockGateway(mock);
});
afterEach(() => mock.reset());
afterAll(async () => {
  await graph.close();
  for (const fake of fakes) await fake.close();
  await server.close();
});

/** The APIM instance and workspace every run targets, with ARM at `armUrl`. */
const targetArgs = (armUrl: string) => [
  "--subscription-id",
  SUBSCRIPTION,
  "--resource-group",
  "rg-apim",
  "--service-name",
  "apim-test",
  "--workspace-url",
  server.url,
  "--arm-endpoint",
  armUrl,
];

async function grant(
  identity: Record<string, unknown> | undefined,
  extra: string[] = [],
  workspaceToken = ADMIN_TOKEN,
) {
  const arm = await fakeArm(identity, ARM_TOKEN);
  fakes.push(arm);
  const credential = scopedCredential({
    [arm.url]: ARM_TOKEN,
    [graph.url]: GRAPH_TOKEN,
    [DATABRICKS]: workspaceToken,
  });
  let stdout = "";
  let stderr = "";
  const code = await run(
    [...targetArgs(arm.url), "--graph-endpoint", graph.url, ...extra],
    {},
    {
      credential,
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
    },
  );
  return { code, stdout, stderr, arm, credential };
}

const throughGateway = () =>
  fetch(`${server.url}/dbw-01/api/2.1/clusters/list`, {
    headers: { "Ocp-Apim-Subscription-Key": TEST_SUBSCRIPTION_KEY },
  });

describe("grant-workspace-access", () => {
  it("system-assigned: app id from Graph, creates the service principal and group, and the gateway call then succeeds", async () => {
    expect((await throughGateway()).status).toBe(401);
    const first = await grant(SYSTEM_ASSIGNED, ["--json"]);
    expect(first.stderr).not.toContain("failed");
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout) as {
      status: string;
      identity: { appId: string };
      applied: Array<{ action: string }>;
    };
    expect(result.status).toBe("applied");
    expect(result.identity.appId).toBe(APP_ID);
    expect(result.applied.map((s) => s.action)).toEqual([
      "create-service-principal",
      "create-group",
      "add-group-member",
    ]);
    expect(graph.requests).toContain(
      `GET /v1.0/servicePrincipals/${SYSTEM_ASSIGNED.principalId}?$select=appId,displayName`,
    );
    expect(first.credential.scopes).toEqual(
      expect.arrayContaining([
        `${first.arm.url}/.default`,
        `${graph.url}/.default`,
        `${DATABRICKS}/.default`,
      ]),
    );
    expect((await throughGateway()).status).toBe(200);

    // The documented default entitlements are on the group, and the principal is its member.
    const groups = (await (
      await fetch(
        `${server.url}/api/2.0/preview/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "apim-gateway"')}`,
        {
          headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
        },
      )
    ).json()) as { Resources: Array<{ entitlements: unknown; members: Array<{ value: string }> }> };
    expect(groups.Resources[0]?.entitlements).toEqual([
      { value: "workspace-access" },
      { value: "databricks-sql-access" },
    ]);
    expect(groups.Resources[0]?.members).toHaveLength(1);

    // A re-run says "no changes" and writes nothing.
    const again = await grant(SYSTEM_ASSIGNED);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("[4/5] plan: no changes");
    expect(again.stdout).not.toContain("[5/5] apply");
  });

  it("user-assigned: the client id is the application id; Graph is not asked", async () => {
    const before = graph.requests.length;
    const { code, stdout } = await grant(USER_ASSIGNED, [
      "--managed-identity-client-id",
      UA_CLIENT_ID,
      "--group",
      "gw",
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain(`application id ${UA_CLIENT_ID}`);
    expect(stdout).toContain('+ create group "gw" with entitlements workspace-access, databricks-sql-access');
    expect(graph.requests.length).toBe(before);
  });

  it("--dry-run plans and never writes", async () => {
    const { code, stdout } = await grant(SYSTEM_ASSIGNED, [
      "--dry-run",
      "--entitlement",
      "allow-cluster-create",
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain("+ create service principal");
    expect(stdout).toContain("allow-cluster-create");
    expect(stdout).toContain("Dry run: nothing was written.");
    expect((await throughGateway()).status).toBe(401);
  });

  it("activates an inactive principal and adds only missing entitlements and membership", async () => {
    await grant(SYSTEM_ASSIGNED);
    const sp = (await (
      await fetch(
        `${server.url}/api/2.0/preview/scim/v2/ServicePrincipals?filter=${encodeURIComponent(`applicationId eq "${APP_ID}"`)}`,
        {
          headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
        },
      )
    ).json()) as { Resources: Array<{ id: string }> };
    const id = sp.Resources[0]?.id ?? "";
    await fetch(`${server.url}/api/2.0/preview/scim/v2/ServicePrincipals/${id}`, {
      method: "PATCH",
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ Operations: [{ op: "replace", path: "active", value: false }] }),
    });
    expect((await throughGateway()).status).toBe(401);
    const { code, stdout } = await grant(SYSTEM_ASSIGNED, [
      "--entitlement",
      "workspace-access",
      "--entitlement",
      "allow-cluster-create",
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain(`~ activate service principal ${id}`);
    expect(stdout).toContain('~ add entitlements allow-cluster-create to group "apim-gateway"');
    expect(stdout).not.toContain("add service principal");
    expect((await throughGateway()).status).toBe(200);
  });

  it("a 403 from the workspace says the operator must be a workspace admin; exit 1", async () => {
    const { code, stderr } = await grant(SYSTEM_ASSIGNED, [], "not-an-admin-token-0123");
    expect(code).toBe(1);
    expect(stderr).toContain("403");
    expect(stderr).toContain("You must be a workspace admin");
    expect(stderr).not.toContain("not-an-admin-token-0123");
  });

  it("an unknown user-assigned client id names the ones APIM has", async () => {
    const { code, stderr } = await grant(USER_ASSIGNED, [
      "--managed-identity-client-id",
      "eeeeeeee-1111-4222-8333-444444444444",
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `no user-assigned identity with client id eeeeeeee-1111-4222-8333-444444444444 (it has ${UA_CLIENT_ID})`,
    );
  });

  it("no system-assigned identity: a clear failure before touching the workspace", async () => {
    const { code, stderr } = await grant({ type: "None" });
    expect(code).toBe(1);
    expect(stderr).toContain("has no system-assigned managed identity");
    expect(stderr).toContain("writes made before the failure: none");
  });

  it("same credential rules as import-to-apim: developer sign-in by default; no token → exit 3, nothing sent", async () => {
    const arm = await fakeArm(SYSTEM_ASSIGNED, ARM_TOKEN);
    fakes.push(arm);
    const built: string[] = [];
    // A stand-in for @azure/identity (scripts/lib/credential.ts takes the module as a dependency).
    const failing = (name: string) =>
      class {
        constructor() {
          built.push(name);
        }
        async getToken(): Promise<never> {
          throw new Error("Please run 'az login' to set up an account.");
        }
      };
    const identity = async () =>
      ({
        AzureCliCredential: failing("AzureCliCredential"),
        AzureDeveloperCliCredential: failing("AzureDeveloperCliCredential"),
        AzurePowerShellCredential: failing("AzurePowerShellCredential"),
        ChainedTokenCredential: failing("ChainedTokenCredential"),
        DefaultAzureCredential: failing("DefaultAzureCredential"),
        EnvironmentCredential: failing("EnvironmentCredential"),
        ManagedIdentityCredential: failing("ManagedIdentityCredential"),
        WorkloadIdentityCredential: failing("WorkloadIdentityCredential"),
      }) as never;
    let stderr = "";
    const code = await run(
      targetArgs(arm.url),
      {},
      { identity, stdout: { write: () => {} }, stderr: { write: (t: string) => (stderr += t) } },
    );
    expect(code).toBe(3);
    expect(built).not.toContain("ManagedIdentityCredential");
    expect(built).toContain("ChainedTokenCredential");
    expect(stderr).toContain("az login");
    expect(arm.requests).toEqual([]);
  });

  it("bad input: exit 2, every problem named, nothing sent", async () => {
    let stderr = "";
    const credential = scopedCredential({});
    const code = await run(
      [
        "--subscription-id",
        "nope",
        "--workspace-url",
        "http://example.com",
        "--entitlement",
        "be-admin",
        "--graph-endpoint",
        "http://graph.example.com",
      ],
      {},
      { credential, stderr: { write: (t: string) => (stderr += t) }, stdout: { write: () => {} } },
    );
    expect(code).toBe(2);
    for (const text of [
      "is not a UUID",
      "missing --resource-group",
      "missing --service-name",
      "must use https",
      '"be-admin" is not one of',
    ])
      expect(stderr).toContain(text);
    expect(credential.scopes).toEqual([]);
  });
});
