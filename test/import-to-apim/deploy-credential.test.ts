/**
 * The whole run with the credential it builds itself (real @azure/identity, not an injected one), on a
 * machine that has a managed identity: the deploy must act as the person signed in to the Azure CLI.
 * The CLI is a fake `az` on PATH; every managed-identity address points at a loopback URL that MSW
 * answers and records, so a request there would be seen (the `--credential managed-identity` case
 * shows it is).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { HttpResponse, http } from "msw";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import type { IdentityModule } from "../../scripts/lib/credential.js";
import { BASE_ARGS, fakeApim, runCli, TOKEN, useMswServer } from "./harness.js";

const server = useMswServer();
const identity = () => vi.importActual<IdentityModule>("@azure/identity");
const MI = "http://127.0.0.1:9";
const dir = mkdtempSync(join(tmpdir(), "deploy-credential-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

function machineWithManagedIdentity(): string[] {
  // The JSON AzureCliCredential parses (accessToken, expires_on): @azure/identity azureCliCredential.js.
  const expires = Math.floor(Date.now() / 1000) + 3600;
  writeFileSync(join(dir, "az"), `#!/bin/sh\necho '{"accessToken":"${TOKEN}","expires_on":${expires}}'\n`);
  chmodSync(join(dir, "az"), 0o755);
  vi.stubEnv("PATH", `${dir}${delimiter}/usr/bin${delimiter}/bin`);
  vi.stubEnv("IDENTITY_ENDPOINT", `${MI}/msi/token`);
  vi.stubEnv("IDENTITY_HEADER", "header");
  vi.stubEnv("MSI_ENDPOINT", `${MI}/msi/token`);
  vi.stubEnv("AZURE_POD_IDENTITY_AUTHORITY_HOST", MI);
  const seen: string[] = [];
  server.use(
    http.all(`${MI}/*`, ({ request }) => {
      seen.push(request.url);
      const expiresOn = String(Math.floor(Date.now() / 1000) + 3600);
      return HttpResponse.json({ access_token: TOKEN, expires_on: expiresOn, token_type: "Bearer" });
    }),
  );
  return seen;
}

describe("import-to-apim's own credential", () => {
  it("deploys as the Azure CLI user on a machine with a managed identity, never asking the identity", async () => {
    const seen = machineWithManagedIdentity();
    const apim = fakeApim(server);
    const result = await runCli(BASE_ARGS, { identity, env: { ...process.env } });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("acting as user deployer@contoso.com");
    expect(result.stdout).toContain("via developer sign-in (Azure CLI, then Azure Developer CLI");
    expect(apim.writes()).toHaveLength(3);
    expect(seen).toEqual([]);
  });

  it("uses the managed identity when asked with --credential", async () => {
    const seen = machineWithManagedIdentity();
    fakeApim(server);
    const result = await runCli([...BASE_ARGS, "--credential", "managed-identity", "--dry-run"], {
      identity,
      env: { ...process.env },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("from --credential managed-identity");
    expect(seen.length).toBeGreaterThan(0);
  });
});
