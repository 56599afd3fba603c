/**
 * Error classes. One base class, `DatabricksApimError`; the gateway's own refusals
 * (`ApimGatewayError`) are told apart from Databricks' answers (`DatabricksApiError` and its
 * subclasses, mapped the way the official SDKs map `error_code` and status), and failures that never
 * produced a response (`DatabricksConnectionError`, `DatabricksTimeoutError`) carry their `cause`.
 *
 * No error keeps the Request (its headers hold the subscription key or token), and the constructor
 * redacts everything it stores (message, codes, ids, details, a copy of the cause chain) with the
 * `secrets` it is given and any bearer-JWT shape, so `String(err)`, `util.inspect(err)` and
 * `JSON.stringify(err)` are safe to log.
 */
import { redactAll, redactDeep } from "./redact.js";

/** Fields shared by every error this package throws. */
export interface ErrorInit {
  status?: number | undefined;
  errorCode?: string | undefined;
  details?: readonly unknown[] | undefined;
  requestId?: string | undefined;
  method: string;
  path: string;
  retryAfter?: number | undefined;
  /** Kept as a redacted copy, never as the original object. */
  cause?: unknown;
  /** The key and token to remove from every string the error keeps. Never stored on the error. */
  secrets?: readonly string[] | undefined;
}

/** `text` redacted, keeping `undefined`. */
function redactOptional(text: string | undefined, secrets: readonly string[]): string | undefined {
  return text === undefined ? undefined : redactAll(String(text), secrets);
}

/** Base class of every error thrown by databricks-apim. */
export class DatabricksApimError extends Error {
  override name = "DatabricksApimError";
  /** HTTP status, when a response was received. */
  readonly status: number | undefined;
  /** Databricks `error_code` (e.g. `RESOURCE_DOES_NOT_EXIST`) or a gateway reason. */
  readonly errorCode: string | undefined;
  /** Structured details from the error body (google.rpc style), if any. */
  readonly details: readonly unknown[];
  /** Request id from the response (`x-request-id`, APIM `activityId`), for support tickets. */
  readonly requestId: string | undefined;
  /** HTTP method of the failed call. */
  readonly method: string;
  /** API path of the failed call, without the gateway prefix and without the query string. */
  readonly path: string;
  /** Milliseconds the server asked us to wait (`Retry-After`), when it said. */
  readonly retryAfter: number | undefined;

  constructor(message: string, init: ErrorInit) {
    const secrets = init.secrets ?? [];
    super(
      redactAll(String(message), secrets),
      init.cause === undefined ? undefined : { cause: redactDeep(init.cause, secrets) },
    );
    this.status = init.status;
    this.errorCode = redactOptional(init.errorCode, secrets);
    this.details = redactDeep([...(init.details ?? [])], secrets);
    this.requestId = redactOptional(init.requestId, secrets);
    this.method = init.method;
    this.path = redactAll(String(init.path), secrets);
    this.retryAfter = init.retryAfter;
  }

  /** A plain, secret-free view for logging and `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      errorCode: this.errorCode,
      details: this.details,
      requestId: this.requestId,
      method: this.method,
      path: this.path,
      retryAfter: this.retryAfter,
    };
  }
}

/** Why the APIM gateway refused a call, read from its status and message. */
export type GatewayReason =
  | "missing-subscription-key"
  | "invalid-subscription-key"
  | "operation-not-found"
  | "rate-limited"
  | "quota-exceeded"
  | "request-rejected"
  | "response-rejected"
  | "backend-failure"
  | "other";

/** The APIM gateway itself refused or failed the call (body `{ statusCode, message }`). */
export class ApimGatewayError extends DatabricksApimError {
  override name = "ApimGatewayError";
  /** What the gateway objected to. */
  readonly reason: GatewayReason;
  /** APIM's `activityId` from a backend-failure body. */
  readonly activityId: string | undefined;
  constructor(message: string, init: ErrorInit & { reason: GatewayReason; activityId?: string | undefined }) {
    super(message, init);
    this.reason = init.reason;
    this.activityId = redactOptional(init.activityId, init.secrets ?? []);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, activityId: this.activityId };
  }
}

/** Databricks answered with an error. Subclasses follow the official SDKs' mapping. */
export class DatabricksApiError extends DatabricksApimError {
  override name = "DatabricksApiError";
}
/** HTTP 400. */
export class BadRequest extends DatabricksApiError {
  override name = "BadRequest";
}
/** `INVALID_PARAMETER_VALUE` (400). */
export class InvalidParameterValue extends BadRequest {
  override name = "InvalidParameterValue";
}
/** `INVALID_STATE` (400): the resource is in the wrong state for this call. */
export class InvalidState extends BadRequest {
  override name = "InvalidState";
}
/** HTTP 401 from Databricks: the gateway's identity was not accepted by the workspace. */
export class Unauthenticated extends DatabricksApiError {
  override name = "Unauthenticated";
}
/** HTTP 403. */
export class PermissionDenied extends DatabricksApiError {
  override name = "PermissionDenied";
}
/** HTTP 404. */
export class NotFound extends DatabricksApiError {
  override name = "NotFound";
}
/** `RESOURCE_DOES_NOT_EXIST`, including the 400s some endpoints send for a missing resource. */
export class ResourceDoesNotExist extends NotFound {
  override name = "ResourceDoesNotExist";
}
/** HTTP 409. */
export class ResourceConflict extends DatabricksApiError {
  override name = "ResourceConflict";
}
/** `ABORTED` (409). */
export class Aborted extends ResourceConflict {
  override name = "Aborted";
}
/** `ALREADY_EXISTS` / `RESOURCE_ALREADY_EXISTS` (409). */
export class ResourceAlreadyExists extends ResourceConflict {
  override name = "ResourceAlreadyExists";
}
/** HTTP 429 from Databricks. */
export class TooManyRequests extends DatabricksApiError {
  override name = "TooManyRequests";
}
/** `RESOURCE_EXHAUSTED` (429). */
export class ResourceExhausted extends TooManyRequests {
  override name = "ResourceExhausted";
}
/** `REQUEST_LIMIT_EXCEEDED` (429). */
export class RequestLimitExceeded extends TooManyRequests {
  override name = "RequestLimitExceeded";
}
/** HTTP 499. */
export class Cancelled extends DatabricksApiError {
  override name = "Cancelled";
}
/** HTTP 500. */
export class InternalError extends DatabricksApiError {
  override name = "InternalError";
}
/** `UNKNOWN` (500). */
export class Unknown extends InternalError {
  override name = "Unknown";
}
/** `DATA_LOSS` (500). */
export class DataLoss extends InternalError {
  override name = "DataLoss";
}
/** HTTP 501. */
export class NotImplemented extends DatabricksApiError {
  override name = "NotImplemented";
}
/** HTTP 503. */
export class TemporarilyUnavailable extends DatabricksApiError {
  override name = "TemporarilyUnavailable";
}
/** HTTP 504. */
export class DeadlineExceeded extends DatabricksApiError {
  override name = "DeadlineExceeded";
}

/**
 * No usable response: connection refused or reset, DNS or TLS failure, or a 2xx whose JSON body was cut
 * short (`errorCode` `INVALID_RESPONSE_BODY`, with `status`).
 */
export class DatabricksConnectionError extends DatabricksApimError {
  override name = "DatabricksConnectionError";
}
/** An attempt, or the whole call, ran out of time. */
export class DatabricksTimeoutError extends DatabricksConnectionError {
  override name = "DatabricksTimeoutError";
}
/** Getting a token from the configured `credential` failed. */
export class DatabricksAuthError extends DatabricksApimError {
  override name = "DatabricksAuthError";
}
/** Why `paginate`/`pages` stopped a listing that would not end. */
export type PaginationStop = "repeated-page" | "no-progress" | "max-pages";

/**
 * A listing was stopped because it did not end: the server repeated a page token (or SCIM offset, or
 * next-page body), too many pages in a row brought no new items, or `maxPages` was reached with pages left.
 */
export class PaginationError extends DatabricksApimError {
  override name = "PaginationError";
  /** What stopped it. */
  readonly reason: PaginationStop;
  /** Pages received before it stopped. */
  readonly pages: number;
  constructor(message: string, init: ErrorInit & { reason: PaginationStop; pages: number }) {
    super(message, init);
    this.reason = init.reason;
    this.pages = init.pages;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, pages: this.pages };
  }
}

/**
 * The client was configured wrongly (thrown by `createDatabricksClient`), or a call's input cannot be
 * sent (e.g. a query that refers to itself); always before any request.
 */
export class DatabricksConfigError extends Error {
  override name = "DatabricksConfigError";
}

/** Type guard that also recognises errors from another copy of this package (by `name`). */
export function isDatabricksApimError(value: unknown): value is DatabricksApimError {
  return (
    value instanceof DatabricksApimError ||
    (value instanceof Error && "method" in value && "path" in value && "details" in value)
  );
}

/** True for gateway refusals, across package copies. */
export function isApimGatewayError(value: unknown): value is ApimGatewayError {
  return (
    value instanceof ApimGatewayError || (isDatabricksApimError(value) && value.name === "ApimGatewayError")
  );
}

/** True when the resource does not exist (404, `RESOURCE_DOES_NOT_EXIST`, or a remapped 400). */
export function isNotFound(value: unknown): value is NotFound {
  return (
    value instanceof NotFound ||
    (isDatabricksApimError(value) && /^(NotFound|ResourceDoesNotExist)$/.test(value.name))
  );
}

/**
 * The server answered with a redirect. The client never follows one: the subscription key, a token
 * or a request body must not reach another origin. Only the target's origin is kept (a full URL's
 * query could carry anything).
 */
export class DatabricksRedirectError extends DatabricksApimError {
  override name = "DatabricksRedirectError";
  /** Origin (scheme, host, port) of the redirect's target, when the response named a valid one. */
  readonly targetOrigin: string | undefined;
  constructor(message: string, init: ErrorInit & { targetOrigin?: string | undefined }) {
    super(message, init);
    this.targetOrigin = init.targetOrigin;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), targetOrigin: this.targetOrigin };
  }
}

/** A response body was larger than `maxResponseBytes`; the client stopped reading it. */
export class DatabricksResponseTooLargeError extends DatabricksApimError {
  override name = "DatabricksResponseTooLargeError";
  /** The limit that was exceeded, in bytes. */
  readonly maxResponseBytes: number;
  constructor(message: string, init: ErrorInit & { maxResponseBytes: number }) {
    super(message, init);
    this.maxResponseBytes = init.maxResponseBytes;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), maxResponseBytes: this.maxResponseBytes };
  }
}
