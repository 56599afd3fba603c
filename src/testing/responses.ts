/**
 * Response builders with the exact bodies both writers behind an APIM gateway produce, so a test's own
 * one-off handler (`server.use(...)`) looks like production to the client's error parser:
 * - APIM itself answers `{ "statusCode": 401, "message": "…" }` (texts from Microsoft's docs, verbatim);
 * - Databricks answers `{ "error_code": "RESOURCE_DOES_NOT_EXIST", "message": "…" }`.
 */
import { HttpResponse } from "./msw.js";

/** APIM's verbatim gateway messages (docs: api-management "unauthorized errors" and error-handling tables). */
export const APIM_MESSAGES = {
  missingKey:
    "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.",
  invalidKey:
    "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.",
  notFound: "Resource not found",
  internalError: "Internal server error",
} as const;

/** The body APIM writes for its own refusals. */
export interface ApimErrorBody {
  statusCode: number;
  message: string;
  activityId?: string;
}

/** The body Databricks writes for an error. */
export interface DatabricksErrorBody {
  error_code: string;
  message: string;
  details?: unknown[];
}

/** An APIM gateway error response, `{ statusCode, message }`, with optional extra headers. */
export function apimError(
  status: number,
  message: string,
  init: { headers?: Record<string, string>; activityId?: string } = {},
): Response {
  const body: ApimErrorBody = { statusCode: status, message };
  if (init.activityId !== undefined) body.activityId = init.activityId;
  return HttpResponse.json(body, { status, headers: init.headers ?? {} });
}

/** APIM's 429 from `rate-limit-by-key`, with `Retry-After` in seconds, as the policy writes it. */
export function apimRateLimited(retryAfterSeconds: number): Response {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return apimError(429, `Rate limit is exceeded. Try again in ${seconds} seconds.`, {
    headers: { "Retry-After": String(seconds) },
  });
}

/** A Databricks error response, `{ error_code, message }`. */
export function databricksError(
  status: number,
  errorCode: string,
  message: string,
  details?: unknown[],
): Response {
  const body: DatabricksErrorBody = { error_code: errorCode, message };
  if (details !== undefined) body.details = details;
  return HttpResponse.json(body, { status });
}
