/**
 * Is this request safe to send twice? Only then may a network failure, a timeout or a gateway 502/504
 * be retried: the first attempt may have reached Databricks, and repeating a `clusters/create` would
 * create a second cluster. GET and HEAD always are. A POST is when the spec marks it safe
 * (`x-databricks-idempotent`: list-style POSTs, deletes, pins …) or when it carries the idempotency
 * token its operation supports (`jobs/run-now` with `idempotency_token`). PUT, PATCH and DELETE are
 * left to the caller: repeating a DELETE that went through answers 404, which would mislead.
 */
import { idempotencyTokens, idempotentPosts } from "./generated/operations.js";

/** "POST /api/2.0/sql/warehouses/{id}/start" → a matcher for concrete paths. */
function matcher(template: string): RegExp {
  const literals = template.split(/\{[^/}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${literals.join("[^/]+")}$`);
}

const SAFE_POSTS = [...idempotentPosts].map(matcher);
const TOKEN_FIELDS = Object.entries(idempotencyTokens).map(([template, field]) => ({
  match: matcher(template),
  field,
}));
const decoder = new TextDecoder();

/** True when `method path` (path without the gateway prefix) may be repeated; `body` is the request body. */
export function isIdempotent(method: string, path: string, body: string | ArrayBuffer | null): boolean {
  if (method === "GET" || method === "HEAD") return true;
  if (method !== "POST") return false;
  const key = `POST ${path}`;
  if (SAFE_POSTS.some((pattern) => pattern.test(key))) return true;
  const field = TOKEN_FIELDS.find((entry) => entry.match.test(key))?.field;
  if (field === undefined || body === null) return false;
  try {
    const parsed: unknown = JSON.parse(typeof body === "string" ? body : decoder.decode(body));
    if (typeof parsed !== "object" || parsed === null) return false;
    const token = (parsed as Record<string, unknown>)[field];
    return token !== undefined && token !== null && token !== "";
  } catch {
    return false;
  }
}
