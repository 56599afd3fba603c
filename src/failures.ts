/**
 * The one place that turns a failed attempt (no usable response, or no token) into the typed error
 * the caller gets. Responses with an HTTP error status are not built here: openapi-fetch returns them, and
 * `unwrap`/`toError` (response-errors.ts) build their error. Messages are built from raw text: the error
 * constructor (errors.ts) redacts them and copies the cause chain redacted.
 */
import type { Failure } from "./call.js";
import {
  DatabricksAuthError,
  DatabricksConnectionError,
  DatabricksRedirectError,
  DatabricksResponseTooLargeError,
  DatabricksTimeoutError,
  type ErrorInit,
} from "./errors.js";

/** What the transport knows about the call when its last attempt failed. */
export interface FailureContext {
  method: string;
  path: string;
  attempt: number;
  idempotent: boolean;
  timeout: number;
  totalTimeout: number;
  maxResponseBytes: number;
  /** What the attempt before this one failed with, if any. */
  previous: string | undefined;
  secrets: readonly string[];
}

/** The error thrown for the last failed attempt; says what happened and what to do next. */
export function failureError(
  failure: Failure,
  context: FailureContext,
): DatabricksConnectionError | DatabricksRedirectError | DatabricksResponseTooLargeError {
  const call = `${context.method} ${context.path}`;
  const attempts = context.attempt > 1 ? `, ${context.attempt} attempts` : "";
  const unsafe = context.idempotent
    ? ""
    : ` Not retried: ${call} is not safe to repeat; check whether it took effect before sending it again.`;
  const init: ErrorInit = {
    method: context.method,
    path: context.path,
    cause: failure.cause,
    status: failure.status,
    secrets: context.secrets,
  };
  const { detail } = failure;
  switch (failure.kind) {
    case "timeout": {
      const message = failure.deadline
        ? `Timed out: the call's deadline (totalTimeout ${context.totalTimeout} ms) ran out, ${detail} (${call}${attempts})` +
          `${context.previous ? `; the attempt before failed with ${context.previous}` : ""}. Raise totalTimeout for slow operations.`
        : `Timed out: ${detail} (${call}${attempts}).${unsafe || " Raise timeout (per attempt) for slow operations, or check the gateway's backend timeout."}`;
      return new DatabricksTimeoutError(message, init);
    }
    case "invalid-body":
      return new DatabricksConnectionError(
        `Invalid response: ${detail} (${call}${attempts}). The body was cut short or is not JSON.${unsafe}`,
        { ...init, errorCode: "INVALID_RESPONSE_BODY" },
      );
    case "redirect": {
      const target = failure.targetOrigin ? ` towards ${failure.targetOrigin}` : "";
      return new DatabricksRedirectError(
        failure.followed
          ? `Redirect refused: ${detail}${target} (${call}), so the key or token may have reached it. A custom fetch must keep the Request's redirect: "manual".`
          : `Redirect refused: ${detail}${target} (${call}). The client never follows redirects, so the key, token and body go nowhere else; check the gateway URL and its policies.`,
        { ...init, errorCode: "REDIRECT", targetOrigin: failure.targetOrigin },
      );
    }
    case "too-large":
      return new DatabricksResponseTooLargeError(
        `Response too large: ${detail}, over maxResponseBytes (${context.maxResponseBytes}) (${call}). Raise maxResponseBytes, ask for less (page size, byte_limit), or use parseAs: "stream".`,
        { ...init, errorCode: "RESPONSE_TOO_LARGE", maxResponseBytes: context.maxResponseBytes },
      );
    default:
      return new DatabricksConnectionError(
        `Network error: ${detail} (${call}${attempts}).${unsafe || " Check connectivity to the gateway."}`,
        init,
      );
  }
}

/** The error for a credential that failed (`cause`) or returned no token. */
export function tokenError(input: {
  scopes: readonly string[];
  method: string;
  path: string;
  cause?: unknown;
  secrets: readonly string[];
}): DatabricksAuthError {
  const { method, path, secrets } = input;
  const scopes = input.scopes.join(" ");
  if (!("cause" in input))
    return new DatabricksAuthError(`The credential returned no token for ${scopes} (${method} ${path}).`, {
      method,
      path,
      secrets,
    });
  const reason = input.cause instanceof Error ? input.cause.message : "unknown error";
  return new DatabricksAuthError(
    `Failed to get a token for ${scopes}: ${reason} (${method} ${path}). Check the credential's configuration.`,
    { method, path, cause: input.cause, secrets },
  );
}

/** "fetch failed: read ECONNRESET", following `cause` a few levels down. */
export function describeCause(cause: unknown): string {
  const parts: string[] = [];
  let current = cause;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    const text =
      typeof code === "string" && !current.message.includes(code)
        ? `${current.message} (${code})`
        : current.message;
    if (text && !parts.includes(text)) parts.push(text);
    current = current.cause;
  }
  return parts.join(": ") || "network error";
}
