/**
 * Should this attempt be retried? A pure function of what the attempt produced, tested row by row
 * (test/retry-decision.test.ts cites the official SDKs' sources for each row). The transport owns
 * the loop, the timing (retry-timing.ts) and the deadline.
 *
 * Two kinds of retry:
 * - "unprocessed": the server said it did not carry the request out (throttled, unavailable, a
 *   transient platform error). Retried for every method until `totalTimeout`, as the official SDKs
 *   do for 300 s; `maxRetries` does not count them (only `maxRetries: 0` turns them off).
 * - "uncertain": the request may have gone through (network failure, timeout, a gateway 502/504,
 *   APIM's backend-failure 500, a cut 2xx body). Retried only when repeating is safe
 *   (idempotency.ts), at most `maxRetries` times.
 */
import type { FailureKind } from "./call.js";

/** What the retry decision looks at. */
export interface RetryInput {
  /** HTTP status, when a response came. */
  status?: number | undefined;
  /** Why no usable response came, otherwise. */
  failure?: FailureKind | undefined;
  /** The call's deadline (not the per-attempt timeout) cut the attempt short. */
  deadline?: boolean | undefined;
  /** The response's error body, parsed when JSON (Databricks' `{error_code, message}`, APIM's `{statusCode, message}`). */
  errorBody?: unknown;
  /** Is the request safe to send twice? Asked only when it matters. */
  idempotent: () => boolean;
}

/** A retry: why (for `onRetry`), and whether it counts against `maxRetries`. */
export interface RetryDecision {
  reason: string;
  kind: "unprocessed" | "uncertain";
}

/** Throttling and unavailability: the request was not processed (go: apierr/errors.go `IsRetriable`). */
const UNPROCESSED_STATUSES: ReadonlySet<number> = new Set([429, 503]);
/** Error codes that mean "not now", whatever the status (go: apierr/error_mapping.go, py: errors/platform.py). */
const UNPROCESSED_CODES: ReadonlySet<string> = new Set([
  "REQUEST_LIMIT_EXCEEDED",
  "RESOURCE_EXHAUSTED",
  "TEMPORARILY_UNAVAILABLE",
]);
/** Gateway statuses that may hide a processed request. */
const UNCERTAIN_STATUSES: ReadonlySet<number> = new Set([502, 504]);

/**
 * Messages of transient platform errors, retried for every method like the official SDKs do
 * (go: apierr/error_overrides.go `allTransientErrors`; py: databricks/sdk/_base_client.py).
 * Python's "Unexpected error" is left out: it also names real failures of processed requests.
 */
export const TRANSIENT_MESSAGES: readonly RegExp[] = [
  /com\.databricks\.backend\.manager\.util\.UnknownWorkerEnvironmentException/,
  /does not have any associated worker environments/,
  /There is no worker environment with id/,
  /Unknown worker environment/,
  /ClusterNotReadyException/,
  /worker env .* not found/,
  /Timed out after /,
  /deadline exceeded/,
  /Please try again later or try a faster operation\./,
  /RPC token bucket limit has been exceeded/,
  // SCIM answers throttling as a 500 whose detail says so (go: config/api_client.go).
  /REQUEST_LIMIT_EXCEEDED/,
];

/** `error_code` and message text of an error body, whatever its writer. */
export function errorSummary(body: unknown): { errorCode?: string; message: string; gateway: boolean } {
  if (typeof body === "string") return { message: body.slice(0, 4096), gateway: false };
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return { message: "", gateway: false };
  const record = body as Record<string, unknown>;
  const texts = [record.message, record.error, record.detail].filter((text) => typeof text === "string");
  const code = record.error_code;
  const gateway =
    typeof record.statusCode === "number" && typeof record.message === "string" && code === undefined;
  return {
    ...(typeof code === "string" ? { errorCode: code } : {}),
    message: texts.join(" "),
    gateway,
  };
}

/** Why this attempt deserves another one, or `undefined` when it does not. */
export function retryDecision(input: RetryInput): RetryDecision | undefined {
  if (input.failure !== undefined) {
    if (input.failure === "redirect" || input.failure === "too-large" || input.deadline) return undefined;
    return input.idempotent() ? { reason: input.failure, kind: "uncertain" } : undefined;
  }
  const status = input.status ?? 0;
  if (status < 400) return undefined;
  if (UNPROCESSED_STATUSES.has(status)) return { reason: String(status), kind: "unprocessed" };
  const { errorCode, message, gateway } = errorSummary(input.errorBody);
  if (errorCode !== undefined && UNPROCESSED_CODES.has(errorCode))
    return { reason: errorCode, kind: "unprocessed" };
  if (!gateway && TRANSIENT_MESSAGES.some((pattern) => pattern.test(message)))
    return { reason: `${status} transient`, kind: "unprocessed" };
  const uncertain = UNCERTAIN_STATUSES.has(status) || (status === 500 && gateway);
  return uncertain && input.idempotent() ? { reason: String(status), kind: "uncertain" } : undefined;
}
