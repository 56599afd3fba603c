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
import { credentialHint } from "./credential-hint.js";
import { type Identity, identityFromToken } from "./token-claims.js";

export { credentialHint } from "./credential-hint.js";
export { describeIdentity, type Identity, identityFromToken } from "./token-claims.js";

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

function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim() !== "") ?? text;
}
