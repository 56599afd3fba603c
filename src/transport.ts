/**
 * The transport: the fetch layer the client hands to openapi-fetch. It owns what happens between
 * "send this Request" and "here is a Response": per-call options, and turning thrown network
 * failures into typed errors. (Retries and timeouts plug in here.)
 */
import type { Describe } from "./auth.js";
import type { FetchLike, RetryEvent } from "./config.js";
import { DatabricksApimError, DatabricksConnectionError } from "./errors.js";
import { redactAll } from "./redact.js";

/** Per-call overrides, passed in the init of any client call: `client.GET(path, { params, maxRetries: 0 })`. */
export interface CallOptions {
  /** Retries after the first attempt for this call. */
  maxRetries?: number;
  /** Per-attempt timeout for this call, in ms. */
  timeout?: number;
  /** Deadline for this call including retries, in ms. */
  totalTimeout?: number;
}

/** Client-level transport settings. */
export interface TransportOptions {
  maxRetries: number;
  timeout: number;
  totalTimeout: number;
  onRetry: ((event: RetryEvent) => void) | undefined;
  describe: Describe;
  secrets: readonly string[];
}

/**
 * Reads per-call overrides. openapi-fetch copies init keys that a Request does not have onto the
 * Request object it passes to `fetch`, so they arrive here without a side channel.
 */
export function readCallOptions(request: Request): CallOptions {
  const source = request as Request & CallOptions;
  const out: CallOptions = {};
  if (typeof source.maxRetries === "number") out.maxRetries = source.maxRetries;
  if (typeof source.timeout === "number") out.timeout = source.timeout;
  if (typeof source.totalTimeout === "number") out.totalTimeout = source.totalTimeout;
  return out;
}

/** Builds the transport around `send` (the authenticated fetch). */
export function createTransport(send: FetchLike, options: TransportOptions): FetchLike {
  return async (request) => {
    try {
      return await send(request);
    } catch (cause) {
      if (cause instanceof DatabricksApimError) throw cause;
      if (request.signal.aborted) throw request.signal.reason;
      const where = options.describe(request);
      const reason = cause instanceof Error ? redactAll(cause.message, options.secrets) : "network error";
      throw new DatabricksConnectionError(
        `Network error: ${reason} (${where.method} ${where.path}). Check connectivity to the gateway.`,
        { ...where, cause },
      );
    }
  };
}
