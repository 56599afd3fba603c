/**
 * Response → error. Behind APIM an error body can come from two writers:
 * - the gateway itself: `{ "statusCode": 401, "message": "Access denied due to missing subscription key…" }`;
 * - Databricks: `{ "error_code": "RESOURCE_DOES_NOT_EXIST", "message": "…", "details": [...] }`, or on
 *   older endpoints `{ "error": "…" }`, SCIM's `{ "detail", "status", "scimType" }`, plain `CODE: message`
 *   text, or an HTML page.
 * All of them become one typed error. `clusters/get`, `jobs/get` and `jobs/runs/get` answer a missing
 * resource with 400 INVALID_PARAMETER_VALUE; the official SDKs remap that with the overrides below,
 * matching the request path, which behind APIM's `/dbw-01` prefix would never match: we match the
 * path without the prefix.
 */

import {
  Aborted,
  ApimGatewayError,
  BadRequest,
  Cancelled,
  DatabricksApiError,
  type DatabricksApimError,
  DataLoss,
  DeadlineExceeded,
  type ErrorInit,
  type GatewayReason,
  InternalError,
  InvalidParameterValue,
  InvalidState,
  NotFound,
  NotImplemented,
  PermissionDenied,
  RequestLimitExceeded,
  ResourceAlreadyExists,
  ResourceConflict,
  ResourceDoesNotExist,
  ResourceExhausted,
  TemporarilyUnavailable,
  TooManyRequests,
  Unauthenticated,
  Unknown,
} from "./errors.js";
import { redactAll } from "./redact.js";
import { parseRetryAfter } from "./retry-timing.js";

type ApiErrorClass = new (message: string, init: ErrorInit) => DatabricksApiError;

/** `error_code` → class, checked before the status (same order as the official SDKs). */
const BY_ERROR_CODE: Readonly<Record<string, ApiErrorClass>> = {
  INVALID_PARAMETER_VALUE: InvalidParameterValue,
  INVALID_STATE: InvalidState,
  RESOURCE_DOES_NOT_EXIST: ResourceDoesNotExist,
  ABORTED: Aborted,
  ALREADY_EXISTS: ResourceAlreadyExists,
  RESOURCE_ALREADY_EXISTS: ResourceAlreadyExists,
  RESOURCE_EXHAUSTED: ResourceExhausted,
  REQUEST_LIMIT_EXCEEDED: RequestLimitExceeded,
  UNKNOWN: Unknown,
  DATA_LOSS: DataLoss,
};

/** HTTP status → class, when the error code says nothing more specific. */
const BY_STATUS: Readonly<Record<number, ApiErrorClass>> = {
  400: BadRequest,
  401: Unauthenticated,
  403: PermissionDenied,
  404: NotFound,
  409: ResourceConflict,
  429: TooManyRequests,
  499: Cancelled,
  500: InternalError,
  501: NotImplemented,
  503: TemporarilyUnavailable,
  504: DeadlineExceeded,
};

/**
 * Not-found remaps, as databricks-sdk-go v0.175.0 `apierr/error_overrides.go` (`allOverrides`) and
 * databricks-sdk-py `databricks/sdk/errors/overrides.py` have them: method, path, status, error code
 * and message all match → `RESOURCE_DOES_NOT_EXIST`. Messages are matched case-sensitively, as there.
 */
export const NOT_FOUND_OVERRIDES: readonly {
  method: string;
  path: RegExp;
  status: number;
  errorCode: string;
  message: RegExp;
}[] = [
  {
    method: "GET",
    path: /^\/api\/2\.\d\/clusters\/get/,
    status: 400,
    errorCode: "INVALID_PARAMETER_VALUE",
    message: /Cluster .* does not exist/,
  },
  {
    method: "GET",
    path: /^\/api\/2\.\d\/jobs\/get/,
    status: 400,
    errorCode: "INVALID_PARAMETER_VALUE",
    message: /Job .* does not exist/,
  },
  {
    method: "GET",
    path: /^\/api\/2\.\d\/jobs\/runs\/get/,
    status: 400,
    errorCode: "INVALID_PARAMETER_VALUE",
    message: /(Run .* does not exist|Run: .* in job: .* doesn't exist)/,
  },
];

/** What to do next, per gateway reason; appended to the message. */
const GATEWAY_HINTS: Readonly<Record<GatewayReason, string>> = {
  "missing-subscription-key": "Pass subscriptionKey (or set DATABRICKS_APIM_SUBSCRIPTION_KEY).",
  "invalid-subscription-key": "Check that the key belongs to an active subscription that includes this API.",
  "operation-not-found": "The operation is not in the API's whitelist, or the path or method is wrong.",
  "rate-limited": "The gateway's rate limit was hit; retry after the delay it gave.",
  "quota-exceeded": "The subscription's call quota is used up until its renewal period ends.",
  "request-rejected":
    "A gateway policy (a validate-* policy, for one) refused the request before it reached the workspace.",
  "response-rejected":
    "The workspace answered, but the gateway's outbound validation refused the response; the platform team can see why in a trace.",
  "backend-failure":
    "APIM could not get an answer from the workspace; quote the activityId to your platform team.",
  other: "",
};

/** Where an error happened: the call's method and unprefixed path, and the secrets to keep out of it. */
export interface ErrorContext {
  method: string;
  path: string;
  secrets: readonly string[];
}

/** Builds the typed error for a non-2xx `response` whose body was already read into `body`. */
export function errorFromResponse(
  response: Response,
  body: unknown,
  context: ErrorContext,
): DatabricksApimError {
  const status = response.status;
  const parsed = typeof body === "string" ? parseJson(body) : body;
  const record = isRecord(parsed) ? parsed : undefined;
  const init: ErrorInit = {
    status,
    secrets: context.secrets,
    method: context.method,
    path: context.path,
    retryAfter: parseRetryAfter(response.headers.get("retry-after")),
    requestId:
      response.headers.get("x-request-id") ??
      response.headers.get("x-databricks-request-id") ??
      response.headers.get("x-ms-request-id") ??
      (typeof record?.activityId === "string" ? record.activityId : undefined),
  };
  const where = `(${status} ${context.method} ${context.path})`;

  if (record && isGatewayBody(record)) {
    const reason = gatewayReason(status, record.message);
    const hint = GATEWAY_HINTS[reason];
    const activityId = typeof record.activityId === "string" ? record.activityId : undefined;
    const message = `APIM gateway: ${record.message} ${where}${hint ? ` ${hint}` : ""}`;
    return new ApimGatewayError(message, { ...init, errorCode: reason, reason, activityId });
  }

  let { errorCode, message } = record
    ? fromJson(record)
    : fromText(typeof parsed === "string" ? parsed : "", context.secrets);
  if (!message) message = response.statusText || `HTTP ${status}`;
  if (!errorCode && !record && typeof parsed === "string" && /<html|<pre>|<title>/i.test(parsed)) {
    errorCode = toUpperSnake(response.statusText);
  }
  const details = record && Array.isArray(record.details) ? record.details : [];

  const remap = NOT_FOUND_OVERRIDES.some(
    (o) =>
      o.method === context.method &&
      o.path.test(context.path) &&
      o.status === status &&
      o.errorCode === errorCode &&
      o.message.test(message),
  );
  if (remap) errorCode = "RESOURCE_DOES_NOT_EXIST";
  const ErrorClass = (errorCode && BY_ERROR_CODE[errorCode]) || BY_STATUS[status] || DatabricksApiError;
  const text = `${errorCode ? `${errorCode}: ` : ""}${message} ${where}`;
  return new ErrorClass(text, { ...init, errorCode, details });
}

/** APIM's own error body, `{ statusCode, message, activityId? }`, as opposed to the workspace's `{ error_code, message }`. */
export function isGatewayBody(
  body: unknown,
): body is { statusCode: number; message: string; activityId?: unknown } {
  if (!isRecord(body)) return false;
  return typeof body.statusCode === "number" && typeof body.message === "string" && !("error_code" in body);
}

function gatewayReason(status: number, message: string): GatewayReason {
  if (status === 401 && /missing subscription key/i.test(message)) return "missing-subscription-key";
  if (status === 401 && /invalid subscription key/i.test(message)) return "invalid-subscription-key";
  if (status === 404) return "operation-not-found";
  if (status === 429) return "rate-limited";
  if (status === 403 && /quota/i.test(message)) return "quota-exceeded";
  // Validation policies with action "prevent" answer 400 inbound and 502 outbound, the outbound one
  // with a fixed public text (azure-docs includes/api-management-validation-policy-error-reference.md).
  if (status === 400) return "request-rejected";
  if (status === 502 && /could not be processed due to an internal error/.test(message))
    return "response-rejected";
  if (status >= 500) return "backend-failure";
  return "other";
}

function fromJson(body: Record<string, unknown>): { errorCode: string | undefined; message: string } {
  // SCIM endpoints use their own error shape; the official SDKs report it as SCIM_<status>.
  if (typeof body.detail === "string" || typeof body.scimType === "string") {
    const message = [body.scimType, body.detail].filter((part) => typeof part === "string" && part).join(" ");
    return { errorCode: body.status == null ? undefined : `SCIM_${String(body.status)}`, message };
  }
  const code = body.error_code;
  const errorCode = typeof code === "string" || typeof code === "number" ? String(code) : undefined;
  // API 1.2 style bodies put the text in `error`.
  const message =
    typeof body.error === "string" ? body.error : typeof body.message === "string" ? body.message : "";
  return { errorCode, message };
}

function fromText(
  text: string,
  secrets: readonly string[],
): { errorCode: string | undefined; message: string } {
  // Redacted before it is cut short, so that the cut cannot leave the start of a key behind.
  const trimmed = redactAll(text, secrets).trim();
  const coded = /^([A-Z][A-Z_]+): ([\s\S]*)$/.exec(trimmed);
  if (coded) return { errorCode: coded[1], message: coded[2]!.trim() };
  const pre = /<pre>([\s\S]*?)<\/pre>/i.exec(trimmed) ?? /<title>([\s\S]*?)<\/title>/i.exec(trimmed);
  if (pre) return { errorCode: undefined, message: pre[1]!.trim() };
  if (/^<(!doctype|html)/i.test(trimmed)) return { errorCode: undefined, message: "" };
  return { errorCode: undefined, message: trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toUpperSnake(text: string): string | undefined {
  const snake = text
    .trim()
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
  return snake || undefined;
}
