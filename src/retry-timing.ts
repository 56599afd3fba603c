/**
 * Retry timing, as pure functions: no I/O, no timers, so every case is table-tested.
 * `Retry-After` comes as delta-seconds or an HTTP date (RFC 9110 §10.2.3); APIM's rate limiter sends seconds.
 */

/** Parses a `Retry-After` header value into milliseconds from `now`; `undefined` when absent or invalid. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
