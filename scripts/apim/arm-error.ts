/**
 * ARM failures as values. ARM reports errors as `{error: {code, message, details[]}}`, both in failed
 * responses and in the status of a failed long-running operation; APIM puts the useful part of an
 * import error (which line of the spec, which field) in `details`, so they are kept in the message.
 */

/** A failed ARM call, with the ARM error code. Its message never contains the token. */
export class ArmError extends Error {
  override readonly name = "ArmError";
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

interface ArmErrorBody {
  code?: string;
  message?: string;
  details?: Array<{ code?: string; target?: string; message?: string }>;
}

/**
 * Builds an `ArmError` from a response or operation-status body: "what: status code: message" plus one
 * line per detail. `redact` removes secrets from text that came from the network.
 */
export function armErrorFrom(
  what: string,
  status: number | undefined,
  body: unknown,
  redact: (text: string) => string,
): ArmError {
  const error = (body as { error?: ArmErrorBody } | undefined)?.error;
  const code = error?.code;
  const details = (error?.details ?? [])
    .map(
      (detail) => `\n  - ${detail.target ? `${detail.target}: ` : ""}${detail.message ?? detail.code ?? ""}`,
    )
    .join("");
  // Redact first, then shorten: a cut through a secret would leave a prefix no redaction recognises.
  const reason =
    error?.message ??
    (typeof body === "string" && body !== "" ? truncate(redact(body), 500) : "no error body");
  const prefix = status === undefined ? what : `${what}: ${status}`;
  return new ArmError(redact(`${prefix}${code ? ` ${code}` : ""}: ${reason}${details}`), status, code);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
