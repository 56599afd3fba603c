/**
 * Azure clouds and the constants that follow from them.
 *
 * Only three things change between the public and sovereign clouds for this script: the ARM endpoint
 * (and with it the token scope), the Entra authority that issues tokens, and the DNS suffix of
 * Databricks workspaces. The Databricks Entra application id is the same in all three clouds.
 * Germany's cloud closed in 2021 and is not listed.
 */

/** Entra application id of Azure Databricks; the `resource` of `authentication-managed-identity`. */
export const DATABRICKS_RESOURCE_ID = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";

/** ARM api-version used for every APIM call (the default of the 2024 management SDKs). */
export const ARM_API_VERSION = "2024-05-01";

/** What the script needs to know about one Azure cloud. */
export interface CloudInfo {
  /** Azure Resource Manager origin; the token scope is `${armEndpoint}/.default`. */
  armEndpoint: string;
  /** Entra authority host passed to the credential. */
  authorityHost: string;
  /** DNS suffix of Databricks workspace hosts in this cloud. */
  workspaceSuffix: string;
}

/** The clouds `--cloud` accepts, named as `az cloud list` names them. */
export const CLOUDS = {
  AzureCloud: {
    armEndpoint: "https://management.azure.com",
    authorityHost: "https://login.microsoftonline.com",
    workspaceSuffix: ".azuredatabricks.net",
  },
  AzureUSGovernment: {
    armEndpoint: "https://management.usgovcloudapi.net",
    authorityHost: "https://login.microsoftonline.us",
    workspaceSuffix: ".databricks.azure.us",
  },
  AzureChinaCloud: {
    armEndpoint: "https://management.chinacloudapi.cn",
    authorityHost: "https://login.chinacloudapi.cn",
    workspaceSuffix: ".databricks.azure.cn",
  },
} as const satisfies Record<string, CloudInfo>;

/** A cloud name accepted by `--cloud`. */
export type CloudName = keyof typeof CLOUDS;

/** Type guard for `--cloud` values. */
export function isCloudName(value: string): value is CloudName {
  return Object.hasOwn(CLOUDS, value);
}

/** Hosts allowed to receive a bearer token over plain http: loopback test servers only. */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Resolves the ARM origin for a cloud or an explicit endpoint (which wins), and derives the token scope
 * from it. Throws a message naming the option when the endpoint is not an origin or would send the
 * token in clear text.
 */
export function resolveArmEndpoint(
  cloud: CloudName,
  armEndpoint: string | undefined,
): {
  origin: string;
  scope: string;
} {
  if (armEndpoint === undefined) {
    const origin = CLOUDS[cloud].armEndpoint;
    return { origin, scope: `${origin}/.default` };
  }
  let url: URL;
  try {
    url = new URL(armEndpoint);
  } catch {
    throw new Error(`--arm-endpoint "${armEndpoint}" is not a URL`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new Error(
      `--arm-endpoint "${armEndpoint}" must use https (plain http is allowed only for a loopback test server)`,
    );
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash || url.username) {
    throw new Error(`--arm-endpoint "${armEndpoint}" must be an origin such as https://management.azure.com`);
  }
  return { origin: url.origin, scope: `${url.origin}/.default` };
}

/** The cloud whose workspace suffix `host` ends with, if any. */
export function cloudOfWorkspaceHost(host: string): CloudName | undefined {
  const lower = host.toLowerCase();
  for (const [name, info] of Object.entries(CLOUDS)) {
    if (lower.endsWith(info.workspaceSuffix)) return name as CloudName;
  }
  return undefined;
}
