/**
 * The `databricks-apim` bin as an app gets it: the packed tarball installed into a fresh project
 * (packed and installed the same way as test/package.test.ts). `doctor` needs nothing but the package;
 * `mock-gateway` and `demo` need msw, the optional peer dependency, and say so when it is missing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabricksMock, type MockGatewayServer, startMockGateway } from "../../src/testing/index.js";
import { listeningUrl } from "../listening-url.js";
import { ensureBuilt, installInto, pack, ROOT, runIn } from "./consumer.js";

const KEY = "bin-tarball-key-0123456789";
let work: string;
let app: string;
let bin: string;
let server: MockGatewayServer;

beforeAll(async () => {
  await ensureBuilt();
  work = mkdtempSync(join(tmpdir(), "databricks-apim-bin-"));
  const packed = await pack(work);
  expect(packed.files).toContain("dist/cli/main.js");
  app = join(work, "app");
  const how = await installInto(app, packed.tarball);
  // npm links declared bins into node_modules/.bin; the cold-cache fallback only unpacks the tarball.
  bin =
    how === "npm"
      ? join(app, "node_modules/.bin/databricks-apim")
      : join(app, "node_modules/databricks-apim/dist/cli/main.js");
  server = await startMockGateway(createDatabricksMock({ apimUrl: "http://127.0.0.1", keys: [KEY] }));
}, 180_000);

afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const node = (args: string[], env: Record<string, string> = {}) =>
  runIn(app, process.execPath, [bin, ...args], env);

describe("the databricks-apim bin from the packed tarball", () => {
  it("is installed as a command and prints its commands", async () => {
    expect(existsSync(bin)).toBe(true);
    const help = await node(["help"]);
    for (const command of ["doctor", "mock-gateway", "demo"]) expect(help).toContain(command);
  });

  it("doctor passes against a healthy gateway and never prints the key", async () => {
    const out = await node(["doctor", "--apim-url", server.url], { DATABRICKS_APIM_SUBSCRIPTION_KEY: KEY });
    expect(out).toContain("✓ whitelist-only");
    expect(out).toContain("All checks passed.");
    expect(out).not.toContain(KEY);
  });

  it("mock-gateway without msw says how to install it", async () => {
    const failed = await node(["mock-gateway", "--port", "0"]).catch((error: Error) => error.message);
    expect(failed).toContain("npm install -D msw");
  });

  it("with msw installed, mock-gateway serves and demo runs its tour", async () => {
    symlinkSync(join(ROOT, "node_modules/msw"), join(app, "node_modules/msw"), "dir");
    const child: ChildProcess = spawn(
      process.execPath,
      [bin, "mock-gateway", "--port", "0", "--not-granted"],
      {
        cwd: app,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    try {
      const { url } = await listeningUrl(child);
      const res = await fetch(`${url}/dbw-01/api/2.1/clusters/list`, {
        headers: { "Ocp-Apim-Subscription-Key": "local-dev-key" },
      });
      expect(await res.text()).toBe('{"error_code":"401","message":"Unauthorized"}');
    } finally {
      child.kill("SIGTERM");
    }
    const tour = await node(["demo"]);
    expect(tour).toContain("An operation outside the whitelist");
    expect(tour).toMatch(/Done in \d+\.\d s\./);
  });
});
