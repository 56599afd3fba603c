/**
 * Drives `run()` in-process with a static credential, a fake clock and captured output, against the
 * fake APIM. Nothing here can reach Azure: the credential is a constant, and MSW rejects any request
 * no handler claims (`onUnhandledRequest: "error"`), including the managed-identity endpoint.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { type RunDeps, run } from "../../scripts/apim/main.js";
import { SPEC_PATH } from "../../scripts/lib/spec.js";
import { createFakeApim, TOKEN } from "./fake-apim.js";

export { TOKEN };
export const SUBSCRIPTION = "11111111-2222-3333-4444-555555555555";
export const WORKSPACE = "https://adb-1234567890123456.7.azuredatabricks.net";
export const BASE_ARGS = [
  "--subscription-id",
  SUBSCRIPTION,
  "--resource-group",
  "rg-test",
  "--service-name",
  "apim-test",
  "--workspace-url",
  WORKSPACE,
];

/** A credential that never leaves the process; records the scopes asked for. */
export function staticCredential(): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    async getToken(scope: string | string[]): Promise<AccessToken> {
      scopes.push(...[scope].flat());
      return { token: TOKEN, expiresOnTimestamp: Date.now() + 3600e3 };
    },
  };
}

/** One MSW server per test file, strict about unhandled requests. */
export function useMswServer() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/** A fake APIM registered on `server`. */
export function fakeApim(
  server: ReturnType<typeof setupServer>,
  extra: Partial<Parameters<typeof createFakeApim>[0]> = {},
) {
  const fake = createFakeApim({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-test",
    serviceName: "apim-test",
    products: ["starter"],
    ...extra,
  });
  server.use(...fake.handlers);
  return fake;
}

/** Runs the command; returns exit code, output and the sleeps it asked for. */
export async function runCli(
  args: string[],
  opts: {
    env?: Record<string, string | undefined>;
    credential?: TokenCredential;
    /** Build the credential from the command line with this @azure/identity instead of injecting one. */
    identity?: RunDeps["identity"];
  } = {},
) {
  let stdout = "";
  let stderr = "";
  let clock = 1_700_000_000_000;
  const sleeps: number[] = [];
  const code = await run(args, opts.env ?? {}, {
    ...(opts.identity ? { identity: opts.identity } : { credential: opts.credential ?? staticCredential() }),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random: () => 0,
  });
  // Whatever happened, the token never shows up in any output.
  expect(stdout).not.toContain(TOKEN);
  expect(stderr).not.toContain(TOKEN);
  return { code, stdout, stderr, sleeps };
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes a modified copy of the curated spec (or any text) to a temp file and returns its path. */
export function tempFile(name: string, contents: string): string {
  const dir = mkdtempSync(join(tmpdir(), "import-to-apim-"));
  tempDirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

/** The curated spec's text. */
export const specText = () => readFileSync(SPEC_PATH, "utf8");

/** The curated spec with one operation renamed, as a temp file: the smallest change to the whitelist. */
export const changedSpec = () =>
  tempFile("spec.yaml", specText().replace("operationId: clustersGet\n", "operationId: clustersGetOne\n"));

/** Bad input ends with exit 2, says so, and neither asks for a token nor sends a request. */
export function expectRefusedBeforeAzure(
  result: { code: number; stderr: string },
  apim: { requests: readonly unknown[] },
  credential: { scopes: readonly string[] },
): void {
  expect(result.code).toBe(2);
  expect(result.stderr).toContain("nothing was sent to Azure");
  expect(apim.requests).toHaveLength(0);
  expect(credential.scopes).toHaveLength(0);
}
