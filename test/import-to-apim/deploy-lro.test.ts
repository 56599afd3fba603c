/**
 * The deploy against the fake APIM answering like Azure does (fake-apim-replies.ts names the source of
 * each reply): long-running imports in every style ARM uses, statuses nested and differently cased,
 * `Location` answering 404 while the API is created, and writes refused while another operation runs.
 */
import { describe, expect, it } from "vitest";
import { BASE_ARGS, changedSpec, fakeApim, runCli, useMswServer } from "./harness.js";

const server = useMswServer();
describe("long-running imports as ARM answers them", () => {
  it("an update that changes the whitelist and the policy waits for the import, then verifies the new operations", async () => {
    // Default style: the swagger example's 200 + Location + Azure-AsyncOperation + "InProgress".
    const apim = fakeApim(server);
    expect((await runCli(BASE_ARGS)).code).toBe(0);
    const before = apim.requests.length;
    const result = await runCli([...BASE_ARGS, "--spec", changedSpec(), "--rate-limit", "10/60"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const after = apim.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/\?.*/, "")}`);
    const put = after.indexOf("PUT apis/dbw-01");
    const status = after.findIndex((line, i) => i > put && line.startsWith("GET operationStatuses/"));
    const policy = after.indexOf("PUT apis/dbw-01/policies/policy");
    expect(put).toBeGreaterThanOrEqual(0);
    expect(status).toBeGreaterThan(put);
    expect(policy).toBeGreaterThan(status);
    // Nothing met "Operation on the API is in progress": the policy went out once the import ended.
    expect(result.stdout).not.toContain("409");
    expect(
      apim
        .writes()
        .slice(3)
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual(["PUT apis/dbw-01", "PUT apis/dbw-01/policies/policy"]);
    expect(apim.api()?.revision.operations.some((o) => o.name === "clustersgetone")).toBe(true);
    expect(apim.api()?.revision.policy).toContain('calls="10"');
    expect(result.stdout).toContain("verify: 83 operations and the policy match");
    expect((await runCli([...BASE_ARGS, "--spec", changedSpec(), "--rate-limit", "10/60"])).stdout).toContain(
      "no changes",
    );
  });

  it.each([
    ["example", "top"],
    ["example", "nested-status"],
    ["accepted", "nested-provisioning-state"],
    ["location", "top"],
    ["body", "top"],
  ] as const)("deploys and re-deploys with %s replies and %s statuses", async (lroStyle, statusShape) => {
    const apim = fakeApim(server, { lroStyle, statusShape });
    expect((await runCli(BASE_ARGS)).code).toBe(0);
    const result = await runCli([...BASE_ARGS, "--spec", changedSpec()]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(apim.api()?.revision.operations.some((o) => o.name === "clustersgetone")).toBe(true);
  });

  it("waits out a Location that answers 404 while the API is being created", async () => {
    const apim = fakeApim(server, { lroStyle: "location", locationNotFoundPolls: 2 });
    const result = await runCli(BASE_ARGS);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("→ not found yet");
    expect(apim.requests.filter((r) => r.path.startsWith("operationResults/")).length).toBe(4);
  });

  it("reports an import that fails through a nested, lower-case status", async () => {
    const apim = fakeApim(server, { statusShape: "nested-status" });
    apim.failNextImport({ code: "ValidationError", message: "Parsing error(s): bad" });
    const result = await runCli(BASE_ARGS);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("long-running operation Failed ValidationError: Parsing error(s): bad");
    expect(apim.writes().map((r) => r.path)).toEqual(["backends/dbw-01", "apis/dbw-01"]);
  });
});

describe("writes that meet another operation on the API", () => {
  // Azure/apiops src/common/Http.cs CommonRetryPolicy: 409 "Operation on the API is in progress", 412,
  // 409/422 ManagementApiRequestFailed are retried.
  it("retries the policy after 409 in progress, 412 and 422, and still verifies", async () => {
    const apim = fakeApim(server);
    await runCli(BASE_ARGS);
    apim.refuseNextWrites(
      { status: 409, code: "PessimisticConcurrencyConflict", message: "Operation on the API is in progress" },
      { status: 412, code: "PreconditionFailed", message: "The resource has been modified" },
      { status: 422, code: "ManagementApiRequestFailed", message: "Request failed" },
    );
    const result = await runCli([...BASE_ARGS, "--rate-limit", "5/10"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("PUT …/apis/dbw-01/policies/policy → 409");
    expect(result.stdout).toMatch(/retry 3: PUT …\/apis\/dbw-01\/policies\/policy → 422/);
    expect(apim.api()?.revision.policy).toContain('calls="5"');
  });

  it("gives up on a conflict that does not clear, naming it", async () => {
    const apim = fakeApim(server);
    await runCli(BASE_ARGS);
    const busy = {
      status: 409,
      code: "PessimisticConcurrencyConflict",
      message: "Operation on the API is in progress",
    };
    apim.refuseNextWrites(...Array.from({ length: 60 }, () => busy));
    const result = await runCli([...BASE_ARGS, "--rate-limit", "5/10"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "409 PessimisticConcurrencyConflict: Operation on the API is in progress",
    );
  });
});
