/**
 * `createDatabricksClient`: options → an openapi-fetch client typed by the curated spec.
 *
 * The client composes plain fetch layers instead of re-wrapping openapi-fetch:
 *   openapi-fetch → transport (per-call options, retries, timeouts) → auth (key/token per attempt) → fetch
 * and gives openapi-fetch a light Request class (outgoing.ts) unless middleware needs real Requests.
 * `globalThis.fetch` is looked up per request, not captured at creation, so MSW and other
 * interceptors installed after the client was created still see its traffic.
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";
import { withAuth } from "./auth.js";
import { type DatabricksClientOptions, type FetchLike, resolveConfig } from "./config.js";
import type { paths } from "./generated/schema.js";
import { type Outgoing, PlannedRequest } from "./outgoing.js";
import { encodeQuery } from "./query.js";
import { createTransport, type Send } from "./transport.js";
import { rememberErrorContext } from "./unwrap.js";
import { VERSION } from "./version.js";

/** A client for the curated Databricks operations: `client.GET(path, init)` → `{ data, error, response }`. */
export type DatabricksClient = Client<paths, "application/json">;

/** What fetch is given for one attempt: the call's own options, then its parts and the attempt's signal. */
function attemptInit(call: Outgoing, signal: AbortSignal): RequestInit {
  return { ...call.init, method: call.method, headers: call.headers, body: call.body, signal };
}

// The bottom layer: fetch(url, init), as an app would call it (the attempt's signal must be in this
// `init`; see `Send` in transport.ts). `globalThis.fetch` is read per call, not captured.
const globalFetch: Send = (call, signal) => globalThis.fetch(call.url, attemptInit(call, signal));

/** A user-supplied fetch is promised a complete Request (`FetchLike`), with the signal in `init` as well. */
function fromFetchLike(fetch: FetchLike): Send {
  return (call, signal) => fetch(new Request(call.url, attemptInit(call, signal)), { signal });
}

/**
 * Databricks expects a JSON object on every POST, even those that take only path parameters
 * (`warehouses/{id}/start`); openapi-fetch sends no body when none is given.
 */
function withEmptyJsonBody(next: Send): Send {
  return (call, signal) => {
    if (call.method === "POST" && call.body === null) {
      call.body = "{}";
      call.headers.set("Content-Type", "application/json");
    }
    return next(call, signal);
  };
}

const METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const;
type Call = (url: unknown, init: unknown) => unknown;

/** Per-call middleware and per-call fetch are handed Requests by openapi-fetch: those calls need real ones. */
function needsRealRequests(init: unknown): boolean {
  if (typeof init !== "object" || init === null) return false;
  const { middleware, fetch } = init as { middleware?: unknown[]; fetch?: unknown };
  return (middleware !== undefined && middleware.length > 0) || fetch !== undefined;
}

/**
 * Creates a client. With no options, reads DATABRICKS_APIM_URL / DATABRICKS_APIM_SUBSCRIPTION_KEY /
 * DATABRICKS_APIM_API_SUFFIX (or DATABRICKS_HOST / DATABRICKS_TOKEN for direct mode).
 * Throws `DatabricksConfigError` for a bad configuration, before any request is sent.
 */
export function createDatabricksClient(options?: DatabricksClientOptions): DatabricksClient {
  const config = resolveConfig(options);
  const describe = (url: string, method: string) => {
    const pathname = new URL(url).pathname;
    const path = pathname.startsWith(config.pathPrefix) ? pathname.slice(config.pathPrefix.length) : pathname;
    return { method, path: path || "/" };
  };
  const base = config.fetch ? fromFetchLike(config.fetch) : globalFetch;
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
  const common = {
    baseUrl: config.baseUrl,
    fetch: transport as (request: Request) => Promise<Response>,
    querySerializer: (query: unknown) => encodeQuery(query as Record<string, unknown>),
    headers: { Accept: "application/json", "User-Agent": userAgent, ...config.headers },
  };

  // Two openapi-fetch clients over the same transport. Calls normally go through `planned`, which
  // builds PlannedRequests instead of WHATWG Requests (outgoing.ts says why). Middleware and per-call
  // fetches are promised real Requests, so those calls go through `standard`, created on first need.
  const planned = createClient<paths, "application/json">({
    ...common,
    Request: PlannedRequest as unknown as typeof Request,
  });
  let standard: DatabricksClient | undefined;
  let middlewareInstalled = false;
  const standardClient = (): DatabricksClient => {
    if (standard) return standard;
    standard = createClient<paths, "application/json">(common);
    // Error responses remember where they came from, so `unwrap` can build a typed error later. The
    // transport records that on the Response it returns, but a middleware may replace it: this
    // middleware goes in first, so that it runs last on responses.
    standard.use({
      onResponse({ request, response }) {
        if (!response.ok)
          rememberErrorContext(response, {
            ...describe(request.url, request.method),
            secrets: config.secrets,
          });
        return undefined;
      },
    });
    return standard;
  };
  const pick = (init: unknown) =>
    (middlewareInstalled || needsRealRequests(init) ? standardClient() : planned) as unknown as Record<
      string,
      Call
    >;

  const client: Record<string, unknown> = {
    request: (method: unknown, url: unknown, init: unknown) =>
      (pick(init).request as unknown as (m: unknown, u: unknown, i: unknown) => unknown)(method, url, init),
    use: (...middleware: Middleware[]) => {
      standardClient().use(...middleware);
      middlewareInstalled = true;
    },
    eject: (...middleware: Middleware[]) => standard?.eject(...middleware),
  };
  for (const method of METHODS)
    client[method] = (url: unknown, init: unknown) => pick(init)[method]!(url, init);
  return client as unknown as DatabricksClient;
}
