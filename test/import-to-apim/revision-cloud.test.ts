import { describe, expect, it } from "vitest";
import {
  BASE_ARGS,
  changedSpec,
  fakeApim,
  runCli,
  SUBSCRIPTION,
  staticCredential,
  useMswServer,
} from "./harness.js";

const server = useMswServer();
describe("--revision and --rollback", () => {
  it("imports into a new revision, verifies it, then releases it; --rollback makes the previous one current", async () => {
    const apim = fakeApim(server);
    expect((await runCli([...BASE_ARGS, "--revision"])).code).toBe(0); // first deploy: plain create, revision 1
    expect(apim.api()?.rev).toBe(1);

    const result = await runCli([...BASE_ARGS, "--revision", "--spec", changedSpec()]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("revision: new revision 2, verified, then released (current: 1)");
    expect(
      apim
        .writes()
        .slice(3)
        .map((r) => `${r.method} ${r.path.replace(/releases\/.*/, "releases/…")}`),
    ).toEqual([
      "PUT apis/dbw-01;rev=2",
      "PUT apis/dbw-01;rev=2",
      "PUT apis/dbw-01;rev=2/policies/policy",
      "PUT apis/dbw-01/releases/…",
    ]);
    const createRevision = apim.writes()[3]?.body as { properties: Record<string, unknown> };
    expect(createRevision.properties.sourceApiId).toBe("/apis/dbw-01");
    expect(apim.api()?.rev).toBe(2);
    expect(apim.api()?.revision.operations.some((o) => o.name === "clustersgetone")).toBe(true);
    expect(apim.api("dbw-01;rev=1")?.revision.operations.some((o) => o.name === "clustersget")).toBe(true);
    expect((await runCli([...BASE_ARGS, "--revision", "--spec", changedSpec()])).stdout).toContain(
      "no changes",
    );

    const dry = await runCli([...BASE_ARGS, "--rollback", "--dry-run"]);
    expect(dry.stdout).toContain("roll back, make revision 1 current again (current: 2)");
    expect(apim.api()?.rev).toBe(2);

    const writesBefore = apim.writes().length;
    // --rollback needs no workspace URL, spec or policy.
    const rollback = await runCli(BASE_ARGS.slice(0, 6).concat("--rollback"));
    expect(rollback.code).toBe(0);
    // The release for revision 1 is made, and the script's own release of revision 2 removed:
    // releases do not pile up run after run.
    expect(
      apim
        .writes()
        .slice(writesBefore)
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual([
      "PUT apis/dbw-01/releases/import-to-apim-rev1",
      "DELETE apis/dbw-01/releases/import-to-apim-rev2",
    ]);
    expect([...(apim.apis.get("dbw-01")?.releases?.keys() ?? [])]).toEqual(["import-to-apim-rev1"]);
    expect(apim.writes().at(-1)?.url.searchParams.get("api-version")).toBe("2024-05-01");
    expect(apim.api()?.rev).toBe(1);
    expect(rollback.stdout).toContain("revision released");

    const nothingEarlier = await runCli(BASE_ARGS.concat("--rollback"));
    expect(nothingEarlier.code).toBe(1);
    expect(nothingEarlier.stderr).toContain('API "dbw-01" has no revision before the current revision 1');
  });

  it("does not release a revision that fails verification", async () => {
    const apim = fakeApim(server);
    await runCli(BASE_ARGS);
    apim.dropOperationsOnNextImport();
    const result = await runCli([...BASE_ARGS, "--revision", "--spec", changedSpec()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("revision 2 was not released, revision 1 stays current");
    expect(apim.writes().some((r) => r.path.includes("/releases/"))).toBe(false);
    expect(apim.api()?.rev).toBe(1);
  });

  it("moves to another workspace: backend updated in place, serviceUrl in a new revision", async () => {
    const apim = fakeApim(server);
    await runCli(BASE_ARGS);
    const moved = BASE_ARGS.slice(0, 6).concat(
      "--workspace-url",
      "https://adb-99.9.azuredatabricks.net/",
      "--revision",
    );
    const result = await runCli(moved);
    expect(result.code).toBe(0);
    // The backend is shared by all revisions; serviceUrl belongs to the API, so it goes into revision 2.
    expect(
      apim
        .writes()
        .slice(3)
        .map((r) => r.path.replace(/releases\/.*/, "releases/…")),
    ).toEqual([
      "backends/dbw-01",
      "apis/dbw-01;rev=2",
      "apis/dbw-01;rev=2",
      "apis/dbw-01;rev=2/policies/policy",
      "apis/dbw-01/releases/…",
    ]);
    expect(apim.backends.get("dbw-01")?.url).toBe("https://adb-99.9.azuredatabricks.net");
  });
});

describe("sovereign clouds and custom ARM endpoints", () => {
  it("uses the US Government ARM endpoint and token scope", async () => {
    const apim = fakeApim(server, { origin: "https://management.usgovcloudapi.net" });
    const credential = staticCredential();
    const args = BASE_ARGS.slice(0, 6).concat(
      "--workspace-url",
      "https://adb-1234.5.databricks.azure.us",
      "--cloud",
      "AzureUSGovernment",
    );
    const result = await runCli(args, { credential });
    expect(result.code).toBe(0);
    expect(new Set(credential.scopes)).toEqual(new Set(["https://management.usgovcloudapi.net/.default"]));
    expect(apim.requests.every((r) => r.url.origin === "https://management.usgovcloudapi.net")).toBe(true);
  });

  it("uses the China ARM endpoint, with the cloud from the environment", async () => {
    const apim = fakeApim(server, { origin: "https://management.chinacloudapi.cn" });
    const credential = staticCredential();
    const args = BASE_ARGS.slice(0, 6).concat("--workspace-url", "https://adb-1234.5.databricks.azure.cn");
    const result = await runCli(args, { credential, env: { AZURE_CLOUD: "AzureChinaCloud" } });
    expect(result.code).toBe(0);
    expect(credential.scopes[0]).toBe("https://management.chinacloudapi.cn/.default");
    expect(apim.api()?.revision.operations.length).toBeGreaterThan(0);
  });

  it("follows --arm-endpoint for requests and the token scope", async () => {
    const apim = fakeApim(server, { origin: "https://arm.stack.example" });
    const credential = staticCredential();
    const result = await runCli([...BASE_ARGS, "--arm-endpoint", "https://arm.stack.example/"], {
      credential,
    });
    expect(result.code).toBe(0);
    expect(credential.scopes[0]).toBe("https://arm.stack.example/.default");
    expect(apim.requests[0]?.url.href).toContain(`https://arm.stack.example/subscriptions/${SUBSCRIPTION}/`);
  });

  it("refuses a workspace from another cloud than --cloud, before any request", async () => {
    const apim = fakeApim(server);
    const credential = staticCredential();
    const result = await runCli([...BASE_ARGS, "--cloud", "AzureChinaCloud"], { credential });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is a workspace in AzureCloud but --cloud is AzureChinaCloud");
    expect(apim.requests).toHaveLength(0);
    expect(credential.scopes).toHaveLength(0);
  });
});
