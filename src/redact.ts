/**
 * Secret redaction. Errors carry text that came from the network (bodies, messages); if a
 * misconfigured backend ever echoes a request header back, the subscription key or token would
 * end up in an exception message and from there in logs. Every error message passes through here.
 */

/** Minimum length of a value worth redacting (shorter ones would blank out ordinary words). */
const MIN_SECRET_LENGTH = 8;

/** Replaces every occurrence of each secret in `text` with `[REDACTED]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret))
      out = out.split(secret).join("[REDACTED]");
  }
  return out;
}

/** Entra ID access tokens are JWTs; redact any that slipped into text even though we never store them. */
const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;

/** Redacts the given secrets and anything shaped like a bearer JWT. */
export function redactAll(text: string, secrets: readonly string[]): string {
  return redact(text, secrets).replace(JWT_PATTERN, "[REDACTED]");
}
