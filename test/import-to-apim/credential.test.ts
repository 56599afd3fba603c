/**
 * Credential selection against the real @azure/identity (the test-wide guard in test/setup.ts is
 * bypassed with `vi.importActual` for this file only). Nothing reaches Azure: the Azure CLI is a fake
 * `az` script on PATH, and every managed-identity address points at a loopback server that records
 * what it receives.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  CredentialChoiceError,
  CredentialError,
  chooseCredential,
  credentialHint,
  describeIdentity,
  EXIT_CREDENTIAL,
  type IdentityModule,
  identityFromToken,
  selectCredential,
  whoAmI,
} from "../../scripts/lib/credential.js";

const load = () => vi.importActual<IdentityModule>("@azure/identity");
// MSAL caches managed-identity tokens process-wide, so each test asks for its own scope: a cached token
// would otherwise hide whether the endpoint was called.
let scopes = 0;
const freshScope = () => `https://management-${++scopes}.example/.default`;

/** A JWT-shaped token with the claims Entra puts in an ARM token (signature not checked by anyone). */
const jwt = (claims: Record<string, unknown>) =>
  `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.c2lnbmF0dXJlLXBhcnQ`;
const USER_TOKEN = jwt({
  tid: "72f988bf-0000-0000-0000-000000000001",
  oid: "0b1c2d3e-0000-0000-0000-000000000002",
  upn: "alice@contoso.com",
  idtyp: "user",
});

let dir: string;
let mi: Server;
let miUrl: string;
const miRequests: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "credential-test-"));
  // The fake `az`: the JSON shape AzureCliCredential parses (accessToken, expires_on in epoch seconds),
  // see @azure/identity dist/esm/credentials/azureCliCredential.js.
  const expires = Math.floor(Date.now() / 1000) + 3600;
  writeFileSync(
    join(dir, "az"),
    `#!/bin/sh\nif [ -f "${dir}/az-fails" ]; then echo "ERROR: Please run 'az login' to setup account." >&2; exit 1; fi\necho '{"accessToken":"${USER_TOKEN}","expires_on":${expires},"tokenType":"Bearer"}'\n`,
  );
  chmodSync(join(dir, "az"), 0o755);
  mi = createServer((req, res) => {
    miRequests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "content-type": "application/json" });
    const token = jwt({ tid: "t", oid: "mi-object", idtyp: "app", xms_mirid: "/subscriptions/x" });
    res.end(
      JSON.stringify({
        access_token: token,
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource: "https://management.azure.com",
        token_type: "Bearer",
      }),
    );
  });
  await new Promise<void>((resolve) => mi.listen(0, "127.0.0.1", resolve));
  miUrl = `http://127.0.0.1:${(mi.address() as AddressInfo).port}`;
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise((resolve) => mi.close(resolve));
});
afterEach(() => {
  vi.unstubAllEnvs();
  miRequests.length = 0;
  rmSync(join(dir, "az-fails"), { force: true });
});

/** Every address a managed-identity credential could use points at the loopback recorder. */
function machineWithManagedIdentity() {
  vi.stubEnv("PATH", `${dir}${delimiter}/usr/bin${delimiter}/bin`);
  // App Service / Functions source (IDENTITY_ENDPOINT + IDENTITY_HEADER), the older MSI_ENDPOINT, and the
  // IMDS host override: @azure/identity managedIdentityCredential and MSAL's ManagedIdentitySourceNames.
  vi.stubEnv("IDENTITY_ENDPOINT", `${miUrl}/msi/token`);
  vi.stubEnv("IDENTITY_HEADER", "header-secret");
  vi.stubEnv("MSI_ENDPOINT", `${miUrl}/msi/token`);
  vi.stubEnv("MSI_SECRET", "header-secret");
  vi.stubEnv("AZURE_POD_IDENTITY_AUTHORITY_HOST", miUrl);
  for (const name of [
    "AZURE_TOKEN_CREDENTIALS",
    "AZURE_CLIENT_ID",
    "AZURE_TENANT_ID",
    "AZURE_FEDERATED_TOKEN_FILE",
  ])
    vi.stubEnv(name, "");
}

describe("chooseCredential", () => {
  it("defaults to the developer sign-ins, never the machine's identity", () => {
    expect(chooseCredential(undefined, {})).toMatchObject({ kind: "developer", source: "default" });
  });

  it("lets --credential win over AZURE_TOKEN_CREDENTIALS", () => {
    const env = { AZURE_TOKEN_CREDENTIALS: "ManagedIdentityCredential" };
    expect(chooseCredential("cli", env)).toMatchObject({ kind: "cli", source: "flag" });
    expect(chooseCredential(undefined, env)).toMatchObject({
      kind: "managed-identity",
      source: "AZURE_TOKEN_CREDENTIALS",
    });
  });

  // Values and case-insensitivity as DefaultAzureCredential 4.13.1 reads them
  // (sdk/identity/identity/src/credentials/defaultAzureCredential.ts, `switch (azureTokenCredentials)`).
  it.each([
    ["dev", "developer"],
    ["prod", "default"],
    ["AzureCliCredential", "cli"],
    ["workloadidentitycredential", "workload-identity"],
    ["EnvironmentCredential", "environment"],
    ["AzureDeveloperCliCredential", "default"],
  ])("maps AZURE_TOKEN_CREDENTIALS=%s to %s", (value, kind) => {
    expect(chooseCredential(undefined, { AZURE_TOKEN_CREDENTIALS: value }).kind).toBe(kind);
  });

  it("refuses an unknown flag or variable value as input error (exit 2)", () => {
    expect(() => chooseCredential("msi", {})).toThrow(CredentialChoiceError);
    expect(() => chooseCredential("msi", {})).toThrow(/--credential "msi" is not one of developer, cli/);
    const error = (() => {
      try {
        chooseCredential(undefined, { AZURE_TOKEN_CREDENTIALS: "az" });
      } catch (e) {
        return e as CredentialChoiceError;
      }
    })();
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toMatch(/AZURE_TOKEN_CREDENTIALS="az" is not one of dev, prod/);
  });
});

describe("selectCredential with the real @azure/identity", () => {
  it("the default credential never reaches a managed-identity endpoint, and says who it is", async () => {
    machineWithManagedIdentity();
    const scope = freshScope();
    const selected = await selectCredential({ flag: undefined, env: process.env, load });
    const who = await whoAmI(selected, scope, process.env);
    expect(miRequests).toEqual([]);
    expect(who).toEqual({
      kind: "user",
      tenantId: "72f988bf-0000-0000-0000-000000000001",
      objectId: "0b1c2d3e-0000-0000-0000-000000000002",
      upn: "alice@contoso.com",
    });
    const line = describeIdentity(selected, who);
    expect(line).toContain("acting as user alice@contoso.com");
    expect(line).toContain("0b1c2d3e-0000-0000-0000-000000000002");
    expect(line).not.toContain(USER_TOKEN.split(".")[1]);
  });

  it("the default credential fails with `az login` advice, still without asking the machine", async () => {
    machineWithManagedIdentity();
    const scope = freshScope();
    writeFileSync(join(dir, "az-fails"), "");
    const selected = await selectCredential({ flag: undefined, env: process.env, load });
    const error = await whoAmI(selected, scope, process.env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialError);
    expect((error as CredentialError).exitCode).toBe(EXIT_CREDENTIAL);
    expect((error as Error).message).toContain("Nothing was sent to Azure.");
    expect((error as Error).message).toContain("az login");
    expect(miRequests).toEqual([]);
  });

  // The control that shows the loopback recorder works: asked for on purpose, the managed identity and
  // DefaultAzureCredential (which tries it before the CLI) do reach it.
  it.each(["managed-identity", "default"])(
    "--credential %s does ask the managed-identity endpoint",
    async (flag) => {
      machineWithManagedIdentity();
      const scope = freshScope();
      const selected = await selectCredential({ flag, env: process.env, load });
      const who = await whoAmI(selected, scope, process.env);
      expect(miRequests.length).toBeGreaterThan(0);
      expect(who).toMatchObject({ kind: "managed-identity", objectId: "mi-object" });
    },
  );

  it("asks the credential once per scope and token lifetime", async () => {
    machineWithManagedIdentity();
    const scope = freshScope();
    const selected = await selectCredential({ flag: "managed-identity", env: process.env, load });
    await whoAmI(selected, scope, process.env);
    await selected.credential.getToken(scope);
    expect(miRequests).toHaveLength(1);
  });
});

describe("identityFromToken", () => {
  it("reads a service principal's app id and an opaque token as unknown", () => {
    expect(identityFromToken(jwt({ tid: "t", oid: "o", idtyp: "app", appid: "a" }))).toEqual({
      kind: "service-principal",
      tenantId: "t",
      objectId: "o",
      appId: "a",
    });
    expect(identityFromToken("not-a-jwt")).toEqual({
      kind: "unknown",
      tenantId: undefined,
      objectId: undefined,
    });
  });
});

describe("credentialHint", () => {
  it("never tells the user to set a variable that is already set", () => {
    const set = {
      AZURE_CLIENT_ID: "c",
      AZURE_TENANT_ID: "t",
      AZURE_FEDERATED_TOKEN_FILE: "/f",
      AZURE_CLIENT_SECRET: "s",
    };
    for (const kind of ["workload-identity", "environment"] as const) {
      const hint = credentialHint(kind, set, "");
      for (const name of Object.keys(set)) expect(hint).not.toMatch(new RegExp(`(set|needs) [^;]*${name}`));
    }
    expect(credentialHint("workload-identity", { AZURE_CLIENT_ID: "c" }, "")).toMatch(
      /needs AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE/,
    );
    const fromEnv = credentialHint("cli", { AZURE_TOKEN_CREDENTIALS: "AzureCliCredential" }, "");
    expect(fromEnv).toContain("AZURE_TOKEN_CREDENTIALS=AzureCliCredential chose this credential");
    expect(fromEnv).not.toMatch(/set AZURE_TOKEN_CREDENTIALS/);
  });

  it("says to install the CLI when it is missing", () => {
    expect(credentialHint("cli", {}, "Azure CLI could not be found. Please visit …")).toMatch(
      /install the Azure CLI/,
    );
  });
});
