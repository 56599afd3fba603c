/**
 * Options + environment → one validated configuration. Each option falls back on its own to its
 * environment variable, then to its default (a per-call option, read by the transport, beats them
 * all). Everything a user can get wrong is caught here, at construction, with a message that names
 * the option or variable the bad value came from and never the value of a secret or header.
 */
import { checkCount, checkHeaders, checkSecret, checkUrl, type Found, fail } from "./config-checks.js";
import type { CommonOptions, FetchLike, RetryEvent, TokenCredential } from "./options.js";

export type {
  ApimOptions,
  CommonOptions,
  DatabricksClientOptions,
  DirectOptions,
  FetchLike,
  RetryEvent,
  TokenCredential,
} from "./options.js";

/** Azure Databricks' first-party application id: the Entra ID resource for workspace tokens. */
export const AZURE_DATABRICKS_RESOURCE = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";
/** Entra scope for direct calls to a workspace. */
export const AZURE_DATABRICKS_SCOPE = `${AZURE_DATABRICKS_RESOURCE}/.default`;

/** Defaults applied when neither the call, the client nor the environment says otherwise. */
export const DEFAULTS = {
  apiSuffix: "dbw-01",
  maxRetries: 3,
  timeout: 60_000,
  totalTimeout: 300_000,
  /** 64 MiB: well above Databricks' 25 MiB inline results, far below what would exhaust memory. */
  maxResponseBytes: 64 * 1024 * 1024,
} as const;

/** The environment variable each option falls back to. */
export const ENV = {
  apimUrl: "DATABRICKS_APIM_URL",
  subscriptionKey: "DATABRICKS_APIM_SUBSCRIPTION_KEY",
  apiSuffix: "DATABRICKS_APIM_API_SUFFIX",
  host: "DATABRICKS_HOST",
  token: "DATABRICKS_TOKEN",
} as const;

/** How requests authenticate. */
export type AuthConfig =
  | {
      kind: "apim";
      subscriptionKey: string | undefined;
      credential: TokenCredential | undefined;
      scopes: string[];
    }
  | { kind: "direct"; token: string | undefined; credential: TokenCredential | undefined; scopes: string[] };

/** The validated, normalised configuration. */
export interface ResolvedConfig {
  /** Base URL requests are built on: gateway + suffix, or the workspace. No trailing slash. */
  baseUrl: string;
  /** Path prefix to strip when reporting paths (e.g. `/dbw-01`). */
  pathPrefix: string;
  auth: AuthConfig;
  fetch: FetchLike | undefined;
  maxRetries: number;
  timeout: number;
  totalTimeout: number;
  maxResponseBytes: number;
  userAgent: string | undefined;
  headers: Record<string, string>;
  onRetry: ((event: RetryEvent) => void) | undefined;
  /** Static secrets to redact from anything we surface. */
  secrets: string[];
}

/** Both modes' options in one bag, as the resolver reads them. */
type Options = CommonOptions & {
  apimUrl?: string | undefined;
  apiSuffix?: string | undefined;
  subscriptionKey?: string | undefined;
  scopes?: string | string[] | undefined;
  workspaceUrl?: string | undefined;
  token?: string | undefined;
  credential?: TokenCredential | undefined;
};
type Env = Record<string, string | undefined>;

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._~-]*$/;

function envValue(env: Env, variable: string): string | undefined {
  const value = env[variable]?.trim();
  return value ? value : undefined;
}

function option<T>(
  given: T | undefined,
  name: string,
  env: Env,
  variable: string,
): Found<T | string> | undefined {
  if (given !== undefined) return { value: given, label: name };
  const value = envValue(env, variable);
  return value === undefined ? undefined : { value, label: `${name} (from ${variable})` };
}

/** "pass X or set VAR", or, when VAR is set but blank, that it is blank. */
function missing(name: string, env: Env, variable: string): string {
  return env[variable] !== undefined
    ? `pass ${name}, or give ${variable} a value (it is set but empty)`
    : `pass ${name} or set ${variable}`;
}

/** APIM or direct mode: from the URL options, then the other options of one mode, then the environment. */
function chooseMode(options: Options, env: Env): "apim" | "direct" {
  if (options.apimUrl !== undefined && options.workspaceUrl !== undefined) {
    fail("pass either apimUrl (APIM mode) or workspaceUrl (direct mode), not both");
  }
  if (options.apimUrl !== undefined) return "apim";
  if (options.workspaceUrl !== undefined) return "direct";
  const apim = (["subscriptionKey", "apiSuffix", "scopes"] as const).filter((k) => options[k] !== undefined);
  if (apim.length && options.token !== undefined) {
    fail(
      `${apim.join(", ")} ${apim.length > 1 ? "are" : "is"} for APIM mode and token for direct mode: pick one`,
    );
  }
  if (apim.length) return "apim";
  if (options.token !== undefined) return "direct";
  if (envValue(env, ENV.apimUrl)) return "apim";
  if (envValue(env, ENV.host)) return "direct";
  return fail(
    `no endpoint: for APIM, ${missing("apimUrl", env, ENV.apimUrl)}; for a workspace, ${missing("workspaceUrl", env, ENV.host)}`,
  );
}

function resolveApim(options: Options, env: Env) {
  if (options.token !== undefined)
    fail("token is for direct mode (workspaceUrl); in APIM mode use subscriptionKey");
  const foundUrl = option(options.apimUrl, "apimUrl", env, ENV.apimUrl);
  if (!foundUrl) fail(`APIM mode needs the gateway URL: ${missing("apimUrl", env, ENV.apimUrl)}`);
  const url = checkUrl(foundUrl);
  const suffix = option(options.apiSuffix, "apiSuffix", env, ENV.apiSuffix) ?? {
    value: DEFAULTS.apiSuffix,
    label: "apiSuffix",
  };
  if (typeof suffix.value !== "string" || !SEGMENT.test(suffix.value)) {
    fail(`${suffix.label} must be one simple path segment like "dbw-01"`);
  }
  const base = url.pathname.replace(/\/+$/, "");
  if (base.split("/").pop()?.toLowerCase() === suffix.value.toLowerCase()) {
    const without = `${url.origin}${base.slice(0, -suffix.value.length - 1)}`;
    fail(
      `${foundUrl.label} already ends with the API suffix "/${suffix.value}"; drop it (use ${without}): the client appends the suffix itself`,
    );
  }
  const key = checkSecret(option(options.subscriptionKey, "subscriptionKey", env, ENV.subscriptionKey), url);
  const credential = options.credential;
  if (key === undefined && credential === undefined) {
    fail(
      `APIM mode needs a subscription key: ${missing("subscriptionKey", env, ENV.subscriptionKey)} (or pass credential and scopes for a gateway that validates Entra tokens)`,
    );
  }
  const scopes = options.scopes === undefined ? [] : [options.scopes].flat();
  if (credential !== undefined && scopes.length === 0) {
    fail(
      "credential in APIM mode needs scopes: the Entra audience your gateway validates, e.g. api://my-apim/.default",
    );
  }
  const pathPrefix = `${base}/${suffix.value}`;
  const auth: AuthConfig = { kind: "apim", subscriptionKey: key, credential, scopes };
  return { baseUrl: `${url.origin}${pathPrefix}`, pathPrefix, auth, secret: key };
}

function resolveDirect(options: Options, env: Env) {
  if (options.subscriptionKey !== undefined)
    fail("subscriptionKey is for APIM mode (apimUrl), not workspaceUrl");
  const host = option(options.workspaceUrl, "workspaceUrl", env, ENV.host);
  if (!host) fail(`direct mode needs the workspace URL: ${missing("workspaceUrl", env, ENV.host)}`);
  // DATABRICKS_HOST is often a bare host name, as the Databricks CLI accepts it.
  if (host.label !== "workspaceUrl" && !host.value.includes("://")) {
    host.value = `https://${host.value}`;
  }
  const url = checkUrl(host);
  const { credential } = options;
  if (options.token !== undefined && credential !== undefined)
    fail("pass either token or credential, not both");
  // An explicit credential wins over a DATABRICKS_TOKEN left in the environment.
  const token = checkSecret(
    credential === undefined ? option(options.token, "token", env, ENV.token) : undefined,
    url,
  );
  if (token === undefined && credential === undefined) {
    fail(`direct mode needs a token: ${missing("token", env, ENV.token)}, or pass a credential`);
  }
  const pathPrefix = url.pathname.replace(/\/+$/, "");
  const auth: AuthConfig = { kind: "direct", token, credential, scopes: [AZURE_DATABRICKS_SCOPE] };
  return { baseUrl: `${url.origin}${pathPrefix}`, pathPrefix, auth, secret: token };
}

/**
 * Validates options, each missing one filled from its environment variable, then its default.
 * Throws `DatabricksConfigError`.
 */
export function resolveConfig(options: Options = {}, env: Env = process.env): ResolvedConfig {
  if (typeof options !== "object" || options === null) fail("options must be an object");
  if (options.credential !== undefined && typeof options.credential?.getToken !== "function") {
    fail("credential must be a TokenCredential (an object with getToken), e.g. from @azure/identity");
  }
  if (options.fetch !== undefined && typeof options.fetch !== "function") fail("fetch must be a function");
  if (options.userAgent !== undefined && !/^[\x21-\x7e][\x20-\x7e]*$/.test(options.userAgent)) {
    fail("userAgent must be printable ASCII, e.g. my-app/1.0");
  }
  const headers = checkHeaders(options.headers);
  const mode = chooseMode(options, env);
  const { baseUrl, pathPrefix, auth, secret } =
    mode === "apim" ? resolveApim(options, env) : resolveDirect(options, env);
  return {
    baseUrl,
    pathPrefix,
    auth,
    fetch: options.fetch,
    maxRetries: checkCount(options.maxRetries, "maxRetries", DEFAULTS.maxRetries, 0),
    timeout: checkCount(options.timeout, "timeout", DEFAULTS.timeout, 1),
    totalTimeout: checkCount(options.totalTimeout, "totalTimeout", DEFAULTS.totalTimeout, 1),
    maxResponseBytes: checkCount(options.maxResponseBytes, "maxResponseBytes", DEFAULTS.maxResponseBytes, 1),
    userAgent: options.userAgent,
    headers,
    onRetry: options.onRetry,
    secrets: secret === undefined ? [] : [secret],
  };
}
