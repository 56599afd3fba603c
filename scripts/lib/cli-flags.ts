/**
 * The command-line conventions the deploy scripts share: a table of flags, each with an environment
 * variable and a help line; `--help` rows generated from it; a flag wins over its variable; every
 * problem is collected, so all of them are reported at once and before any request.
 */
import { parseArgs } from "node:util";
import { CLOUDS, type CloudName, isCloudName } from "../apim/clouds.js";
import {
  CREDENTIAL_KINDS,
  type CredentialChoice,
  CredentialChoiceError,
  chooseCredential,
} from "./credential.js";

/** Exit code for bad input (usage, validation); 1 is reserved for failures while talking to Azure. */
export const EXIT_INVALID = 2;

/** One flag: its environment variable (`""` = flag only), whether it takes no value, its help line. */
export interface FlagSpec {
  readonly env: string;
  readonly bool: boolean;
  readonly help: string;
}

/** Flags both deploy scripts take, with the same variable and help; each table picks them in its own order. */
export const SHARED_FLAGS = {
  "resource-group": { env: "APIM_RESOURCE_GROUP", bool: false, help: "resource group of the APIM instance" },
  "service-name": { env: "APIM_SERVICE_NAME", bool: false, help: "APIM instance name" },
  "workspace-url": {
    env: "DATABRICKS_WORKSPACE_URL",
    bool: false,
    help: "workspace URL, e.g. https://adb-123.4.azuredatabricks.net",
  },
  "dry-run": { env: "APIM_DRY_RUN", bool: true, help: "print the plan, make no writes" },
  json: { env: "APIM_JSON", bool: true, help: "machine-readable plan/result on stdout" },
  cloud: { env: "AZURE_CLOUD", bool: false, help: "AzureCloud | AzureUSGovernment | AzureChinaCloud" },
  "arm-endpoint": {
    env: "AZURE_ARM_ENDPOINT",
    bool: false,
    help: "custom ARM origin (token scope follows it)",
  },
  credential: {
    env: "AZURE_TOKEN_CREDENTIALS",
    bool: false,
    help: `who to act as: ${CREDENTIAL_KINDS.join(" | ")} (default developer: az/azd/PowerShell sign-in)`,
  },
} as const satisfies Record<string, FlagSpec>;

export type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** The `--help` rows of a flag table, in table order. */
export function usageRows(flags: Readonly<Record<string, FlagSpec>>): string[] {
  return Object.entries(flags).map(([flag, { env, bool, help }]) => {
    const left = `  --${flag}${bool ? "" : " <value>"}`;
    return `${left.padEnd(40)}${help} [${env || "flag only"}]`;
  });
}

/** Parses argv strictly against the table (plus `--help`); `repeatable` flags may be given more than once. */
export function parseFlagValues(
  argv: readonly string[],
  flags: Readonly<Record<string, FlagSpec>>,
  repeatable: readonly string[] = [],
): { values: FlagValues } | { error: string } {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        help: { type: "boolean" },
        ...Object.fromEntries(
          Object.entries(flags).map(([flag, { bool }]) => [
            flag,
            { type: bool ? "boolean" : "string", ...(repeatable.includes(flag) ? { multiple: true } : {}) },
          ]),
        ),
      } as Record<string, { type: "boolean" | "string"; multiple?: boolean }>,
      strict: true,
      allowPositionals: false,
    });
    return { values };
  } catch (error) {
    return { error: `${(error as Error).message} (see --help)` };
  }
}

/** Readers of one flag's value, falling back to its environment variable; problems go to `errors`. */
export function flagReaders<F extends string>(
  flags: Readonly<Record<F, FlagSpec>>,
  values: FlagValues,
  env: Readonly<Record<string, string | undefined>>,
  errors: string[],
) {
  const text = (flag: F): string | undefined => {
    const value = values[flag];
    const raw = typeof value === "string" ? value : env[flags[flag].env];
    const trimmed = raw?.trim();
    return trimmed === "" ? undefined : trimmed;
  };
  const bool = (flag: F): boolean => {
    if (values[flag] === true) return true;
    if (flags[flag].env === "") return false;
    const raw = env[flags[flag].env]?.trim().toLowerCase();
    if (raw === undefined || raw === "" || raw === "0" || raw === "false" || raw === "no") return false;
    if (raw === "1" || raw === "true" || raw === "yes") return true;
    errors.push(`${flags[flag].env}="${raw}" is not a boolean (use true or false)`);
    return false;
  };
  const required = (flag: F): string => {
    const value = text(flag);
    if (value === undefined) errors.push(`missing --${flag} (or ${flags[flag].env})`);
    return value ?? "";
  };
  return { text, bool, required };
}

/** `--cloud`/`AZURE_CLOUD` (already read); an unknown name is an error and falls back to AzureCloud. */
export function checkCloud(name: string | undefined, errors: string[]): CloudName {
  const cloudName = name ?? "AzureCloud";
  if (isCloudName(cloudName)) return cloudName;
  errors.push(`--cloud "${cloudName}" is not one of ${Object.keys(CLOUDS).join(", ")}`);
  return "AzureCloud";
}

/**
 * `--credential` over `AZURE_TOKEN_CREDENTIALS`. Read apart from the generic `text()`: that variable
 * has its own values (dev, prod, credential names), which chooseCredential understands.
 */
export function credentialFlag(
  values: FlagValues,
  env: Readonly<Record<string, string | undefined>>,
  errors: string[],
): CredentialChoice {
  try {
    return chooseCredential(typeof values.credential === "string" ? values.credential : undefined, env);
  } catch (error) {
    if (!(error instanceof CredentialChoiceError)) throw error;
    errors.push(error.message);
    return chooseCredential(undefined, {});
  }
}
