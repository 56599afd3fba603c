/**
 * `npm run demo`'s main function, in-process: the full tour against its embedded emulator, the
 * read-only tour against a "real" gateway given through the environment (here: another emulator on
 * 127.0.0.1), and a clear refusal of half a configuration. No key may reach the output.
 */

import { http } from "msw";
import { describe, expect, it } from "vitest";
import { runDemo } from "../../scripts/demo.js";
import { createDatabricksMock, databricksError, startMockGateway } from "../../src/testing/index.js";

describe("npm run demo", () => {
  it("runs the whole tour against the embedded emulator", async () => {
    const lines: string[] = [];
    await runDemo({ env: {}, print: (line) => lines.push(line), pollInterval: 0 });
    const output = lines.join("\n");
    for (const step of [
      "1. Who am I?",
      "2. Clusters",
      "3. Create a cluster and wait for RUNNING",
      "4. Run a job and wait for it",
      "5. SQL on a warehouse",
      "6. A wrong subscription key",
      "7. An operation outside the whitelist",
    ]) {
      expect(output).toContain(step);
    }
    expect(output).toMatch(/cluster \S+: PENDING \(poll 1\)\n\s+cluster \S+: RUNNING \(poll 2\)/);
    expect(output).toContain("result: SUCCESS");
    expect(output).toContain("5 rows in 3 result chunks");
    expect(output).toContain("ApimGatewayError status=401 reason=invalid-subscription-key");
    expect(output).toContain("ApimGatewayError status=404 reason=operation-not-found");
    expect(output).toMatch(/Done in \d+\.\d s\./);
    expect(output).not.toContain("demo-local-key");
    expect(output).not.toContain("0123456789abcdef0123456789abcdef");
  });

  it("runs only the read-only steps against the gateway named in the environment", async () => {
    const mock = createDatabricksMock({ apimUrl: "http://127.0.0.1", keys: ["gateway-key-from-env"] });
    const server = await startMockGateway(mock);
    try {
      const lines: string[] = [];
      await runDemo({
        env: { DATABRICKS_APIM_URL: server.url, DATABRICKS_APIM_SUBSCRIPTION_KEY: "gateway-key-from-env" },
        print: (line) => lines.push(line),
      });
      const output = lines.join("\n");
      expect(output).toContain(`read-only, against ${server.url}`);
      expect(output).not.toContain("Create a cluster");
      expect(output).toContain("4. An operation outside the whitelist");
      expect(output).not.toContain("gateway-key-from-env");
      expect(mock.workspace.clusters.list()).toEqual([]);
      expect(mock.gateway.requests.every((r) => r.method === "GET")).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("fails with a hint when the gateway forwards operations outside the spec (a wildcard operation)", async () => {
    const mock = createDatabricksMock({ apimUrl: "http://127.0.0.1", keys: ["k-0123456789"] });
    const wildcard = http.get("http://127.0.0.1/dbw-01/api/2.0/token-management/*", () =>
      databricksError(404, "ENDPOINT_NOT_FOUND", "No API found for 'GET /token-management/tokens'"),
    );
    const server = await startMockGateway({ apimUrl: mock.apimUrl, handlers: [wildcard, ...mock.handlers] });
    try {
      const run = runDemo({
        env: { DATABRICKS_APIM_URL: server.url, DATABRICKS_APIM_SUBSCRIPTION_KEY: "k-0123456789" },
        print: () => {},
      });
      await expect(run).rejects.toThrow(/wildcard operation\?, got NotFound \(404\)/);
      await expect(run).rejects.not.toThrow(/k-0123456789/);
    } finally {
      await server.close();
    }
  });

  it("never prints the key, even when the gateway echoes it in data and in errors (issue 10)", async () => {
    const key = "Echoed-Key-0123456789";
    const mock = createDatabricksMock({ apimUrl: "http://127.0.0.1", keys: [key] });
    mock.workspace.identity.setMe({ userName: key, displayName: `caller ${key.toUpperCase()}` });
    // A wildcard-like gateway that quotes the request's key back in its error body.
    const echo = http.get("http://127.0.0.1/dbw-01/api/2.0/token-management/*", ({ request }) =>
      databricksError(
        404,
        "ENDPOINT_NOT_FOUND",
        `no such API for ${request.headers.get("ocp-apim-subscription-key")}`,
      ),
    );
    const server = await startMockGateway({ apimUrl: mock.apimUrl, handlers: [echo, ...mock.handlers] });
    const lines: string[] = [];
    try {
      const run = runDemo({
        env: { DATABRICKS_APIM_URL: server.url, DATABRICKS_APIM_SUBSCRIPTION_KEY: key },
        print: (line) => lines.push(line),
      });
      const error = (await run.catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      const everything = `${lines.join("\n")}\n${error.message}`.toLowerCase();
      expect(lines.join("\n")).toContain("[REDACTED]");
      expect(everything).not.toContain(key.toLowerCase());
    } finally {
      await server.close();
    }
  });

  it("refuses half a configuration with a message that names both variables", async () => {
    await expect(
      runDemo({ env: { DATABRICKS_APIM_URL: "https://apim.example.test" }, print: () => {} }),
    ).rejects.toThrow(/set both DATABRICKS_APIM_URL and DATABRICKS_APIM_SUBSCRIPTION_KEY/);
  });
});
