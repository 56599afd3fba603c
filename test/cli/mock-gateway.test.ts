/**
 * `databricks-apim mock-gateway` in-process: its flags (each refusal names the flag), what it prints,
 * and that each flag reaches the emulator it starts on 127.0.0.1 (requests over real HTTP). APIM's
 * statuses are docs/apim.md §3's: 401 for a key it does not know, 500 for a backend failure, 429 from
 * rate-limit-by-key, 403 from quota-by-key; Databricks' `{"error_code":"401","message":"Unauthorized"}`
 * is what the seed write-up's gateway got before its managed identity was a workspace user.
 */

import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DEFAULT_APP_ID,
  DEFAULT_LOCAL_KEY,
  MOCK_GATEWAY_USAGE,
  type MockGatewayArgs,
  mockGatewayCommand,
  parseMockGatewayArgs,
  startFromArgs,
} from "../../src/cli/mock-gateway.js";
import type { MockGatewayServer } from "../../src/testing/index.js";

/** Faults to inject into the emulator the command starts: a start or a close that fails. */
const faults = vi.hoisted(() => ({
  start: undefined as Error | undefined,
  close: undefined as Error | undefined,
}));
vi.mock(import("../../src/testing/index.js"), async (original) => {
  const real = await original();
  return {
    ...real,
    startMockGateway: async (...args: Parameters<typeof real.startMockGateway>) => {
      if (faults.start) throw faults.start;
      const server = await real.startMockGateway(...args);
      return {
        ...server,
        close: async () => {
          await server.close();
          if (faults.close) throw faults.close;
        },
      };
    },
  };
});

const APP_ID = "11111111-2222-4333-8444-555555555555";
const DEFAULTS: MockGatewayArgs = {
  port: 8080,
  keys: [DEFAULT_LOCAL_KEY],
  suffix: "dbw-01",
  granted: true,
  appId: DEFAULT_APP_ID,
  adminToken: undefined,
  wildcard: false,
  backendDown: false,
  rateLimit: undefined,
  quota: undefined,
  maxBodyBytes: undefined,
  stepMs: 5000,
  quiet: false,
};

const servers: MockGatewayServer[] = [];
afterEach(async () => {
  faults.start = undefined;
  faults.close = undefined;
  vi.restoreAllMocks();
  for (const server of servers.splice(0)) await server.close();
});

async function start(flags: string[]) {
  const args = parseMockGatewayArgs(["--port", "0", ...flags]);
  if (args === "help") throw new Error("unexpected help");
  const lines: string[] = [];
  const server = await startFromArgs(args, (line) => lines.push(line));
  servers.push(server);
  return { server, lines, args };
}

const ME = "/api/2.0/preview/scim/v2/Me";
const SPS = "/api/2.0/preview/scim/v2/ServicePrincipals";

describe("parseMockGatewayArgs", () => {
  it("has the documented defaults", () => {
    expect(parseMockGatewayArgs([])).toEqual(DEFAULTS);
    expect(DEFAULT_LOCAL_KEY).toBe("local-dev-key");
    expect(DEFAULT_APP_ID).toBe("00000000-0000-4000-8000-00000000a9e1");
  });

  it("reads every flag", () => {
    const argv = [
      ...["--port", "0", "--key", "a-key", "--key", "b-key", "--suffix", "dbw-09", "--not-granted"],
      ...["--managed-identity-app-id", APP_ID, "--admin-token", "adm!n~1", "--wildcard", "--backend-down"],
      ...[
        "--rate-limit",
        "10/60",
        "--quota",
        "0/3600",
        "--max-body-bytes",
        "1",
        "--step-ms",
        "0.5",
        "--quiet",
      ],
    ];
    expect(parseMockGatewayArgs(argv)).toEqual({
      port: 0,
      keys: ["a-key", "b-key"],
      suffix: "dbw-09",
      granted: false,
      appId: APP_ID,
      adminToken: "adm!n~1",
      wildcard: true,
      backendDown: true,
      rateLimit: { calls: 10, renewalPeriodSeconds: 60 },
      quota: { calls: 0, renewalPeriodSeconds: 3600 },
      maxBodyBytes: 1,
      stepMs: 0.5,
      quiet: true,
    });
    expect(parseMockGatewayArgs(["--port", "65535"])).toMatchObject({ port: 65535 });
    expect(parseMockGatewayArgs(["--rate-limit", "5/1"])).toMatchObject({
      rateLimit: { calls: 5, renewalPeriodSeconds: 1 },
    });
  });

  it("answers help for --help", () => {
    expect(parseMockGatewayArgs(["--help"])).toBe("help");
  });

  it("refuses each bad value, naming the flag and the value", () => {
    const cases: Array<[string[], string]> = [
      [["--port=-1"], "--port must be 0-65535, got -1"],
      [["--port", "65536"], "--port must be 0-65535, got 65536"],
      [["--port", "80.5"], "--port must be 0-65535, got 80.5"],
      [["--port", "http"], "--port must be 0-65535, got http"],
      [["--suffix", "a b"], '--suffix must be one simple path segment like dbw-01, got "a b"'],
      [["--suffix", "a?b"], '--suffix must be one simple path segment like dbw-01, got "a?b"'],
      [
        ["--suffix", "apis/dbw-01"],
        '--suffix must be one simple path segment like dbw-01, got "apis/dbw-01"',
      ],
      [["--suffix", ""], '--suffix must be one simple path segment like dbw-01, got ""'],
      [["--step-ms", "0"], "--step-ms must be a positive number, got 0"],
      [["--step-ms", "soon"], "--step-ms must be a positive number, got soon"],
      [
        ["--managed-identity-app-id", "not-a-uuid"],
        "--managed-identity-app-id must be a UUID, got not-a-uuid",
      ],
      [
        ["--managed-identity-app-id", `x${APP_ID}`],
        `--managed-identity-app-id must be a UUID, got x${APP_ID}`,
      ],
      [
        ["--managed-identity-app-id", `${APP_ID}0`],
        `--managed-identity-app-id must be a UUID, got ${APP_ID}0`,
      ],
      [["--admin-token", "two words"], "--admin-token must be non-empty visible ASCII"],
      [["--admin-token", ""], "--admin-token must be non-empty visible ASCII"],
      [["--max-body-bytes", "0"], "--max-body-bytes must be a positive integer, got 0"],
      [["--max-body-bytes", "1.5"], "--max-body-bytes must be a positive integer, got 1.5"],
      [["--rate-limit", "10"], "--rate-limit must look like 10/60 (calls/seconds), got 10"],
      [["--rate-limit", "10/0"], "--rate-limit must look like 10/60 (calls/seconds), got 10/0"],
      [["--rate-limit", "x10/60"], "--rate-limit must look like 10/60 (calls/seconds), got x10/60"],
      [["--rate-limit", "10/60s"], "--rate-limit must look like 10/60 (calls/seconds), got 10/60s"],
      [["--quota", "a/b"], "--quota must look like 10/60 (calls/seconds), got a/b"],
    ];
    for (const [argv, message] of cases)
      expect(() => parseMockGatewayArgs(argv), argv.join(" ")).toThrow(message);
    // The UUID is matched whatever its case.
    expect(parseMockGatewayArgs(["--managed-identity-app-id", APP_ID.toUpperCase()])).toMatchObject({
      appId: APP_ID.toUpperCase(),
    });
    expect(() => parseMockGatewayArgs(["--bogus"])).toThrow("Unknown option '--bogus'");
  });
});

describe("startFromArgs", () => {
  it("prints where it listens, the key it accepts and how to try it", async () => {
    const { server, lines } = await start([]);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const base = `${server.url}/dbw-01`;
    expect(lines).toEqual([
      `databricks-apim mock gateway listening on ${server.url}`,
      `  API base:          ${base}`,
      `  accepted key(s):   local-dev-key   (local fake keys; this emulator only)`,
      `  workspace (direct): ${server.url}   (Authorization: Bearer <token>; no suffix, no key)`,
      "  admin token:       any non-empty bearer token",
      `  managed identity:  application id ${DEFAULT_APP_ID}`,
      "                     granted (an active service principal exists)",
      "Try:",
      `  curl -H "Ocp-Apim-Subscription-Key: local-dev-key" ${base}/api/2.1/clusters/list`,
      `  DATABRICKS_APIM_URL=${server.url} DATABRICKS_APIM_SUBSCRIPTION_KEY=local-dev-key npx databricks-apim doctor`,
      "Ctrl+C stops it.",
    ]);
  });

  it("prints the flags' settings, and logs each request's method, path and status (no query)", async () => {
    const flags = ["--key", "k-one", "--key", "k-two", "--suffix", "dbw-07", "--not-granted", "--wildcard"];
    const more = [
      "--backend-down",
      "--rate-limit",
      "10/60",
      "--quota",
      "1000/3600",
      "--admin-token",
      "t0ken",
    ];
    const { server, lines } = await start([...flags, ...more, "--managed-identity-app-id", APP_ID]);
    expect(lines.slice(1, 13)).toEqual([
      `  API base:          ${server.url}/dbw-07`,
      "  accepted key(s):   k-one, k-two   (local fake keys; this emulator only)",
      `  workspace (direct): ${server.url}   (Authorization: Bearer <token>; no suffix, no key)`,
      "  admin token:       the one given with --admin-token",
      `  managed identity:  application id ${APP_ID}`,
      "                     NOT granted: Databricks answers 401 until scripts/grant-workspace-access adds it",
      "  wildcard:          any GET under the suffix is forwarded (a hand-wired GET /*)",
      "  backend:           DOWN (every call gets APIM's 500)",
      "  rate limit:        10 calls / 60 s per key",
      "  quota:             1000 calls / 3600 s per key",
      "Try:",
      `  curl -H "Ocp-Apim-Subscription-Key: k-one" ${server.url}/dbw-07/api/2.1/clusters/list`,
    ]);
    lines.length = 0;
    const response = await fetch(`${server.url}/dbw-07${ME}?secret=1`, {
      headers: { "Ocp-Apim-Subscription-Key": "k-two" },
    });
    expect(response.status).toBe(500); // --backend-down
    expect(lines).toEqual([`GET /dbw-07${ME} → 500`]);
  });

  it("logs nothing with --quiet", async () => {
    const { server, lines } = await start(["--quiet"]);
    lines.length = 0;
    await fetch(`${server.url}/dbw-01${ME}`, { headers: { "Ocp-Apim-Subscription-Key": DEFAULT_LOCAL_KEY } });
    expect(lines).toEqual([]);
  });

  it("hands its keys, suffix and managed identity to the emulator", async () => {
    const { server } = await start([
      "--key",
      "only-key",
      "--suffix",
      "team-a",
      "--managed-identity-app-id",
      APP_ID,
    ]);
    const get = (path: string, key: string) =>
      fetch(`${server.url}${path}`, { headers: { "Ocp-Apim-Subscription-Key": key } });
    expect((await get(`/team-a${ME}`, "only-key")).status).toBe(200);
    expect((await get(`/team-a${ME}`, DEFAULT_LOCAL_KEY)).status).toBe(401);
    const listed = (await (await get(`/team-a${SPS}`, "only-key")).json()) as {
      Resources: Array<{ applicationId?: string }>;
    };
    expect(listed.Resources.map((sp) => sp.applicationId)).toContain(APP_ID);
  });

  it("starts without the identity granted with --not-granted (the seed's first state)", async () => {
    const { server } = await start(["--not-granted"]);
    const response = await fetch(`${server.url}/dbw-01/api/2.1/clusters/list`, {
      headers: { "Ocp-Apim-Subscription-Key": DEFAULT_LOCAL_KEY },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error_code: "401", message: "Unauthorized" });
  });

  it("forwards what the spec leaves out with --wildcard, and limits calls with --rate-limit and --quota", async () => {
    const headers = { "Ocp-Apim-Subscription-Key": DEFAULT_LOCAL_KEY };
    const outside = "/dbw-01/api/2.0/token-management/tokens";
    const plain = await start([]);
    expect((await fetch(`${plain.server.url}${outside}`, { headers })).status).toBe(404);
    const wild = await start(["--wildcard"]);
    expect((await fetch(`${wild.server.url}${outside}`, { headers })).status).not.toBe(404);
    const limited = await start(["--rate-limit", "0/60"]);
    expect((await fetch(`${limited.server.url}/dbw-01${ME}`, { headers })).status).toBe(429);
    const quota = await start(["--quota", "0/3600"]);
    expect((await fetch(`${quota.server.url}/dbw-01${ME}`, { headers })).status).toBe(403);
  });

  it("lets only --admin-token manage principals on the direct workspace", async () => {
    const create = (url: string, token: string) =>
      fetch(`${url}${SPS}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ applicationId: "99999999-2222-4333-8444-555555555555" }),
      });
    const guarded = await start(["--admin-token", "the-admin"]);
    expect((await create(guarded.server.url, "someone-else")).status).toBe(403);
    expect((await create(guarded.server.url, "the-admin")).status).toBe(201);
    const open = await start([]);
    expect((await create(open.server.url, "anyone")).status).toBe(201);
  });

  it("moves long-running resources on after --step-ms of clock time", async () => {
    const { server } = await start(["--step-ms", "1"]);
    const headers = { "Ocp-Apim-Subscription-Key": DEFAULT_LOCAL_KEY, "content-type": "application/json" };
    const cluster = { cluster_name: "c", spark_version: "15.4.x-scala2.12", node_type_id: "Standard_DS3_v2" };
    const created = await fetch(`${server.url}/dbw-01/api/2.1/clusters/create`, {
      method: "POST",
      headers,
      body: JSON.stringify({ ...cluster, num_workers: 1 }),
    });
    const { cluster_id } = (await created.json()) as { cluster_id: string };
    // The emulator runs on the system clock; listing does not count as a poll, so only time moves it on
    // (the default step is 5 s).
    await new Promise((resolve) => setTimeout(resolve, 50));
    const listed = (await (
      await fetch(`${server.url}/dbw-01/api/2.1/clusters/list`, { headers })
    ).json()) as {
      clusters: Array<{ cluster_id: string; state: string }>;
    };
    expect(listed.clusters.find((c) => c.cluster_id === cluster_id)?.state).toBe("RUNNING");
  });

  it("refuses bodies over --max-body-bytes with 413", async () => {
    const { server } = await start(["--max-body-bytes", "8"]);
    const response = await fetch(`${server.url}/dbw-01/api/2.1/clusters/create`, {
      method: "POST",
      headers: { "Ocp-Apim-Subscription-Key": DEFAULT_LOCAL_KEY, "content-type": "application/json" },
      body: JSON.stringify({ cluster_name: "far more than eight bytes" }),
    });
    expect(response.status).toBe(413);
  });
});

/** Records the signal handlers the command installs, and the code it would exit the process with. */
function trapSignalsAndExit() {
  const handlers = new Map<string, () => void>();
  vi.spyOn(process, "once").mockImplementation(((event: string, handler: () => void) => {
    handlers.set(event, handler);
    return process;
  }) as typeof process.once);
  const exited = new Promise<number | undefined>((resolve) => {
    vi.spyOn(process, "exit").mockImplementation(((code?: number) => resolve(code)) as typeof process.exit);
  });
  return { handlers, exited };
}

describe("mockGatewayCommand", () => {
  it("prints the usage for --help, exit 0; a bad flag's message above it, exit 2", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await mockGatewayCommand(["--help"])).toBe(0);
    expect(log.mock.calls).toEqual([[MOCK_GATEWAY_USAGE]]);
    expect(MOCK_GATEWAY_USAGE).toMatch(/^Usage: databricks-apim mock-gateway \[options\]/);
    expect(MOCK_GATEWAY_USAGE).toContain(
      "--key K                        subscription key to accept (repeatable; default local-dev-key)",
    );
    expect(await mockGatewayCommand(["--port", "99999"])).toBe(2);
    expect(error.mock.calls).toEqual([
      [`mock-gateway: --port must be 0-65535, got 99999\n\n${MOCK_GATEWAY_USAGE}`],
    ]);
  });

  it("says which port is taken, exit 1", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as AddressInfo;
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      expect(await mockGatewayCommand(["--port", String(port), "--quiet"])).toBe(1);
      expect(error.mock.calls).toEqual([
        [`mock-gateway: failed to start: port ${port} is in use; pass --port 0 for a free one`],
      ]);
    } finally {
      blocker.close();
    }
  });

  it("prints any other start failure as it came, exit 1", async () => {
    faults.start = new Error("listen EADDRNOTAVAIL: address not available 127.0.0.1");
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await mockGatewayCommand(["--port", "0", "--quiet"])).toBe(1);
    expect(error.mock.calls).toEqual([
      ["mock-gateway: failed to start: Error: listen EADDRNOTAVAIL: address not available 127.0.0.1"],
    ]);
  });

  it("exits 1 when the server fails to close on a signal", async () => {
    faults.close = new Error("close failed");
    vi.spyOn(console, "log").mockImplementation(() => {});
    const { handlers, exited } = trapSignalsAndExit();
    expect(await mockGatewayCommand(["--port", "0", "--quiet"])).toBeUndefined();
    handlers.get("SIGINT")?.();
    expect(await exited).toBe(1);
  });

  it("keeps running (no exit code) until SIGINT or SIGTERM closes the server and exits 0", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const { handlers, exited } = trapSignalsAndExit();
    expect(await mockGatewayCommand(["--port", "0", "--quiet"])).toBeUndefined();
    expect([...handlers.keys()]).toEqual(["SIGINT", "SIGTERM"]);
    expect(handlers.get("SIGINT")).toBe(handlers.get("SIGTERM"));
    handlers.get("SIGTERM")?.();
    expect(await exited).toBe(0);
  });
});
