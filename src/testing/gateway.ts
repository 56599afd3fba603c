/**
 * The APIM gateway in front of the emulated workspace. Every request to the mock's origin meets this
 * handler first; it answers the way APIM does, in APIM's order, or lets the request through:
 * 1. no operation of the imported spec matches (wrong suffix, path or method) → 404
 *    `{"statusCode":404,"message":"Resource not found"}` (APIM matches the operation before it checks
 *    the key, and answers 404, not 405, for a wrong method); with `wildcard`, any GET under the suffix
 *    matches, like the seed write-up's hand-wired `GET /*` operation;
 * 2. no subscription key (header `Ocp-Apim-Subscription-Key`, else query `subscription-key`) → 401,
 *    or a key that is not active → 401, with APIM's verbatim bodies;
 * 3. the `rate-limit-by-key` policy, when configured or forced → 429 with `Retry-After`; the
 *    `quota-by-key` policy, when configured → 403 "Out of call volume quota…" with `Retry-After`;
 * 4. a forced backend failure, or `backendDown` → 500 with an `activityId`, as APIM reports a backend
 *    it cannot reach;
 * 5. no active service principal with the managed identity's application id in the workspace →
 *    Databricks itself answers `{"error_code":"401","message":"Unauthorized"}` (the seed write-up's
 *    first failure).
 * The whitelist is `src/generated/routes.ts`, generated from the same spec APIM imports.
 */

import { type Route, routes } from "../generated/routes.js";
import type { Clock } from "./clock.js";
import { http } from "./msw.js";
import { APIM_MESSAGES, apimError, apimRateLimited, databricksError } from "./responses.js";

/** APIM's `rate-limit-by-key` policy: at most `calls` per key in a sliding `renewalPeriodSeconds`. */
export interface RateLimit {
  calls: number;
  renewalPeriodSeconds: number;
}

/** APIM's `quota-by-key` policy: at most `calls` per key per `renewalPeriodSeconds` (fixed window). */
export interface Quota {
  calls: number;
  renewalPeriodSeconds: number;
}

/** The gateway's managed identity as the workspace knows it (see admin.ts). */
export interface GatewayIdentity {
  granted(): boolean;
  set(granted: boolean): void;
}

/** What the gateway did with a request. */
export type GatewayOutcome =
  | "forwarded"
  | "operation-not-found"
  | "missing-subscription-key"
  | "invalid-subscription-key"
  | "rate-limited"
  | "quota-exceeded"
  | "backend-error"
  | "identity-not-granted";

/** One request as the gateway saw it. The key is never recorded. */
export interface GatewayRequest {
  method: string;
  /** Path after the API suffix, without the query string (e.g. `/api/2.1/clusters/list`). */
  path: string;
  /** The matched spec operation, when one matched. */
  operationId: string | undefined;
  outcome: GatewayOutcome;
  /** Mock clock time of the request. */
  at: number;
}

/** Test controls for the gateway layer. */
export interface GatewayControls {
  /** Replaces the accepted subscription keys (e.g. to test key rotation). */
  setKeys(keys: readonly string[]): void;
  /**
   * `false` removes the service principal of the gateway's managed identity from the workspace, so
   * Databricks answers 401; `true` adds (or re-activates) it.
   */
  setManagedIdentityGranted(granted: boolean): void;
  /** `true`: every forwardable request gets APIM's backend-failure 500. */
  setBackendDown(down: boolean): void;
  /** Turns the rate-limit policy on (or off with `undefined`). */
  setRateLimit(limit: RateLimit | undefined): void;
  /** Answers the next `times` (default 1) forwardable requests with 429 and `Retry-After`. */
  throttleNext(options?: { retryAfterSeconds?: number; times?: number }): void;
  /** Answers the next `times` (default 1) forwardable requests with APIM's 500 backend failure. */
  failNextWithBackendError(times?: number): void;
  /** Requests seen so far, oldest first. */
  readonly requests: readonly GatewayRequest[];
  /** Forgets the recorded requests. */
  clearRequests(): void;
}

/** How the gateway starts out. */
export interface GatewayOptions {
  apimUrl: string;
  apiSuffix: string;
  keys: readonly string[];
  clock: Clock;
  identity: GatewayIdentity;
  rateLimit?: RateLimit | undefined;
  quota?: Quota | undefined;
  /** Forward any GET under the suffix, as a hand-wired `GET /*` operation does. */
  wildcard?: boolean;
  /** Start with the backend unreachable. */
  backendDown?: boolean;
}

/** Builds the gateway handler and its controls. */
export function createGateway(options: GatewayOptions) {
  const prefix = `/${options.apiSuffix.replace(/^\/+|\/+$/g, "")}`;
  const whitelist = routes.map((route) => ({ route, pattern: templateToRegExp(route.path) }));
  const state = {
    keys: new Set(options.keys),
    rateLimit: options.rateLimit,
    throttle: { times: 0, retryAfterSeconds: 0 },
    backendErrors: 0,
    backendDown: options.backendDown ?? false,
    calls: new Map<string, number[]>(),
    quotaUsed: new Map<string, { start: number; used: number }>(),
    requests: [] as GatewayRequest[],
    activity: 0,
  };

  function match(method: string, path: string): Route | undefined {
    return whitelist.find(({ route, pattern }) => route.method === method && pattern.test(path))?.route;
  }

  /** Seconds until `key` may call again under the sliding window, or 0 when it may call now. */
  function rateLimitWait(key: string, now: number): number {
    const limit = state.rateLimit;
    if (!limit) return 0;
    const windowMs = limit.renewalPeriodSeconds * 1000;
    const recent = (state.calls.get(key) ?? []).filter((t) => now - t < windowMs);
    state.calls.set(key, recent);
    if (recent.length < limit.calls) {
      recent.push(now);
      return 0;
    }
    return ((recent[0] ?? now) + windowMs - now) / 1000;
  }

  /** Seconds until `key`'s quota renews when it is used up, or 0 when this call fits. */
  function quotaWait(key: string, now: number): number {
    const quota = options.quota;
    if (!quota) return 0;
    const periodMs = quota.renewalPeriodSeconds * 1000;
    let window = state.quotaUsed.get(key);
    if (!window || now - window.start >= periodMs) window = { start: now, used: 0 };
    state.quotaUsed.set(key, window);
    if (window.used < quota.calls) {
      window.used += 1;
      return 0;
    }
    return (window.start + periodMs - now) / 1000;
  }

  const handler = http.all(`${options.apimUrl.replace(/\/+$/, "")}/*`, ({ request }) => {
    const url = new URL(request.url);
    const inApi = url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
    const path = inApi ? url.pathname.slice(prefix.length) || "/" : url.pathname;
    const method = request.method.toUpperCase();
    const route = inApi ? match(method, path) : undefined;
    const wildcard = inApi && !route && options.wildcard === true && method === "GET";
    const record = (outcome: GatewayOutcome) =>
      state.requests.push({
        method: request.method,
        path,
        operationId: route?.operationId,
        outcome,
        at: options.clock.now(),
      });

    if (!route && !wildcard) {
      record("operation-not-found");
      return apimError(404, APIM_MESSAGES.notFound);
    }
    const key =
      request.headers.get("ocp-apim-subscription-key") ?? url.searchParams.get("subscription-key") ?? "";
    if (key === "") {
      record("missing-subscription-key");
      return apimError(401, APIM_MESSAGES.missingKey);
    }
    if (!state.keys.has(key)) {
      record("invalid-subscription-key");
      return apimError(401, APIM_MESSAGES.invalidKey);
    }
    if (state.throttle.times > 0) {
      state.throttle.times -= 1;
      record("rate-limited");
      return apimRateLimited(state.throttle.retryAfterSeconds);
    }
    const wait = rateLimitWait(key, options.clock.now());
    if (wait > 0) {
      record("rate-limited");
      return apimRateLimited(wait);
    }
    const renewal = quotaWait(key, options.clock.now());
    if (renewal > 0) {
      record("quota-exceeded");
      return apimQuotaExceeded(renewal);
    }
    if (state.backendDown || state.backendErrors > 0) {
      if (!state.backendDown) state.backendErrors -= 1;
      record("backend-error");
      state.activity += 1;
      const activityId = `00000000-0000-4000-a000-${String(state.activity).padStart(12, "0")}`;
      return apimError(500, APIM_MESSAGES.internalError, { activityId });
    }
    if (!options.identity.granted()) {
      record("identity-not-granted");
      return databricksError(401, "401", "Unauthorized");
    }
    record("forwarded");
    // Nothing returned: msw hands the request to the workspace handlers that follow.
    return undefined;
  });

  const controls: GatewayControls = {
    setKeys(keys) {
      state.keys = new Set(keys);
    },
    setManagedIdentityGranted(granted) {
      options.identity.set(granted);
    },
    setBackendDown(down) {
      state.backendDown = down;
    },
    setRateLimit(limit) {
      state.rateLimit = limit;
      state.calls.clear();
    },
    throttleNext({ retryAfterSeconds = 57, times = 1 } = {}) {
      state.throttle = { times, retryAfterSeconds };
    },
    failNextWithBackendError(times = 1) {
      state.backendErrors = times;
    },
    get requests() {
      return state.requests;
    },
    clearRequests() {
      state.requests = [];
    },
  };

  /** Back to the options the gateway was created with. */
  function reset(): void {
    Object.assign(state, {
      keys: new Set(options.keys),
      rateLimit: options.rateLimit,
      throttle: { times: 0, retryAfterSeconds: 0 },
      backendErrors: 0,
      backendDown: options.backendDown ?? false,
      calls: new Map(),
      quotaUsed: new Map(),
      requests: [],
      activity: 0,
    });
  }

  return { handler, controls, reset };
}

/**
 * APIM's 403 from `quota-by-key`, with `Retry-After`; the message as quota-by-key-policy.md words it,
 * with the time left as hh:mm:ss.
 */
function apimQuotaExceeded(renewalSeconds: number): Response {
  const seconds = Math.max(1, Math.ceil(renewalSeconds));
  const hms = [seconds / 3600, (seconds % 3600) / 60, seconds % 60]
    .map((n) => String(Math.floor(n)).padStart(2, "0"))
    .join(":");
  return apimError(403, `Out of call volume quota. Quota will be replenished in ${hms}.`, {
    headers: { "Retry-After": String(seconds) },
  });
}

/** `/api/2.0/sql/statements/{statement_id}` → an anchored RegExp with one segment per parameter. */
function templateToRegExp(template: string): RegExp {
  const escaped = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]+");
  return new RegExp(`^${escaped}$`);
}
