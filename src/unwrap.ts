/**
 * "Data or throw". Client calls return `{ data, error, response }` like openapi-fetch; apps that
 * prefer exceptions wrap a call in `unwrap(...)` and get the data, or a typed `DatabricksApimError`.
 */
import type { DatabricksApimError } from "./errors.js";
import { type ErrorContext, errorFromResponse } from "./response-errors.js";

const contexts = new WeakMap<Response, ErrorContext>();

/** Records the call behind an error response (used by the client's middleware). */
export function rememberErrorContext(response: Response, context: ErrorContext): void {
  contexts.set(response, context);
}

/** The shape of any client call's result. */
export interface CallResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** Turns a failed call's result into its typed error. */
export function toError(result: CallResult): DatabricksApimError {
  const { response } = result;
  const context = contexts.get(response) ?? {
    method: "UNKNOWN",
    path: response.url ? new URL(response.url).pathname : "/",
    secrets: [],
  };
  return errorFromResponse(response, result.error, context);
}

/**
 * Awaits a client call and returns its data, or throws the typed error.
 * A successful response with an empty body yields `{}`.
 * @example
 * {@includeCode ../docs/examples/client.ts#unwrap}
 */
export async function unwrap<R extends CallResult>(
  call: Promise<R> | R,
): Promise<Exclude<R["data"], undefined>> {
  const result = await call;
  if (!result.response.ok) throw toError(result);
  return (result.data ?? {}) as Exclude<R["data"], undefined>;
}
