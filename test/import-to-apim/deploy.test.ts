import { describe, expect, it } from "vitest";
import { findSchemaCycles, normalizeOperationName } from "../../scripts/lib/apim-rules.js";
import { listOperations, loadSpec, type OpenApiDocument } from "../../scripts/lib/spec.js";
import {
  BASE_ARGS,
  fakeApim,
  runCli,
  specText,
  staticCredential,
  TOKEN,
  tempFile,
  useMswServer,
  WORKSPACE,
} from "./harness.js";

const server = useMswServer();
const spec = loadSpec().doc;
const specOps = listOperations(spec);

describe("import-to-apim against the fake APIM", () => {
  it("deploys from scratch: backend, import (followed to the end), policy; then verifies", async () => {
    const apim = fakeApim(server);
    const credential = staticCredential();
    const result = await runCli(BASE_ARGS, { credential });

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(apim.writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      "PUT backends/dbw-01",
      "PUT apis/dbw-01",
      "PUT apis/dbw-01/policies/policy",
    ]);
    expect(apim.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(credential.scopes.every((scope) => scope === "https://management.azure.com/.default")).toBe(true);
    expect(apim.backends.get("dbw-01")).toMatchObject({ url: WORKSPACE, protocol: "http" });

    const importBody = apim.writes()[1]?.body as { properties: Record<string, unknown> };
    expect(importBody.properties).toMatchObject({
      format: "openapi+json",
      path: "dbw-01",
      protocols: ["https"],
      subscriptionRequired: true,
      type: "http",
      translateRequiredQueryParameters: "query",
      serviceUrl: WORKSPACE,
      displayName: spec.info.title,
    });
    const uploaded = JSON.parse(String(importBody.properties.value)) as OpenApiDocument;
    expect(uploaded.servers).toBeUndefined();
    expect(findSchemaCycles(uploaded)).toEqual([]);
    expect(JSON.stringify(uploaded)).not.toMatch(/"x-databricks-[a-z-]+":/);
    expect(findSchemaCycles(spec)).toEqual([["ForEachTask", "Task"]]); // the spec file itself is untouched

    const api = apim.api();
    expect(api?.revision.operations).toHaveLength(specOps.length);
    const clustersGet = api?.revision.operations.find((o) => o.name === "clustersget");
    expect(clustersGet).toMatchObject({ method: "GET", urlTemplate: "/api/2.1/clusters/get" });
    expect(api?.revision.properties.serviceUrl).toBe(WORKSPACE);
    expect(api?.revision.policy).toContain('<set-backend-service backend-id="dbw-01" />');
    expect(api?.revision.policy).toContain(
      '<set-header name="Ocp-Apim-Subscription-Key" exists-action="delete" />',
    );
    expect(api?.revision.policy).not.toContain("{{");

    for (const step of ["[1/5] validate", "[2/5] read", "[3/5] plan", "[4/5] apply", "[5/5] verify"])
      expect(result.stdout).toContain(step);
    expect(result.stdout).toContain("+ GET    /api/2.1/clusters/list  (clusterslist)");
    expect(result.stdout).toContain(
      "note: recursive reference cut in the upload: ForEachTask.properties.task → Task",
    );
    expect(result.stdout).toMatch(/poll: PUT …\/apis\/dbw-01 → InProgress/);
    expect(result.stdout).toMatch(
      /Done in [\d.]+ s: backend created, API imported \(\+83 -0 ~0\), policy created; 3 write step\(s\)\./,
    );
  });

  it("makes zero writes on a re-run with unchanged inputs and says so", async () => {
    const apim = fakeApim(server);
    expect((await runCli(BASE_ARGS)).code).toBe(0);
    const before = apim.requests.length;
    const again = await runCli(BASE_ARGS);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("no changes");
    expect(apim.writes()).toHaveLength(3);
    expect(apim.requests.slice(before).every((r) => r.method === "GET")).toBe(true);
  });

  it("re-imports only the API when the spec changes, and shows the operation diff", async () => {
    const apim = fakeApim(server);
    await runCli(BASE_ARGS);
    const changed = specText()
      .replace("summary: List clusters, newest first, a page at a time", "summary: List clusters (changed)")
      .replace("operationId: clustersGet\n", "operationId: clustersGetOne\n");
    const result = await runCli([...BASE_ARGS, "--spec", tempFile("spec.yaml", changed)]);
    expect(result.code).toBe(0);
    expect(
      apim
        .writes()
        .slice(3)
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual(["PUT apis/dbw-01"]);
    expect(result.stdout).toMatch(/spec: sha256:[0-9a-f]{12} → sha256:[0-9a-f]{12}/);
    expect(result.stdout).toContain("+ GET    /api/2.1/clusters/get  (clustersgetone)");
    expect(result.stdout).toContain("- GET    /api/2.1/clusters/get  (clustersget)");
    expect(apim.api()?.revision.operations.some((o) => o.name === "clustersgetone")).toBe(true);
  });

  it("updates only the policy when the policy changes (compared as parsed XML, not text)", async () => {
    const apim = fakeApim(server);
    await runCli(BASE_ARGS);
    const result = await runCli([...BASE_ARGS, "--rate-limit", "100/60"]);
    expect(result.code).toBe(0);
    expect(
      apim
        .writes()
        .slice(3)
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual(["PUT apis/dbw-01/policies/policy"]);
    expect(apim.api()?.revision.policy).toContain('<rate-limit-by-key calls="100" renewal-period="60"');
    expect((await runCli([...BASE_ARGS, "--rate-limit", "100/60"])).stdout).toContain("no changes");
  });

  it("makes zero writes with --dry-run, on a fresh service and on a changed one", async () => {
    const apim = fakeApim(server);
    const fresh = await runCli([...BASE_ARGS, "--dry-run"]);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain("backend dbw-01: create → https://adb-");
    expect(fresh.stdout).toContain("3 write step(s): backend → api → policy");
    expect(apim.writes()).toHaveLength(0);
    await runCli(BASE_ARGS);
    const changed = await runCli([...BASE_ARGS, "--rate-limit", "5/10", "--dry-run"], {
      env: { APIM_DRY_RUN: "false" },
    });
    expect(changed.stdout).toContain("policy: update (drift: the stored policy differs)");
    expect(changed.stdout).toContain("Dry run finished");
    expect(apim.writes()).toHaveLength(3);
  });

  it("surfaces the error of a failed long-running import and stops before the policy", async () => {
    const apim = fakeApim(server);
    apim.failNextImport({
      code: "ValidationError",
      message: "One or more fields contain incorrect values:",
      details: [
        { code: "ValidationError", target: "representation", message: "Parsing error(s): bad schema" },
      ],
    });
    const result = await runCli(BASE_ARGS);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("long-running operation Failed");
    expect(result.stderr).toContain("ValidationError: One or more fields contain incorrect values:");
    expect(result.stderr).toContain("representation: Parsing error(s): bad schema");
    expect(result.stderr).toContain("writes made before the failure: backend");
    expect(apim.writes().map((r) => r.path)).toEqual(["backends/dbw-01", "apis/dbw-01"]);
  });

  it("surfaces a failure reported through Location polling too", async () => {
    const apim = fakeApim(server, { lroStyle: "location" });
    apim.failNextImport({
      code: "ValidationError",
      message: "Importing API has duplicate signature operations",
    });
    const result = await runCli(BASE_ARGS);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("400 ValidationError: Importing API has duplicate signature operations");
  });

  it("follows Location-only polling to success", async () => {
    const apim = fakeApim(server, { lroStyle: "location" });
    const result = await runCli(BASE_ARGS);
    expect(result.code).toBe(0);
    expect(apim.requests.filter((r) => r.path.startsWith("operationResults/")).length).toBe(2);
  });

  it("retries ARM 429 responses after Retry-After", async () => {
    const apim = fakeApim(server);
    apim.throttle(2);
    const result = await runCli(BASE_ARGS);
    expect(result.code).toBe(0);
    expect(result.sleeps.slice(0, 2)).toEqual([1000, 1000]);
    expect(result.stdout).toContain("retry 1: GET …/backends/dbw-01 → 429, waiting 1.0 s");
    expect(apim.api()?.revision.operations).toHaveLength(specOps.length);
  });

  it("fails with the diff when the API has other operations than the spec after import", async () => {
    const apim = fakeApim(server);
    apim.dropOperationsOnNextImport();
    const result = await runCli(BASE_ARGS);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`API dbw-01 has 0 operations, the spec ${specOps.length}; differences:`);
    expect(result.stderr).toContain("missing in APIM: GET /api/2.1/clusters/list (clusterslist)");
  });

  it("publishes only GET operations with --read-only, and only tagged ones with --tags", async () => {
    const apim = fakeApim(server);
    expect((await runCli([...BASE_ARGS, "--read-only"])).code).toBe(0);
    const ops = apim.api()?.revision.operations ?? [];
    expect(ops.length).toBe(specOps.filter((o) => o.method === "GET").length);
    expect(ops.every((o) => o.method === "GET")).toBe(true);

    const tagged = await runCli([...BASE_ARGS, "--tags", "clusters,jobs"]);
    expect(tagged.code).toBe(0);
    const wanted = specOps.filter((o) => o.op.tags?.some((t) => t === "clusters" || t === "jobs"));
    expect(
      apim
        .api()
        ?.revision.operations.map((o) => o.name)
        .sort(),
    ).toEqual(wanted.map((o) => normalizeOperationName(o.op.operationId ?? "")).sort());
  });

  it("replaces a seed-style wildcard API and links the product once", async () => {
    const apim = fakeApim(server);
    apim.apis.set("dbw-01", {
      current: 1,
      revisions: new Map([
        [
          1,
          {
            properties: { displayName: "dbw-01", path: "dbw-01", protocols: ["https"] },
            policy: undefined,
            operations: [
              { name: "wildcardget", method: "GET", urlTemplate: "/*", displayName: "WildcardGet" },
            ],
          },
        ],
      ]),
    });
    const result = await runCli([...BASE_ARGS, "--product", "starter"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("- GET    /*  (wildcardget)");
    expect(result.stdout).toContain('serviceUrl: (unset) → "https://adb-');
    expect(apim.links.has("starter/dbw-01")).toBe(true);
    expect(apim.api()?.revision.operations.some((o) => o.urlTemplate === "/*")).toBe(false);
    const again = await runCli([...BASE_ARGS, "--product", "starter"]);
    expect(again.stdout).toContain("no changes");
  });

  it("reports a missing product after the other writes, and renders a user-assigned identity", async () => {
    const apim = fakeApim(server);
    const clientId = "99999999-8888-7777-6666-555555555555";
    const result = await runCli([
      ...BASE_ARGS,
      "--product",
      "gold",
      "--managed-identity-client-id",
      clientId,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "PUT …/products/gold/apis/dbw-01: 404 ResourceNotFound: Product gold not found",
    );
    expect(result.stderr).toContain("writes made before the failure: backend, api, policy");
    expect(apim.api()?.revision.policy).toContain(`client-id="${clientId}"`);
  });

  it("prints who it acts as before the first request", async () => {
    fakeApim(server);
    const result = await runCli(BASE_ARGS);
    const acting = result.stdout.indexOf("acting as user deployer@contoso.com");
    expect(acting).toBeGreaterThan(0);
    expect(acting).toBeLessThan(result.stdout.indexOf("[2/5] read"));
    expect(result.stdout).toContain(
      "(object id 0b1c2d3e-0000-0000-0000-0000000000bb, tenant 72f988bf-0000-0000-0000-0000000000aa) via developer sign-in",
    );
  });

  it("explains a credential failure with its own exit code and sends nothing", async () => {
    const apim = fakeApim(server);
    const credential = {
      getToken: async () => {
        // AzureCliCredential's message when `az` is missing (@azure/identity 4.13.1 azureCliCredential.js).
        throw Object.assign(
          new Error("Azure CLI could not be found. Please visit https://aka.ms/azure-cli"),
          {
            name: "CredentialUnavailableError",
          },
        );
      },
    };
    const result = await runCli(BASE_ARGS, { credential });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("Azure CLI could not be found.");
    expect(result.stderr).toContain("Nothing was sent to Azure.");
    expect(result.stderr).toContain("install the Azure CLI and run `az login`");
    expect(apim.requests).toHaveLength(0);
    // Chosen through AZURE_TOKEN_CREDENTIALS: the hint names it instead of advising to set it.
    const fromEnv = await runCli(BASE_ARGS, {
      credential,
      env: { AZURE_TOKEN_CREDENTIALS: "AzureCliCredential" },
    });
    expect(fromEnv.code).toBe(3);
    expect(fromEnv.stderr).toContain("AZURE_TOKEN_CREDENTIALS=AzureCliCredential chose this credential");
    expect(apim.requests).toHaveLength(0);
  });

  it("refuses an unknown --credential as input error before any request", async () => {
    const apim = fakeApim(server);
    const result = await runCli([...BASE_ARGS, "--credential", "msi"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--credential "msi" is not one of developer, cli, managed-identity');
    expect(apim.requests).toHaveLength(0);
  });

  it("prints one JSON document on stdout with --json", async () => {
    fakeApim(server);
    const result = await runCli([...BASE_ARGS, "--json"]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as { status: string; writes: number; plan: { writes: string[] } };
    expect(doc).toMatchObject({
      status: "applied",
      writes: 3,
      plan: { writes: ["backend", "api", "policy"] },
    });
    expect(result.stderr).toContain("[3/5] plan");
    const again = JSON.parse((await runCli([...BASE_ARGS, "--json"])).stdout) as {
      status: string;
      writes: number;
    };
    expect(again).toMatchObject({ status: "no-changes", writes: 0 });
  });
});
