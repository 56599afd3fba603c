/**
 * Options + environment → one validated configuration. Everything a user can get wrong is caught
 * here, at construction, with a message that names the option (and its environment variable), so a
 * bad configuration never reaches the network.
 */
import { DatabricksConfigError } from "./errors.js";

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

/** The environment variables read when `createDatabricksClient()` is called without a mode. */
export const ENV = {
  apimUrl: "DATABRICKS_APIM_URL",
  subscriptionKey: "DATABRICKS_APIM_SUBSCRIPTION_KEY",
  apiSuffix: "DATABRICKS_APIM_API_SUFFIX",
  host: "DATABRICKS_HOST",
  token: "DATABRICKS_TOKEN",
} as const;

/** A credential from `@azure/identity` (any `TokenCredential`); only `getToken` is used. */
export interface TokenCredential {
  getToken(
    scopes: string | string[],
    options?: { abortSignal?: AbortSignal },
  ): Promise<{ token: string; expiresOnTimestamp: number } | null>;
}

/**
 * A fetch function taking a `Request`; defaults to `globalThis.fetch`, looked up at request time.
 * A custom fetch receives one complete Request per attempt (URL, method, headers with the key or
 * token, body), built just for it: the default path skips that copy and lets fetch apply the attempt's
 * headers and body itself, so a custom fetch costs one extra Request construction per attempt.
 * The client passes each attempt's `signal` in `init` as well as on the Request: a custom fetch should
 * hand `init` on to the real fetch, so that timeouts and aborts reach the socket.
 */
export type FetchLike = (request: Request, init?: { signal?: AbortSignal }) => Promise<Response>;

/** What the retry layer reports before it waits and tries again. Holds no secrets. */
export interface RetryEvent {
  /** The attempt that just failed (1 = the first try). */
  attempt: number;
  /** How long the client will wait before the next attempt, in ms. */
  delay: number;
  /** Why: an HTTP status (e.g. `429`), `network` or `timeout`. */
  reason: string;
  method: string;
  /** Path without the gateway prefix. */
  path: string;
}

/** Options shared by both modes. */
export interface CommonOptions {
  /** Custom fetch (e.g. undici with a keep-alive agent). Default: `globalThis.fetch` at request time. */
  fetch?: FetchLike;
  /** Retries after the first attempt for retryable failures. @default 3 */
  maxRetries?: number;
  /** Per-attempt timeout in ms, covering headers and body. @default 60000 */
  timeout?: number;
  /** Deadline for a whole call including retries and waits, in ms. @default 300000 */
  totalTimeout?: number;
  /** Largest response body read into memory, in bytes; a larger one fails the call. @default 67108864 (64 MiB) */
  maxResponseBytes?: number;
  /** Appended to the `User-Agent` header, e.g. `"my-app/1.2"`. */
  userAgent?: string;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Called before each retry. */
  onRetry?: (event: RetryEvent) => void;
}

/** Calling Databricks through an APIM gateway (the primary mode). */
export interface ApimOptions extends CommonOptions {
  /** Gateway base URL, e.g. `https://my-apim.azure-api.net`. Env: DATABRICKS_APIM_URL. */
  apimUrl: string;
  /** The API's URL suffix in APIM. Env: DATABRICKS_APIM_API_SUFFIX. @default "dbw-01" */
  apiSuffix?: string;
  /** APIM subscription key, sent as `Ocp-Apim-Subscription-Key`. Env: DATABRICKS_APIM_SUBSCRIPTION_KEY. */
  subscriptionKey?: string;
  /** For gateways that also validate Entra tokens: the credential to get them from. */
  credential?: TokenCredential;
  /** Scopes for `credential` (the gateway's audience); required with `credential`. */
  scopes?: string | string[];
}

/** Calling a workspace directly (local development without APIM). */
export interface DirectOptions extends CommonOptions {
  /** Workspace URL, e.g. `https://adb-123.4.azuredatabricks.net`. Env: DATABRICKS_HOST. */
  workspaceUrl: string;
  /** Personal access token or Entra token. Env: DATABRICKS_TOKEN. */
  token?: string;
  /** Entra credential; tokens are requested per call for the Azure Databricks scope. */
  credential?: TokenCredential;
}

/** Options of `createDatabricksClient`. */
export type DatabricksClientOptions = ApimOptions | DirectOptions;

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

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._~-]*$/;

function fail(message: string): never {
  throw new DatabricksConfigError(`Invalid databricks-apim configuration: ${message}`);
}

function checkUrl(value: unknown, name: string): URL {
  if (typeof value !== "string" || value.trim() === "") fail(`${name} must be a non-empty URL string`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(`${name} is not a valid URL (expected e.g. https://my-apim.azure-api.net)`);
  }
  if (url.username || url.password) fail(`${name} must not contain credentials`);
  if (url.search || url.hash) fail(`${name} must not contain a query string or fragment`);
  if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
    fail(`${name} uses plain http:// to ${url.hostname}; use https:// (http is allowed only for localhost)`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") fail(`${name} must be an https:// URL`);
  return url;
}

function checkSecret(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "") fail(`${name} must be a non-empty string`);
  // Header values: visible ASCII only, so a pasted newline or space cannot split or corrupt the header.
  if (!/^[!-~]+$/.test(value)) fail(`${name} contains whitespace, control or non-ASCII characters`);
  return value;
}

function checkCount(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || !Number.isInteger(value)) {
    fail(`${name} must be an integer ≥ ${min} (got ${String(value)})`);
  }
  return value;
}

function fromEnv(env: Record<string, string | undefined>): Partial<ApimOptions & DirectOptions> {
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const apimUrl = read(ENV.apimUrl);
  if (apimUrl) {
    const out: Partial<ApimOptions> = { apimUrl };
    const key = read(ENV.subscriptionKey);
    const suffix = read(ENV.apiSuffix);
    if (key) out.subscriptionKey = key;
    if (suffix) out.apiSuffix = suffix;
    return out;
  }
  const host = read(ENV.host);
  if (host) {
    const out: Partial<DirectOptions> = { workspaceUrl: host.includes("://") ? host : `https://${host}` };
    const token = read(ENV.token);
    if (token) out.token = token;
    return out;
  }
  return {};
}

/**
 * Validates options, filling a missing mode from the environment. Throws `DatabricksConfigError`.
 * Explicit options always win over the environment.
 */
export function resolveConfig(
  options: Partial<ApimOptions & DirectOptions> = {},
  env: Record<string, string | undefined> = process.env,
): ResolvedConfig {
  if (typeof options !== "object" || options === null) fail("options must be an object");
  const explicitMode = options.apimUrl !== undefined || options.workspaceUrl !== undefined;
  const merged: Partial<ApimOptions & DirectOptions> = explicitMode
    ? options
    : { ...fromEnv(env), ...options };
  if (merged.apimUrl !== undefined && merged.workspaceUrl !== undefined) {
    fail("pass either apimUrl (APIM mode) or workspaceUrl (direct mode), not both");
  }
  if (merged.apimUrl === undefined && merged.workspaceUrl === undefined) {
    fail(`no endpoint: pass apimUrl (or set ${ENV.apimUrl}) or workspaceUrl (or set ${ENV.host})`);
  }
  if (merged.credential !== undefined && typeof merged.credential?.getToken !== "function") {
    fail("credential must be a TokenCredential (an object with getToken), e.g. from @azure/identity");
  }
  if (merged.fetch !== undefined && typeof merged.fetch !== "function") fail("fetch must be a function");
  if (merged.userAgent !== undefined && !/^[\x21-\x7e][\x20-\x7e]*$/.test(merged.userAgent)) {
    fail("userAgent must be printable ASCII, e.g. my-app/1.0");
  }

  let baseUrl: string;
  let pathPrefix: string;
  let auth: AuthConfig;
  const secrets: string[] = [];
  if (merged.apimUrl !== undefined) {
    const url = checkUrl(merged.apimUrl, `apimUrl (${ENV.apimUrl})`);
    const suffix = merged.apiSuffix ?? DEFAULTS.apiSuffix;
    if (typeof suffix !== "string" || !SEGMENT.test(suffix)) {
      fail(
        `apiSuffix (${ENV.apiSuffix}) must be one simple path segment like "dbw-01" (got ${JSON.stringify(suffix)})`,
      );
    }
    const key = checkSecret(merged.subscriptionKey, `subscriptionKey (${ENV.subscriptionKey})`);
    if (merged.token !== undefined)
      fail("token is for direct mode (workspaceUrl); in APIM mode use subscriptionKey");
    if (key === undefined && merged.credential === undefined) {
      fail(`APIM mode needs subscriptionKey (or ${ENV.subscriptionKey}), or a credential with scopes`);
    }
    const scopes = merged.scopes === undefined ? [] : [merged.scopes].flat();
    if (merged.credential !== undefined && scopes.length === 0) {
      fail(
        "credential in APIM mode needs scopes: the Entra audience your gateway validates, e.g. api://my-apim/.default",
      );
    }
    if (key) secrets.push(key);
    pathPrefix = `${url.pathname.replace(/\/+$/, "")}/${suffix}`;
    baseUrl = `${url.origin}${pathPrefix}`;
    auth = { kind: "apim", subscriptionKey: key, credential: merged.credential, scopes };
  } else {
    const url = checkUrl(merged.workspaceUrl, `workspaceUrl (${ENV.host})`);
    if (merged.subscriptionKey !== undefined)
      fail("subscriptionKey is for APIM mode (apimUrl), not workspaceUrl");
    const token = checkSecret(merged.token, `token (${ENV.token})`);
    if (token !== undefined && merged.credential !== undefined)
      fail("pass either token or credential, not both");
    if (token === undefined && merged.credential === undefined) {
      fail(`direct mode needs token (or ${ENV.token}) or a credential`);
    }
    if (token) secrets.push(token);
    pathPrefix = url.pathname.replace(/\/+$/, "");
    baseUrl = `${url.origin}${pathPrefix}`;
    auth = { kind: "direct", token, credential: merged.credential, scopes: [AZURE_DATABRICKS_SCOPE] };
  }
  return {
    baseUrl,
    pathPrefix,
    auth,
    fetch: merged.fetch,
    maxRetries: checkCount(merged.maxRetries, "maxRetries", DEFAULTS.maxRetries, 0),
    timeout: checkCount(merged.timeout, "timeout", DEFAULTS.timeout, 1),
    totalTimeout: checkCount(merged.totalTimeout, "totalTimeout", DEFAULTS.totalTimeout, 1),
    maxResponseBytes: checkCount(merged.maxResponseBytes, "maxResponseBytes", DEFAULTS.maxResponseBytes, 1),
    userAgent: merged.userAgent,
    headers: { ...merged.headers },
    onRetry: merged.onRetry,
    secrets,
  };
}
