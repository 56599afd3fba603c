/**
 * Databricks query-string encoding. GET requests carry the whole request object in the query string,
 * the way the official SDKs send it (google.api.HttpRule style): nested objects become dotted keys,
 * arrays become repeated keys, booleans are lowercase at every depth, null/undefined are left out, and
 * a `Date` is sent as an ISO 8601 timestamp (Go's SDK encodes `time.Time` as RFC 3339 the same way).
 *
 *   { filter_by: { cluster_states: ["RUNNING", "PENDING"], is_pinned: true } }
 *   → filter_by.cluster_states=RUNNING&filter_by.cluster_states=PENDING&filter_by.is_pinned=true
 *
 * Spaces are encoded as %20 (not `+`), which every server decodes the same way. A query that refers
 * to itself or nests deeper than 32 levels is refused with a `DatabricksConfigError` naming the
 * parameter, before anything is sent.
 */
import { DatabricksConfigError } from "./errors.js";

/** Deepest nesting accepted; Databricks' own query objects nest two or three levels. */
export const MAX_QUERY_DEPTH = 32;

function refuse(key: string, problem: string): never {
  throw new DatabricksConfigError(`Invalid query parameter ${JSON.stringify(key)}: ${problem}`);
}

/** Encodes a query object as Databricks expects; returns "" for an empty object. */
export function encodeQuery(query: Record<string, unknown> | undefined): string {
  if (!query) return "";
  const parts: string[] = [];
  // Objects on the current path only: the same object may appear twice side by side, not inside itself.
  const open = new Set<object>();
  const add = (key: string, value: unknown, depth: number): void => {
    if (value === undefined || value === null) return;
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) refuse(key, "is an invalid Date");
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(value.toISOString())}`);
      return;
    }
    if (typeof value !== "object") {
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
      return;
    }
    if (open.has(value)) refuse(key, "contains itself (a cycle)");
    if (depth >= MAX_QUERY_DEPTH) refuse(key, `nests deeper than ${MAX_QUERY_DEPTH} levels`);
    open.add(value);
    if (Array.isArray(value)) {
      for (const item of value) add(key, item, depth + 1);
    } else {
      for (const [child, childValue] of Object.entries(value)) add(`${key}.${child}`, childValue, depth + 1);
    }
    open.delete(value);
  };
  for (const [key, value] of Object.entries(query)) add(key, value, 0);
  return parts.join("&");
}
