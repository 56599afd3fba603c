/**
 * `createDatabricksClient`: options → an openapi-fetch client typed by the curated spec.
 *
 * A call goes: openapi-fetch (builds URL, headers, body) → transport (checks, retry loop; transport.ts)
 * → attempt (one request under one timer; attempt.ts) → auth (key/token per attempt; auth.ts) → node:http
 * (node-send.ts), or fetch when the app gave one or replaced the global one.
 * openapi-fetch is given a light Request class (outgoing.ts) unless middleware needs real Requests.
 * The bottom layer is chosen per request, not at creation, so MSW and other interceptors installed
 * after the client was created still see its traffic.
 */
import type { Agent } from "node:http";
import createClient, { type Client, type Middleware } from "openapi-fetch";
import { withAuth } from "./auth.js";
import { FETCH_KEY, type Outgoing, type Send, STREAM_KEY } from "./call.js";
import { checkHeaders, checkPathParams } from "./call-checks.js";
import { type DatabricksClientOptions, type FetchLike, resolveConfig } from "./config.js";
import type { Cutoff } from "./cutoff.js";
import { DatabricksConfigError } from "./errors.js";
import type { paths } from "./generated/schema.js";
import { nodeSend } from "./node-send.js";
import { PlannedRequest } from "./outgoing.js";
import { encodeQuery } from "./query.js";
import { createTransport } from "./transport.js";
import { rememberErrorContext } from "./unwrap.js";
import { VERSION } from "./version.js";

/** A client for the curated Databricks operations: `client.GET(path, init)` → `{ data, error, response }`. */
export type DatabricksClient = Client<paths, "application/json">;

/**
 * What fetch is given for one attempt. Redirects are never followed, whatever the call asked: the
 * key, a token or a body must not reach another origin (attempt.ts turns a 3xx into an error).
 */
function attemptInit(call: Outgoing, cutoff: Cutoff): RequestInit {
  return {
    ...call.init,
    method: call.method,
    headers: call.headers,
    body: call.body,
    signal: cutoff.signal,
    redirect: "manual",
  };
}

/** A user-supplied fetch is promised a complete Request (`FetchLike`), with the signal in `init` as well. */
function throughFetchLike(fetch: FetchLike, call: Outgoing, cutoff: Cutoff): Promise<Response> {
  return fetch(new Request(call.url, attemptInit(call, cutoff)), { signal: cutoff.signal });
}

/**
 * Databricks expects a JSON object on every POST, even those that take only path parameters
 * (`warehouses/{id}/start`); openapi-fetch sends no body when none is given.
 */
function withEmptyJsonBody(next: Send): Send {
  return (call, cutoff) => {
    if (call.method === "POST" && call.body === null) {
      call.body = "{}";
      call.headers.set("Content-Type", "application/json");
    }
    return next(call, cutoff);
  };
}

/** Global fetch as it was when this module loaded: a different one later means it was replaced. */
const FETCH_AT_IMPORT = globalThis.fetch;

/** The `agent` option: an http(s).Agent-compatible object, for the built-in transport only. */
function checkAgent(agent: unknown, fetch: FetchLike | undefined): Agent | undefined {
  if (agent === undefined) return undefined;
  if (
    typeof agent !== "object" ||
    agent === null ||
    typeof (agent as { addRequest?: unknown }).addRequest !== "function"
  )
    throw new DatabricksConfigError(
      "Invalid option: agent must be an http.Agent or https.Agent (or compatible)",
    );
  if (fetch)
    throw new DatabricksConfigError(
      "Invalid options: agent is used only without fetch; give your fetch its own dispatcher or agent instead",
    );
  return agent as Agent;
}

const METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const;
type Call = (url: unknown, init?: unknown) => unknown;

/**
 * Creates a client. With no options, reads DATABRICKS_APIM_URL / DATABRICKS_APIM_SUBSCRIPTION_KEY /
 * DATABRICKS_APIM_API_SUFFIX (or DATABRICKS_HOST / DATABRICKS_TOKEN for direct mode).
 * Each option left out falls back to its own variable. Throws `DatabricksConfigError` for a bad
 * configuration, before any request is sent.
 * @example
 * {@includeCode ../docs/examples/client.ts#createDatabricksClient}
 */
export function createDatabricksClient(options?: DatabricksClientOptions): DatabricksClient {
  const config = resolveConfig(options);
  const describe = (url: string, method: string) => {
    const pathname = new URL(url).pathname;
    const path = pathname.startsWith(config.pathPrefix) ? pathname.slice(config.pathPrefix.length) : pathname;
    return { method, path: path || "/" };
  };
  // The bottom layer: the call's own fetch, the client's, else node:http (node-send.ts). Global fetch
  // is used instead once something has replaced it (a test stub, an interceptor): the app expects its
  // traffic there. The attempt's signal goes in fetch's own `init` (see `Send` in call.ts).
  const clientFetch = config.fetch;
  const viaNode = nodeSend(checkAgent(options?.agent, clientFetch));
  const bottom: Send = (call, cutoff) => {
    const fetch = call.fetch ?? clientFetch;
    if (fetch) return throughFetchLike(fetch, call, cutoff);
    if (globalThis.fetch === FETCH_AT_IMPORT) return viaNode(call, cutoff);
    return globalThis.fetch(call.url, attemptInit(call, cutoff));
  };
  const transport = createTransport(
    withEmptyJsonBody(withAuth(bottom, config.auth, describe, config.secrets)),
    {
      baseUrl: config.baseUrl,
      maxRetries: config.maxRetries,
      timeout: config.timeout,
      totalTimeout: config.totalTimeout,
      maxResponseBytes: config.maxResponseBytes,
      onRetry: config.onRetry,
      describe,
      secrets: config.secrets,
    },
  );
  const userAgent = `databricks-apim/${VERSION} node/${process.versions.node}${config.userAgent ? ` ${config.userAgent}` : ""}`;
  const inner = createClient<paths, "application/json">({
    baseUrl: config.baseUrl,
    fetch: transport as (request: Request) => Promise<Response>,
    querySerializer: (query: unknown) => encodeQuery(query as Record<string, unknown>),
    headers: { Accept: "application/json", "User-Agent": userAgent, ...config.headers },
    Request: PlannedRequest as unknown as typeof Request,
  });

  // Error responses remember where they came from, so `unwrap` can build a typed error later. The
  // transport records that on the Response it returns, but a middleware may replace it: this one
  // goes in first, so that it runs last on responses.
  const remember: Middleware = {
    onResponse({ request, response }) {
      if (!response.ok)
        rememberErrorContext(response, { ...describe(request.url, request.method), secrets: config.secrets });
      return undefined;
    },
  };
  let middlewareInstalled = false;

  /** Checks a call's init and adds what the transport needs; returns it untouched when nothing applies. */
  const prepare = (init: unknown): unknown => {
    if (typeof init !== "object" || init === null)
      return middlewareInstalled ? { Request: globalThis.Request } : init;
    const call = init as Record<string, unknown>;
    checkHeaders(call.headers);
    const params = call.params as { header?: unknown } | undefined;
    checkHeaders(params?.header);
    checkPathParams(params);
    if (call.fetch !== undefined && typeof call.fetch !== "function")
      throw new DatabricksConfigError("Invalid call: fetch must be a function");
    const middleware = Array.isArray(call.middleware) && call.middleware.length > 0;
    if (call.fetch === undefined && call.parseAs !== "stream" && !middleware && !middlewareInstalled)
      return init;
    const out: Record<string, unknown> = { ...call };
    // A call's own fetch replaces the client's below auth and retries, not the whole transport.
    if (call.fetch !== undefined) {
      delete out.fetch;
      out[FETCH_KEY] = call.fetch;
    }
    if (call.parseAs === "stream") out[STREAM_KEY] = true;
    // Middleware is promised real Requests.
    if (middleware || middlewareInstalled) out.Request = globalThis.Request;
    if (middleware && !middlewareInstalled) out.middleware = [remember, ...(call.middleware as Middleware[])];
    return out;
  };

  const methods = inner as unknown as Record<string, Call>;
  const innerRequest = inner.request as unknown as (method: unknown, url: unknown, init: unknown) => unknown;
  // A refused call rejects like any failed call, rather than throwing where it is made.
  const guarded = (run: () => unknown): unknown => {
    try {
      return run();
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const client: Record<string, unknown> = {
    request: (method: unknown, url: unknown, init: unknown) =>
      guarded(() => innerRequest(method, url, prepare(init))),
    use: (...middleware: Middleware[]) => {
      if (!middlewareInstalled) inner.use(remember);
      middlewareInstalled = true;
      inner.use(...middleware);
    },
    eject: (...middleware: Middleware[]) => inner.eject(...middleware),
  };
  for (const method of METHODS)
    client[method] = (url: unknown, init?: unknown) => guarded(() => methods[method]!(url, prepare(init)));
  return client as unknown as DatabricksClient;
}
