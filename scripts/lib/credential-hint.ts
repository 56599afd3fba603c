/**
 * The hint printed with a credential failure: it fits the credential chosen and the environment, and
 * never advises setting a variable that is already set.
 */
import type { CredentialKind } from "./credential.js";

type Env = Readonly<Record<string, string | undefined>>;

const missing = (env: Env, names: string[]) => names.filter((name) => !env[name]?.trim());

/** One or two sentences of advice for a failed `kind`. */
export function credentialHint(kind: CredentialKind, env: Env, reason: string): string {
  const fromEnv = env.AZURE_TOKEN_CREDENTIALS?.trim();
  const other = fromEnv
    ? `AZURE_TOKEN_CREDENTIALS=${fromEnv} chose this credential; pass --credential to choose another`
    : "or choose another with --credential";
  switch (kind) {
    case "developer":
    case "cli": {
      const notInstalled = /could not be found|not found|not installed|not recognized/i.test(reason);
      const signIn = notInstalled
        ? "install the Azure CLI and run `az login`"
        : "run `az login` (and `az account set --subscription …` if you have several)";
      return kind === "developer"
        ? `${signIn}, or \`azd auth login\`; to deploy as a managed or workload identity, pass --credential managed-identity or workload-identity`
        : `${signIn}; ${other}`;
    }
    case "managed-identity":
      return env.AZURE_CLIENT_ID
        ? `AZURE_CLIENT_ID=${env.AZURE_CLIENT_ID} selects a user-assigned identity: check that it is assigned to this machine; ${other}`
        : `a managed identity exists only on an Azure host that has one assigned; on a workstation use --credential cli after \`az login\`; ${other}`;
    case "workload-identity": {
      const gaps = missing(env, ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE"]);
      return gaps.length > 0
        ? `workload identity needs ${gaps.join(", ")} (set by the AKS webhook or your pipeline); ${other}`
        : `check that app AZURE_CLIENT_ID=${env.AZURE_CLIENT_ID} has a federated credential for this token's issuer and subject; ${other}`;
    }
    case "environment": {
      const gaps = missing(env, ["AZURE_TENANT_ID", "AZURE_CLIENT_ID"]);
      const secret =
        missing(env, ["AZURE_CLIENT_SECRET"]).length === 0 ||
        missing(env, ["AZURE_CLIENT_CERTIFICATE_PATH"]).length === 0;
      if (!secret) gaps.push("AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH)");
      return gaps.length > 0
        ? `set ${gaps.join(", ")}; ${other}`
        : `check the service principal's secret or certificate (expired?) for AZURE_CLIENT_ID=${env.AZURE_CLIENT_ID}; ${other}`;
    }
    case "default":
      return fromEnv
        ? `${other}, e.g. --credential cli after \`az login\``
        : "no credential in the chain worked; sign in with `az login`, or pick one with --credential";
  }
}
