/**
 * The checks behind `resolveConfig`: each throws `DatabricksConfigError` naming the option or variable
 * (`label`) a bad value came from, never the value of a secret or header.
 */
import { DatabricksConfigError } from "./errors.js";

/** Hosts where plain http and the emulator's short keys are allowed. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"]);
/** Real subscription keys (32 hex) and tokens are far longer; shorter ones are typos or placeholders. */
const MIN_SECRET_LENGTH = 8;
/** RFC 9110 `token`: the characters of a header name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** RFC 9110 `field-value`: no CR, LF, NUL or other control characters (tab allowed), Latin-1 only. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Throws the `DatabricksConfigError` for `message`. */
export function fail(message: string): never {
  throw new DatabricksConfigError(`Invalid databricks-apim configuration: ${message}`);
}

/** An option's value and the name of where it came from: the option, else its variable. */
export interface Found<T> {
  value: T;
  label: string;
}

export function checkUrl({ value, label }: Found<unknown>): URL {
  if (typeof value !== "string" || value.trim() === "") fail(`${label} must be a non-empty URL string`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(`${label} is not a valid URL (expected e.g. https://my-apim.azure-api.net)`);
  }
  if (url.username || url.password) fail(`${label} must not contain credentials`);
  if (url.search || url.hash) fail(`${label} must not contain a query string or fragment`);
  if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
    fail(`${label} uses plain http:// to ${url.hostname}; use https:// (http is allowed only for localhost)`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") fail(`${label} must be an https:// URL`);
  return url;
}

export function checkSecret(found: Found<unknown> | undefined, url: URL): string | undefined {
  if (found === undefined) return undefined;
  const { value, label } = found;
  if (typeof value !== "string" || value.trim() === "") fail(`${label} must be a non-empty string`);
  // Header values: visible ASCII only, so a pasted newline or space cannot split or corrupt the header.
  if (!/^[!-~]+$/.test(value)) fail(`${label} contains whitespace, control or non-ASCII characters`);
  if (value.length < MIN_SECRET_LENGTH && !LOOPBACK_HOSTS.has(url.hostname)) {
    fail(
      `${label} is shorter than ${MIN_SECRET_LENGTH} characters, so it cannot be a real key or token (short keys are accepted only for localhost emulators)`,
    );
  }
  return value;
}

export function checkCount(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || !Number.isInteger(value)) {
    fail(`${name} must be an integer ≥ ${min} (got ${String(value)})`);
  }
  return value;
}

/** Extra headers: names and values checked here so a pasted CR/LF fails now, naming the header only. */
export function checkHeaders(headers: unknown): Record<string, string> {
  if (headers === undefined) return {};
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) {
    fail("headers must be an object mapping header names to string values");
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      fail(
        `headers: ${JSON.stringify(name)} is not a valid header name (letters, digits and !#$%&'*+-.^_\`|~)`,
      );
    }
    if (value === undefined) continue;
    if (typeof value !== "string") fail(`headers["${name}"] must be a string`);
    if (!HEADER_VALUE.test(value)) {
      fail(
        `headers["${name}"] contains a line break or another control or non-Latin-1 character (value not shown)`,
      );
    }
    out[name] = value;
  }
  return out;
}
