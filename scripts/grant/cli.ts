/**
 * Command line and environment → one validated options object for `grant-workspace-access`.
 * Same conventions as import-to-apim: every option has an environment variable, a flag wins over its
 * variable, `--help` is generated from the table, and all problems are reported at once, before any
 * request.
 */
import type { CloudName } from "../apim/clouds.js";
import {
  checkCloud,
  credentialFlag,
  flagReaders,
  parseFlagValues,
  SHARED_FLAGS,
  usageRows,
} from "../lib/cli-flags.js";
import { type CredentialChoice, EXIT_CREDENTIAL } from "../lib/credential.js";

export { EXIT_INVALID } from "../lib/cli-flags.js";

/**
 * Entitlements given to the group by default, and why: `workspace-access` lets a principal use the
 * workspace's clusters, jobs, notebooks and files APIs; `databricks-sql-access` lets it use SQL
 * warehouses and the statement API. Both are what the curated operations need. Workspaces grant them
 * to the built-in `users` group by default, but admins often take them away (consumer-only
 * workspaces), so the gateway's group carries them itself. Cluster creation
 * (`allow-cluster-create`) is left out: least privilege; add it with --entitlement when apps create
 * clusters. Source: learn.microsoft.com/azure/databricks/security/auth/entitlements
 */
export const DEFAULT_ENTITLEMENTS = ["workspace-access", "databricks-sql-access"] as const;

/** Entitlement values the workspace SCIM API accepts (same source). */
export const ENTITLEMENTS = [
  "workspace-access",
  "databricks-sql-access",
  "allow-cluster-create",
  "allow-instance-pool-create",
  "workspace-consume",
] as const;

const FLAGS = {
  "subscription-id": {
    env: "AZURE_SUBSCRIPTION_ID",
    bool: false,
    help: "Azure subscription of the APIM instance",
  },
  "resource-group": SHARED_FLAGS["resource-group"],
  "service-name": SHARED_FLAGS["service-name"],
  "workspace-url": SHARED_FLAGS["workspace-url"],
  "managed-identity-client-id": {
    env: "APIM_MANAGED_IDENTITY_CLIENT_ID",
    bool: false,
    help: "client id of APIM's user-assigned identity (default: its system-assigned one)",
  },
  group: {
    env: "DATABRICKS_GRANT_GROUP",
    bool: false,
    help: "workspace group for the identity (default apim-gateway)",
  },
  entitlement: {
    env: "DATABRICKS_GRANT_ENTITLEMENTS",
    bool: false,
    help: `group entitlement, repeatable (env: comma list; default ${DEFAULT_ENTITLEMENTS.join(", ")})`,
  },
  "dry-run": SHARED_FLAGS["dry-run"],
  json: SHARED_FLAGS.json,
  cloud: SHARED_FLAGS.cloud,
  "arm-endpoint": SHARED_FLAGS["arm-endpoint"],
  "graph-endpoint": {
    env: "AZURE_GRAPH_ENDPOINT",
    bool: false,
    help: "custom Microsoft Graph origin (token scope follows it)",
  },
  credential: SHARED_FLAGS.credential,
} as const;

/** Validated options. */
export interface GrantOptions {
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  workspaceUrl: string;
  managedIdentityClientId: string | undefined;
  group: string;
  entitlements: string[];
  dryRun: boolean;
  json: boolean;
  cloud: CloudName;
  armEndpoint: string | undefined;
  graphEndpoint: string | undefined;
  credential: CredentialChoice;
}

export type ParsedGrantCommandLine =
  | { kind: "options"; options: GrantOptions }
  | { kind: "help" }
  | { kind: "invalid"; errors: string[] };

export function usage(): string {
  return [
    "Usage: scripts/grant-workspace-access [options]",
    "",
    "Adds APIM's managed identity to the Databricks workspace as a service principal, in a group with the",
    "entitlements an API caller needs, active. Reads the identity over ARM (and its application id from",
    "Microsoft Graph for a system-assigned one), then plans and applies only what is missing.",
    "You must be a workspace admin. Re-runs make no writes.",
    "",
    "Options (flags win over the environment variable in brackets):",
    ...usageRows(FLAGS),
    `${"  --help".padEnd(40)}print this text`,
    "",
    `Exit codes: 0 success or no changes, 1 an Azure/workspace call or the read-back failed, 2 invalid input, ${EXIT_CREDENTIAL} no token.`,
    "",
  ].join("\n");
}

const UUID = /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i;

export function parseGrantCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ParsedGrantCommandLine {
  const parsed = parseFlagValues(argv, FLAGS, ["entitlement"]);
  if ("error" in parsed) return { kind: "invalid", errors: [parsed.error] };
  const { values } = parsed;
  if (values.help === true) return { kind: "help" };

  const errors: string[] = [];
  const { text, bool, required } = flagReaders(FLAGS, values, env, errors);

  const subscriptionId = required("subscription-id");
  if (subscriptionId && !UUID.test(subscriptionId))
    errors.push(`--subscription-id "${subscriptionId}" is not a UUID`);
  const resourceGroup = required("resource-group");
  if (resourceGroup && !/^[-\w.()]{1,89}[-\w()]$|^[-\w()]$/.test(resourceGroup))
    errors.push(`--resource-group "${resourceGroup}" is not a resource group name`);
  const serviceName = required("service-name");
  if (serviceName && !/^[a-zA-Z][a-zA-Z0-9-]{0,48}[a-zA-Z0-9]$/.test(serviceName))
    errors.push(`--service-name "${serviceName}" is not an APIM name`);
  const workspaceUrl = checkWorkspaceUrl(required("workspace-url"), errors);
  const clientId = text("managed-identity-client-id");
  if (clientId !== undefined && !UUID.test(clientId))
    errors.push(`--managed-identity-client-id "${clientId}" is not a UUID`);
  const group = text("group") ?? "apim-gateway";
  if (!/^[\w.@ -]{1,128}$/.test(group) || group.trim() !== group)
    errors.push(`--group "${group}" must be 1-128 letters, digits, spaces, '.', '-', '_' or '@'`);
  const given = Array.isArray(values.entitlement)
    ? values.entitlement.map(String)
    : (env[FLAGS.entitlement.env] ?? "").split(",");
  const listed = given.map((value) => value.trim()).filter((value) => value !== "");
  const entitlements = listed.length > 0 ? [...new Set(listed)] : [...DEFAULT_ENTITLEMENTS];
  for (const entitlement of entitlements)
    if (!(ENTITLEMENTS as readonly string[]).includes(entitlement))
      errors.push(`--entitlement "${entitlement}" is not one of ${ENTITLEMENTS.join(", ")}`);
  const cloud = checkCloud(text("cloud"), errors);
  const credential = credentialFlag(values, env, errors);
  const options: GrantOptions = {
    subscriptionId,
    resourceGroup,
    serviceName,
    workspaceUrl,
    managedIdentityClientId: clientId?.toLowerCase(),
    group,
    entitlements,
    dryRun: bool("dry-run"),
    json: bool("json"),
    cloud,
    armEndpoint: text("arm-endpoint"),
    graphEndpoint: text("graph-endpoint"),
    credential,
  };
  return errors.length > 0 ? { kind: "invalid", errors } : { kind: "options", options };
}

/** An https origin (plain http only for a loopback emulator); no path, query or credentials. */
function checkWorkspaceUrl(value: string, errors: string[]): string {
  if (value === "") return value;
  let url: URL;
  try {
    url = new URL(value.includes("://") ? value : `https://${value}`);
  } catch {
    errors.push(`--workspace-url "${value}" is not a URL`);
    return value;
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback))
    errors.push(`--workspace-url "${value}" must use https (plain http only for a loopback emulator)`);
  else if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash || url.username)
    errors.push(`--workspace-url "${value}" must be an origin such as https://adb-123.4.azuredatabricks.net`);
  return url.origin;
}
