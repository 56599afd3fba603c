/**
 * Which ARM answers are worth another attempt, and the backoff shape for them. The delays themselves
 * come from the repository's one implementation, src/retry-timing.ts (`retryDelay`, `backoffDelay`);
 * only the ARM-specific constants live here.
 */
import type { Backoff } from "../../src/retry-timing.js";

/** 408 and 429 are throttling/timeouts; the 5xx are ARM's transient failures. */
export const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** The longest `Retry-After` honoured. */
export const MAX_DELAY_MS = 120_000;
/** Between retries without `Retry-After`: ≈1 s, 2 s, 4 s … up to a minute (ARM asks for patience). */
export const ARM_RETRY_BACKOFF: Readonly<Backoff> = { initial: 1_000, max: 60_000, factor: 2, jitter: 0.25 };

/**
 * A write that met another operation on the same API, by Azure/apiops's publisher rule
 * (src/common/Http.cs, `CommonRetryPolicy.ShouldRetryInner`): 412; 409/422 ManagementApiRequestFailed;
 * 409 Conflict or PessimisticConcurrencyConflict saying "Operation on the API is in progress".
 */
export function isConflict(status: number, body: unknown): boolean {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === "string" ? error.code.toLowerCase() : "";
  const message = typeof error?.message === "string" ? error.message.toLowerCase() : "";
  if (status === 412) return true;
  if ((status === 409 || status === 422) && code === "managementapirequestfailed") return true;
  return (
    status === 409 &&
    (code === "pessimisticconcurrencyconflict" || code === "conflict") &&
    message.includes("operation on the api is in progress")
  );
}
