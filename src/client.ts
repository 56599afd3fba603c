/**
 * `createDatabricksClient`: options → an openapi-fetch client typed by the curated spec.
 *
 * The client composes plain fetch layers instead of re-wrapping openapi-fetch:
 *   openapi-fetch → transport (per-call options, retries, timeouts) → auth (key/token per attempt) → fetch
 * `globalThis.fetch` is looked up per request, not captured at creation, so MSW and other
 * interceptors installed after the client was created still see its traffic.
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";
import { withAuth } from "./auth.js";
import { type DatabricksClientOptions, type FetchLike, resolveConfig } from "./config.js";
import type { paths } from "./generated/schema.js";
import { encodeQuery } from "./query.js";
import { createTransport, type Send } from "./transport.js";
import { rememberErrorContext } from "./unwrap.js";
import { VERSION } from "./version.js";

/** A client for the curated Databricks operations: `client.GET(path, init)` → `{ data, error, response }`. */
export type DatabricksClient = Client<paths, "application/json">;

// The one place a Request is rebuilt per attempt: fetch itself, from the original Request + `init`
// (body replay, auth headers, the attempt's signal; see `Send` in transport.ts for why the signal must be in `init`).
const lookupGlobalFetch: Send = (request, init) => globalThis.fetch(request, init);

/**
 * A user-supplied fetch is promised a complete Request (`FetchLike`), so it gets one copy with the
 * attempt's body and headers applied, plus the signal in `init`. Only custom fetches pay for that copy.
 */
function fromFetchLike(fetch: FetchLike): Send {
  return (request, init) => fetch(new Request(request, init), { signal: init.signal });
}

/**
 * Databricks expects a JSON object on every POST, even those that take only path parameters
 * (`warehouses/{id}/start`); openapi-fetch sends no body when none is given.
 */
function withEmptyJsonBody(next: Send): Send {
  return (request, init) => {
    if (request.method !== "POST" || request.body !== null || init.body !== undefined)
      return next(request, init);
    const headers = new Headers(init.headers ?? request.headers);
    headers.set("Content-Type", "application/json");
    return next(request, { ...init, body: "{}", headers });
  };
}

/**
 * Creates a client. With no options, reads DATABRICKS_APIM_URL / DATABRICKS_APIM_SUBSCRIPTION_KEY /
 * DATABRICKS_APIM_API_SUFFIX (or DATABRICKS_HOST / DATABRICKS_TOKEN for direct mode).
 * Throws `DatabricksConfigError` for a bad configuration, before any request is sent.
 */
export function createDatabricksClient(options?: DatabricksClientOptions): DatabricksClient {
  const config = resolveConfig(options);
  const describe = (request: Request) => {
    const pathname = new URL(request.url).pathname;
    const path = pathname.startsWith(config.pathPrefix) ? pathname.slice(config.pathPrefix.length) : pathname;
    return { method: request.method, path: path || "/" };
  };
  const base = config.fetch ? fromFetchLike(config.fetch) : lookupGlobalFetch;
  const send = withEmptyJsonBody(withAuth(base, config.auth, describe));
  const transport = createTransport(send, {
    maxRetries: config.maxRetries,
    timeout: config.timeout,
    totalTimeout: config.totalTimeout,
    onRetry: config.onRetry,
    describe,
    secrets: config.secrets,
  });
  const userAgent = `databricks-apim/${VERSION} node/${process.versions.node}${config.userAgent ? ` ${config.userAgent}` : ""}`;
  const client = createClient<paths, "application/json">({
    baseUrl: config.baseUrl,
    fetch: transport,
    querySerializer: (query) => encodeQuery(query as Record<string, unknown>),
    headers: { Accept: "application/json", "User-Agent": userAgent, ...config.headers },
  });
  // Error responses remember where they came from, so `unwrap` can build a typed error later. The
  // transport records that on the Response it returns, and openapi-fetch hands that very object to the
  // caller, unless an app middleware replaces it. So this middleware goes in (first, so that it runs
  // last on responses) only once the app registers its own; without middleware openapi-fetch skips its
  // per-call middleware bookkeeping.
  const errorContext: Middleware = {
    onResponse({ request, response }) {
      if (!response.ok) rememberErrorContext(response, { ...describe(request), secrets: config.secrets });
      return undefined;
    },
  };
  const use = client.use;
  let guarded = false;
  client.use = (...middleware) => {
    if (!guarded) use(errorContext);
    guarded = true;
    use(...middleware);
  };
  return client;
}
