/**
 * `databricks-apim doctor` through the bin, against mock-gateway started with the flags that reproduce
 * each cause. Gateway bodies are APIM's verbatim ones (docs/apim.md §3: 401 missing/invalid key,
 * 404 "Resource not found", 429 rate-limit-by-key, 403 quota-by-key, 500 backend failure with
 * activityId) and Databricks' own 401 from the seed write-up.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { http } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMockGatewayArgs, startFromArgs } from "../../src/cli/mock-gateway.js";
import {
  createDatabricksMock,
  databricksError,
  type MockGatewayServer,
  startMockGateway,
} from "../../src/testing/index.js";
import { buildBin, runBin } from "./bin.js";

const KEY = "doctor-test-key-0123456789";
let bin: string;
const servers: MockGatewayServer[] = [];
beforeAll(async () => {
  bin = await buildBin();
}, 60_000);
afterAll(async () => {
  for (const server of servers) await server.close();
});

async function gateway(...flags: string[]): Promise<string> {
  const args = parseMockGatewayArgs(["--port", "0", "--quiet", "--key", KEY, ...flags]);
  if (args === "help") throw new Error("unexpected help");
  const server = await startFromArgs(args, () => {});
  servers.push(server);
  return server.url;
}

interface Report {
  ok: boolean;
  checks: Array<{ name: string; ok: boolean; cause?: string; detail: string; fix?: string }>;
}

async function doctor(
  url: string,
  env: Record<string, string> = { DATABRICKS_APIM_SUBSCRIPTION_KEY: KEY },
  extra: string[] = [],
) {
  const run = await runBin(bin, ["doctor", "--json", "--apim-url", url, ...extra], env);
  expect(run.stdout + run.stderr).not.toContain(KEY);
  const report = JSON.parse(run.stdout) as Report;
  const failed = report.checks.filter((check) => !check.ok);
  return { ...run, report, causes: failed.map((check) => check.cause) };
}

describe("databricks-apim doctor", () => {
  it("passes every check against a healthy gateway, and prints ✓ lines without --json", async () => {
    const url = await gateway();
    const { code, report } = await doctor(url);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual([
      "gateway-reachable",
      "subscription-key",
      "api-imported",
      "backend-reachable",
      "managed-identity-granted",
      "permissions",
      "whitelist-only",
    ]);
    const text = await runBin(bin, ["doctor", "--apim-url", url], { DATABRICKS_APIM_SUBSCRIPTION_KEY: KEY });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^✓ gateway-reachable/m);
    expect(text.stdout).toContain("All checks passed.");
  });

  it.each([
    ["missing-subscription-key", [], {}],
    ["invalid-subscription-key", [], { DATABRICKS_APIM_SUBSCRIPTION_KEY: "another-key-000000" }],
    [
      "api-not-found",
      [],
      { DATABRICKS_APIM_SUBSCRIPTION_KEY: KEY, DATABRICKS_APIM_API_SUFFIX: "wrong-suffix" },
    ],
    ["managed-identity-not-granted", ["--not-granted"], { DATABRICKS_APIM_SUBSCRIPTION_KEY: KEY }],
    ["backend-unreachable", ["--backend-down"], { DATABRICKS_APIM_SUBSCRIPTION_KEY: KEY }],
    ["wildcard-operation", ["--wildcard"], { DATABRICKS_APIM_SUBSCRIPTION_KEY: KEY }],
    ["rate-limited", ["--rate-limit", "0/60"], { DATABRICKS_APIM_SUBSCRIPTION_KEY: KEY }],
    ["quota-exceeded", ["--quota", "0/3600"], { DATABRICKS_APIM_SUBSCRIPTION_KEY: KEY }],
  ] as Array<[string, string[], Record<string, string>]>)(
    "reports %s (mock-gateway %j), exit 1, with a fix",
    async (cause, flags, env) => {
      const url = await gateway(...flags);
      const { code, report, causes } = await doctor(url, env);
      expect(code).toBe(1);
      expect(report.ok).toBe(false);
      expect(causes).toEqual([cause]);
      expect(report.checks.find((c) => c.cause === cause)?.fix).toMatch(/\S/);
    },
  );

  it("reports unreachable for a closed port", async () => {
    const url = await gateway();
    await servers.pop()?.close();
    const { code, causes } = await doctor(url);
    expect(code).toBe(1);
    expect(causes).toEqual(["unreachable"]);
  });

  it("never follows a redirect: the key does not reach the other origin, and the URL is reported", async () => {
    const elsewhere: string[] = [];
    const other = createServer((req, res) => {
      elsewhere.push(String(req.headers["ocp-apim-subscription-key"]));
      res.end("{}");
    });
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const redirecting = createServer((req, res) => {
      res.writeHead(307, { location: `${otherUrl}${req.url}?key=leak` });
      res.end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`;
      const { code, causes, report } = await doctor(url);
      expect(code).toBe(1);
      expect(causes).toEqual(["unreachable"]);
      expect(report.checks[0]?.detail).toContain(`a redirect to ${otherUrl}`);
      expect(elsewhere).toEqual([]);
    } finally {
      redirecting.close();
      other.close();
    }
  });

  it("reports permission-denied for Databricks' 403, and never prints the key even when it is echoed", async () => {
    const mock = createDatabricksMock({ apimUrl: "http://127.0.0.1", keys: [KEY] });
    // The service principal lacks an ACL: Databricks answers 403 PERMISSION_DENIED; this one quotes the key.
    const deny = http.get("http://127.0.0.1/dbw-01/api/2.0/preview/scim/v2/Me", ({ request }) =>
      databricksError(
        403,
        "PERMISSION_DENIED",
        `denied for ${request.headers.get("ocp-apim-subscription-key")?.toUpperCase()}`,
      ),
    );
    const server = await startMockGateway({ apimUrl: mock.apimUrl, handlers: [deny, ...mock.handlers] });
    servers.push(server);
    const { code, causes, stdout } = await doctor(server.url);
    expect(code).toBe(1);
    expect(causes).toEqual(["permission-denied"]);
    expect(stdout).toContain("[REDACTED]");
    expect(stdout.toLowerCase()).not.toContain(KEY.toLowerCase());
    const text = await runBin(bin, ["doctor", "--apim-url", server.url], {
      DATABRICKS_APIM_SUBSCRIPTION_KEY: KEY,
    });
    expect(text.stdout).toMatch(/^✗ permissions +\[permission-denied\]/m);
    expect(text.stdout.toLowerCase()).not.toContain(KEY.toLowerCase());
  });

  it("exits 2 for bad input, before any request, and refuses the key as a flag", async () => {
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [["--key", KEY], { DATABRICKS_APIM_URL: "http://127.0.0.1:9" }, /never a flag/],
      [[], {}, /missing --apim-url/],
      [["--apim-url", "http://apim.example.com"], {}, /https/],
      [["--apim-url", "https://apim.example.com/dbw-01"], {}, /drop it/],
      [["--bogus"], { DATABRICKS_APIM_URL: "https://apim.example.com" }, /bogus/],
    ];
    for (const [args, env, message] of cases) {
      const run = await runBin(bin, ["doctor", ...args], env);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toContain(KEY);
    }
  });
});
