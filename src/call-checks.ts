/**
 * Checks on a call before anything is sent: bad input gets a `DatabricksConfigError` that names the
 * problem (never the value: a header may hold a secret), and a call can never leave the configured
 * gateway origin and path prefix, whatever a per-call option or a middleware did to its URL.
 */
import { DatabricksConfigError } from "./errors.js";

function refuse(message: string): never {
  throw new DatabricksConfigError(`Invalid call: ${message}`);
}

/** Per-call `headers` (a record, entries or Headers): no CR, LF or NUL in a name or value. */
export function checkHeaders(headers: unknown): void {
  if (headers === undefined || headers === null || headers instanceof Headers) return;
  const entries: unknown[] = Array.isArray(headers) ? headers : Object.entries(headers as object);
  for (const entry of entries) {
    if (!Array.isArray(entry)) continue;
    const [name, value] = entry as [unknown, unknown];
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (/[\r\n\0]/.test(String(name)) || (typeof item === "string" && /[\r\n\0]/.test(item)))
        refuse(`header ${JSON.stringify(String(name).replace(/[\r\n\0]/g, " "))} contains CR, LF or NUL`);
    }
  }
}

/** Path parameters: `.`, `..` and empty strings would climb out of the operation's path. */
export function checkPathParams(params: unknown): void {
  if (typeof params !== "object" || params === null) return;
  const path = (params as { path?: unknown }).path;
  if (typeof path !== "object" || path === null) return;
  for (const [name, value] of Object.entries(path)) {
    if (value === "" || value === "." || value === "..")
      refuse(`path parameter ${name} is ${value === "" ? "empty" : `"${value}"`}; pass the resource's id`);
  }
}

/** A path segment that URL parsing would drop or climb with (`%2e` counts as a dot). */
const DOT_SEGMENT = /^(\.|%2e){1,2}$/i;

/**
 * The final URL stays on `baseUrl`'s origin and under its path, and its path has no dot, empty or
 * unfilled `{param}` segments. Checked on the raw string: `new URL` would resolve `..` silently.
 */
export function checkTarget(url: string, baseUrl: string): void {
  // The URL openapi-fetch builds starts with baseUrl as written; anything else is parsed to say why not.
  if (!url.startsWith(`${baseUrl.replace(/\/$/, "")}/`)) refuseTarget(url, baseUrl);
  const end = url.search(/[?#]/);
  // baseUrl is an origin and a path prefix (config.ts): its origin ends where its path starts.
  const originEnd = baseUrl.indexOf("/", baseUrl.indexOf("//") + 2);
  const rawPath = url.slice(originEnd < 0 ? baseUrl.length : originEnd, end < 0 ? url.length : end);
  const segments = rawPath.slice(1).split("/");
  for (const segment of segments) {
    if (segment === "") refuse(`the path ${rawPath} has an empty segment (an empty path parameter?)`);
    if (DOT_SEGMENT.test(segment)) refuse(`the path ${rawPath} has a "." or ".." segment`);
    if (/[{}]/.test(segment)) refuse(`the path ${rawPath} has an unfilled path parameter`);
  }
}

/** Why a URL that does not start with the base URL is refused. */
function refuseTarget(url: string, baseUrl: string): never {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    refuse("the request URL is not valid");
  }
  const base = new URL(baseUrl);
  if (target.origin !== base.origin)
    refuse(
      `the request would go to ${target.origin}, not the configured ${base.origin}; per-call baseUrl and absolute URLs are not allowed`,
    );
  refuse(`the request path is outside the configured base path ${base.pathname}`);
}

/** A per-call count or duration (`maxRetries` ≥ 0, the others ≥ 1): an integer, or absent. */
export function checkCallNumber(value: unknown, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min)
    refuse(`${name} must be an integer ≥ ${min} (got ${typeof value === "number" ? value : typeof value})`);
  return value;
}
