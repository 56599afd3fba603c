/**
 * The options of `createDatabricksClient`, as users write them. Every optional option also accepts
 * `undefined`, meaning "not given here": the client then falls back to the option's environment
 * variable, then to the default. So `subscriptionKey: process.env.MY_KEY` compiles under
 * `exactOptionalPropertyTypes` and behaves like leaving the option out when the variable is unset.
 */

import type { Agent } from "node:http";

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
 * token, body), built just for it.
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
  /**
   * Custom fetch: every request goes through it instead of the built-in node:http transport. Without
   * it, requests go through node:http, or through `globalThis.fetch` once something (a test stub,
   * an interceptor) has replaced it.
   */
  fetch?: FetchLike | undefined;
  /**
   * The `http.Agent` / `https.Agent` (or compatible, e.g. a proxy agent) the built-in transport sends
   * through, matching the gateway's protocol. Default: Node's keep-alive global agent. Not with `fetch`.
   */
  agent?: Agent | undefined;
  /** Retries after the first attempt for retryable failures. @default 3 */
  maxRetries?: number | undefined;
  /** Per-attempt timeout in ms, covering headers and body. @default 60000 */
  timeout?: number | undefined;
  /** Deadline for a whole call including retries and waits, in ms. @default 300000 */
  totalTimeout?: number | undefined;
  /** Largest response body read into memory, in bytes; a larger one fails the call. @default 67108864 (64 MiB) */
  maxResponseBytes?: number | undefined;
  /** Appended to the `User-Agent` header, e.g. `"my-app/1.2"`. */
  userAgent?: string | undefined;
  /** Extra headers sent with every request; a header whose value is `undefined` is left out. */
  headers?: Record<string, string | undefined> | undefined;
  /** Called before each retry. */
  onRetry?: ((event: RetryEvent) => void) | undefined;
}

/** Calling Databricks through an APIM gateway (the primary mode). */
export interface ApimOptions extends CommonOptions {
  /**
   * Gateway base URL without the API suffix, e.g. `https://my-apim.azure-api.net`.
   * Env: DATABRICKS_APIM_URL.
   */
  apimUrl?: string | undefined;
  /** The API's URL suffix in APIM. Env: DATABRICKS_APIM_API_SUFFIX. @default "dbw-01" */
  apiSuffix?: string | undefined;
  /** APIM subscription key, sent as `Ocp-Apim-Subscription-Key`. Env: DATABRICKS_APIM_SUBSCRIPTION_KEY. */
  subscriptionKey?: string | undefined;
  /** For gateways that also validate Entra tokens: the credential to get them from. */
  credential?: TokenCredential | undefined;
  /** Scopes for `credential` (the gateway's audience); required with `credential`. */
  scopes?: string | string[] | undefined;
  /** Direct mode only. */
  workspaceUrl?: undefined;
  /** Direct mode only. */
  token?: undefined;
}

/** Calling a workspace directly (local development without APIM). */
export interface DirectOptions extends CommonOptions {
  /** Workspace URL, e.g. `https://adb-123.4.azuredatabricks.net`. Env: DATABRICKS_HOST. */
  workspaceUrl?: string | undefined;
  /** Personal access token or Entra token. Env: DATABRICKS_TOKEN. */
  token?: string | undefined;
  /** Entra credential; tokens are requested per call for the Azure Databricks scope. */
  credential?: TokenCredential | undefined;
  /** APIM mode only. */
  apimUrl?: undefined;
  /** APIM mode only. */
  subscriptionKey?: undefined;
  /** APIM mode only. */
  apiSuffix?: undefined;
  /** APIM mode only. */
  scopes?: undefined;
}

/** Options of `createDatabricksClient`. */
export type DatabricksClientOptions = ApimOptions | DirectOptions;
