/**
 * Secret redaction. Errors carry text and objects that came from the network or from other code
 * (bodies, messages, causes); if a backend echoes a request header back, or a library quotes one in
 * its error, the subscription key or token would end up in logs. `DatabricksApimError` runs every
 * field it keeps through here, once, when it is constructed.
 */

const MARK = "[REDACTED]";

/** Entra ID access tokens are JWTs; redact any that slipped into text even though we never store them. */
const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;

/** How deep `redactDeep` copies nested objects and cause chains; deeper values are dropped. */
const MAX_DEPTH = 8;

/** One case-insensitive pattern for all the secrets, also in their URL-encoded form. */
function patternFor(secrets: readonly string[]): RegExp | undefined {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret === "") continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
  }
  // Longest first, so that a secret containing another is removed whole.
  const alternatives = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return alternatives.length ? new RegExp(alternatives.join("|"), "gi") : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Replaces every occurrence of each secret in `text` (any letter case) with `[REDACTED]`. */
export function redact(text: string, secrets: readonly string[]): string {
  const pattern = patternFor(secrets);
  return pattern ? text.replace(pattern, MARK) : text;
}

/** Redacts the given secrets and anything shaped like a bearer JWT. */
export function redactAll(text: string, secrets: readonly string[]): string {
  return redact(text, secrets).replace(JWT_PATTERN, MARK);
}

/**
 * A redacted copy of any value: strings redacted, arrays and plain objects copied, errors copied with
 * their class, message, stack, own fields, `cause` and (AggregateError) `errors`. Other objects
 * (a Request, Headers, a socket …) may hold secrets we cannot see, so they become `[ClassName]`.
 * Cycles are kept as cycles; values nested deeper than 8 levels are dropped.
 */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  return copy(value, secrets, new Map(), 0) as T;
}

function copy(
  value: unknown,
  secrets: readonly string[],
  seen: Map<object, unknown>,
  depth: number,
): unknown {
  if (typeof value === "string") return redactAll(value, secrets);
  if (typeof value === "function") return `[function ${redactAll(value.name, secrets)}]`;
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return seen.get(value);
  if (depth >= MAX_DEPTH) return "[…]";
  if (value instanceof Error) return copyError(value, secrets, seen, depth);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(copy(item, secrets, seen, depth + 1));
    return out;
  }
  if (value instanceof Date) return new Date(value.getTime());
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return `[${className(value)}]`;
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const key of Object.keys(value))
    out[redactAll(key, secrets)] = copy(read(value, key), secrets, seen, depth + 1);
  return out;
}

function copyError(
  error: Error,
  secrets: readonly string[],
  seen: Map<object, unknown>,
  depth: number,
): Error {
  const clean = (text: unknown) => redactAll(typeof text === "string" ? text : String(text ?? ""), secrets);
  const message = clean(read(error, "message"));
  const name = clean(read(error, "name"));
  const out = errorLike(error, message, name);
  seen.set(error, out);
  const hidden = (key: string, value: unknown) =>
    Object.defineProperty(out, key, { value, writable: true, configurable: true, enumerable: false });
  if (Object.hasOwn(error, "name") || out.name !== name) hidden("name", name);
  hidden("stack", clean(read(error, "stack")));
  if ("cause" in error) hidden("cause", copy(read(error, "cause"), secrets, seen, depth + 1));
  if (error instanceof AggregateError || Array.isArray(read(error, "errors")))
    hidden("errors", copy(read(error, "errors"), secrets, seen, depth + 1));
  for (const key of Object.keys(error)) {
    if (HANDLED.has(key)) continue;
    (out as unknown as Record<string, unknown>)[redactAll(key, secrets)] = copy(
      read(error, key),
      secrets,
      seen,
      depth + 1,
    );
  }
  return out;
}

/**
 * A real Error (so util.inspect prints it as one) with the original's prototype (so instanceof holds).
 * DOMException's accessors check their receiver, so it is rebuilt as one; any other prototype whose
 * `name` cannot be read from a plain Error is dropped for Error's own.
 */
function errorLike(error: Error, message: string, name: string): Error {
  if (error instanceof DOMException) return new DOMException(message, name);
  const out = new Error(message);
  Object.setPrototypeOf(out, Object.getPrototypeOf(error));
  try {
    void out.name;
    void out.message;
  } catch {
    Object.setPrototypeOf(out, Error.prototype);
  }
  return out;
}

const HANDLED: ReadonlySet<string> = new Set(["name", "message", "stack", "cause", "errors"]);

/** A property that may be a throwing getter. */
function read(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function className(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name ? name : "object";
}
