/**
 * Which Azure identity a script acts as, chosen on purpose.
 *
 * `DefaultAzureCredential` without `AZURE_TOKEN_CREDENTIALS` tries the environment, workload identity
 * and the instance metadata endpoint before the Azure CLI, so on an Azure VM or dev box a script run by
 * a person who did `az login` would act as the machine's managed identity. Here the default is the
 * developer sign-ins (Azure CLI, Azure Developer CLI, Azure PowerShell) and a managed or workload
 * identity is used only when `--credential` or `AZURE_TOKEN_CREDENTIALS` asks for it.
 *
 * Shared by every script that calls Azure (import-to-apim, grant-workspace-access): one set of rules,
 * one wording for failures. `@azure/identity` is loaded only when a credential is built, after input
 * validation, and can be injected so tests use the real library without the test-wide guard.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { redactAll } from "../../src/redact.js";

/** The credential a script uses; `developer` is the default. */
export type CredentialKind =
  | "developer"
  | "cli"
  | "managed-identity"
  | "workload-identity"
  | "environment"
  | "default";

/** Values of `--credential`, in help order. */
export const CREDENTIAL_KINDS: readonly CredentialKind[] = [
  "developer",
  "cli",
  "managed-identity",
  "workload-identity",
  "environment",
  "default",
];

/** Exit code for bad input, shared with the scripts' own validation. */
export const EXIT_INPUT = 2;
/** Exit code when no token could be had: distinct from input errors (2) and Azure failures (1). */
export const EXIT_CREDENTIAL = 3;

/**
 * `AZURE_TOKEN_CREDENTIALS` values as @azure/identity 4.13.1 accepts them (case-insensitive), see
 * Azure/azure-sdk-for-js sdk/identity/identity/src/credentials/defaultAzureCredential.ts. The names
 * without a kind of their own keep DefaultAzureCredential, which honours the variable itself.
 */
const TOKEN_CREDENTIALS: Record<string, CredentialKind> = {
  dev: "developer",
  prod: "default",
  azureclicredential: "cli",
  managedidentitycredential: "managed-identity",
  workloadidentitycredential: "workload-identity",
  environmentcredential: "environment",
  azuredeveloperclicredential: "default",
  azurepowershellcredential: "default",
  visualstudiocodecredential: "default",
};

const LABELS: Record<CredentialKind, string> = {
  developer: "developer sign-in (Azure CLI, then Azure Developer CLI, then Azure PowerShell)",
  cli: "Azure CLI (az login)",
  "managed-identity": "managed identity of this machine",
  "workload-identity": "workload identity (federated token file)",
  environment: "service principal from AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET",
  default:
    "DefaultAzureCredential (environment, workload identity, managed identity, then developer sign-ins)",
};

type Env = Readonly<Record<string, string | undefined>>;

/** The decision, before any credential exists: which kind, and why. */
export interface CredentialChoice {
  kind: CredentialKind;
  /** For the "acting as" line, e.g. "Azure CLI (az login), from --credential cli". */
  label: string;
  /** Where the choice came from. */
  source: "flag" | "AZURE_TOKEN_CREDENTIALS" | "default";
}

/** A `--credential` or `AZURE_TOKEN_CREDENTIALS` value that is not understood (an input error, exit 2). */
export class CredentialChoiceError extends Error {
  override readonly name = "CredentialChoiceError";
  readonly exitCode = EXIT_INPUT;
}

/** No token could be obtained; nothing was sent to Azure Resource Manager or the workspace. */
export class CredentialError extends Error {
  override readonly name = "CredentialError";
  readonly exitCode = EXIT_CREDENTIAL;
  constructor(
    readonly kind: CredentialKind,
    readonly reason: string,
    readonly hint: string,
  ) {
    super(
      `cannot get a token from the ${LABELS[kind]}: ${reason}\nNothing was sent to Azure.\nHint: ${hint}`,
    );
  }
}

/** Pure: the flag wins, then `AZURE_TOKEN_CREDENTIALS`, then the developer sign-ins. Throws on bad values. */
export function chooseCredential(flag: string | undefined, env: Env): CredentialChoice {
  const wanted = flag?.trim();
  if (wanted !== undefined && wanted !== "") {
    if (!(CREDENTIAL_KINDS as readonly string[]).includes(wanted))
      throw new CredentialChoiceError(
        `--credential "${wanted}" is not one of ${CREDENTIAL_KINDS.join(", ")}`,
      );
    const kind = wanted as CredentialKind;
    return { kind, label: `${LABELS[kind]}, from --credential ${kind}`, source: "flag" };
  }
  const fromEnv = env.AZURE_TOKEN_CREDENTIALS?.trim();
  if (fromEnv !== undefined && fromEnv !== "") {
    const kind = TOKEN_CREDENTIALS[fromEnv.toLowerCase()];
    if (kind === undefined)
      throw new CredentialChoiceError(
        `AZURE_TOKEN_CREDENTIALS="${fromEnv}" is not one of dev, prod, AzureCliCredential, ManagedIdentityCredential, WorkloadIdentityCredential, EnvironmentCredential, AzureDeveloperCliCredential, AzurePowerShellCredential, VisualStudioCodeCredential`,
      );
    return {
      kind,
      label: `${LABELS[kind]}, from AZURE_TOKEN_CREDENTIALS=${fromEnv}`,
      source: "AZURE_TOKEN_CREDENTIALS",
    };
  }
  return { kind: "developer", label: `${LABELS.developer} (the default)`, source: "default" };
}

/** The library surface this module uses; injectable for tests. */
export type IdentityModule = Pick<
  typeof import("@azure/identity"),
  | "AzureCliCredential"
  | "AzureDeveloperCliCredential"
  | "AzurePowerShellCredential"
  | "ChainedTokenCredential"
  | "DefaultAzureCredential"
  | "EnvironmentCredential"
  | "ManagedIdentityCredential"
  | "WorkloadIdentityCredential"
>;

/** Inputs of `selectCredential`. */
export interface SelectCredentialInput {
  /** `--credential` as given, if given. */
  flag: string | undefined;
  env: Env;
  /** A choice already made by `chooseCredential` (then `flag` is ignored). */
  choice?: CredentialChoice;
  /** Entra authority for the cloud; `AZURE_AUTHORITY_HOST` in `env` wins. */
  authorityHost?: string;
  /** @default dynamic import of @azure/identity */
  load?: () => Promise<IdentityModule>;
  now?: () => number;
}

/** A credential ready to use, with what to print about it. */
export interface SelectedCredential extends CredentialChoice {
  /** Caches one token per scope until shortly before it expires, so the who-am-I read is not a second sign-in. */
  credential: TokenCredential;
}

/** Chooses (see `chooseCredential`) and builds the credential. Makes no network call. */
export async function selectCredential(input: SelectCredentialInput): Promise<SelectedCredential> {
  const choice = input.choice ?? chooseCredential(input.flag, input.env);
  const identity = await (input.load ?? (() => import("@azure/identity")))();
  const authorityHost = input.env.AZURE_AUTHORITY_HOST ?? input.authorityHost;
  const common = authorityHost ? { authorityHost } : {};
  const clientId = input.env.AZURE_CLIENT_ID;
  let inner: TokenCredential;
  switch (choice.kind) {
    case "developer":
      inner = new identity.ChainedTokenCredential(
        new identity.AzureCliCredential(common),
        new identity.AzureDeveloperCliCredential(common),
        new identity.AzurePowerShellCredential(common),
      );
      break;
    case "cli":
      inner = new identity.AzureCliCredential(common);
      break;
    case "managed-identity":
      inner = new identity.ManagedIdentityCredential(clientId ? { ...common, clientId } : common);
      break;
    case "workload-identity":
      inner = new identity.WorkloadIdentityCredential(common);
      break;
    case "environment":
      inner = new identity.EnvironmentCredential(common);
      break;
    case "default":
      inner = new identity.DefaultAzureCredential(common);
      break;
  }
  return { ...choice, credential: cachingCredential(inner, input.now ?? Date.now) };
}

/** Wraps `inner` so each scope is asked for once per token lifetime (minus two minutes). */
export function cachingCredential(inner: TokenCredential, now: () => number = Date.now): TokenCredential {
  const cache = new Map<string, AccessToken>();
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions) {
      const key = [scopes].flat().join(" ");
      const cached = cache.get(key);
      if (cached && cached.expiresOnTimestamp - 120_000 > now()) return cached;
      const token = await inner.getToken(scopes, options);
      if (token) cache.set(key, token);
      return token;
    },
  };
}

/** Who a token says it is; read from its claims, never printed whole. */
export interface Identity {
  /** The principal's type, from the `idtyp` claim and the managed-identity marker `xms_mirid`. */
  kind: "user" | "service-principal" | "managed-identity" | "unknown";
  tenantId: string | undefined;
  objectId: string | undefined;
  appId?: string;
  upn?: string;
}

/**
 * Gets a token for `scope` and reads its claims. Any failure becomes a `CredentialError` with a hint
 * that fits the chosen kind and the environment.
 */
export async function whoAmI(
  selected: Pick<SelectedCredential, "credential" | "kind">,
  scope: string,
  env: Env,
  signal?: AbortSignal,
): Promise<Identity> {
  let token: AccessToken | null;
  try {
    token = await selected.credential.getToken(scope, signal ? { abortSignal: signal } : {});
  } catch (error) {
    const reason = redactAll(firstLine((error as Error).message ?? String(error)), []);
    throw new CredentialError(selected.kind, reason, credentialHint(selected.kind, env, reason));
  }
  if (!token)
    throw new CredentialError(
      selected.kind,
      "the credential returned no token",
      credentialHint(selected.kind, env, ""),
    );
  return identityFromToken(token.token);
}

/** Decodes a JWT's payload; a token that is not a JWT yields an identity of unknown kind. */
export function identityFromToken(token: string): Identity {
  let claims: Record<string, unknown> = {};
  try {
    const payload = token.split(".")[1] ?? "";
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    // An opaque token: nothing to read, which the caller prints as "unknown".
  }
  const text = (name: string) => (typeof claims[name] === "string" ? (claims[name] as string) : undefined);
  const appId = text("appid") ?? text("azp");
  const upn = text("upn") ?? text("unique_name") ?? text("preferred_username");
  const idtyp = text("idtyp");
  const kind: Identity["kind"] =
    text("xms_mirid") !== undefined
      ? "managed-identity"
      : idtyp === "user" || (idtyp === undefined && upn !== undefined)
        ? "user"
        : idtyp === "app"
          ? "service-principal"
          : "unknown";
  return {
    kind,
    tenantId: text("tid"),
    objectId: text("oid"),
    ...(appId && kind !== "user" ? { appId } : {}),
    ...(upn ? { upn } : {}),
  };
}

/** One line for the log: "acting as user alice@contoso.com (object …, tenant …) via Azure CLI …". */
export function describeIdentity(selected: Pick<CredentialChoice, "label">, who: Identity): string {
  const name = who.upn ?? (who.appId ? `app ${who.appId}` : "");
  const principal = who.kind === "unknown" ? "an unknown principal" : who.kind.replace("-", " ");
  return `acting as ${principal}${name ? ` ${name}` : ""} (object id ${who.objectId ?? "unknown"}, tenant ${who.tenantId ?? "unknown"}) via ${selected.label}`;
}

const missing = (env: Env, names: string[]) => names.filter((name) => !env[name]?.trim());

/** A hint that fits: never advice to set a variable that is already set. */
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

function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim() !== "") ?? text;
}
