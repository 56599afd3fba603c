/**
 * Databricks query-string encoding. GET requests carry the whole request object in the query string,
 * the way the official SDKs send it (google.api.HttpRule style): nested objects become dotted keys,
 * arrays become repeated keys, booleans are lowercase at every depth, and null/undefined are left out.
 *
 *   { filter_by: { cluster_states: ["RUNNING", "PENDING"], is_pinned: true } }
 *   → filter_by.cluster_states=RUNNING&filter_by.cluster_states=PENDING&filter_by.is_pinned=true
 *
 * Spaces are encoded as %20 (not `+`), which every server decodes the same way.
 */

/** Encodes a query object as Databricks expects; returns "" for an empty object. */
export function encodeQuery(query: Record<string, unknown> | undefined): string {
  if (!query) return "";
  const parts: string[] = [];
  const add = (key: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) add(key, item);
    } else if (typeof value === "object") {
      for (const [child, childValue] of Object.entries(value)) add(`${key}.${child}`, childValue);
    } else {
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
    }
  };
  for (const [key, value] of Object.entries(query)) add(key, value);
  return parts.join("&");
}
