/**
 * SCIM list queries: `filter`, `attributes` / `excludedAttributes`, `sortBy` / `sortOrder`.
 * The filter grammar is RFC 7644 §3.4.2.2: `attrPath op value` with eq ne co sw ew gt ge lt le,
 * `attrPath pr`, `and` (binding tighter than `or`), `not ( … )` and parentheses. Databricks' own
 * reference names eq, ne, co, sw with and/or ("we currently only support simple expressions"); the
 * emulator accepts the whole RFC grammar. Attribute names and operators are case-insensitive, and so
 * are string comparisons (userName, displayName … are caseExact: false). A multi-valued attribute
 * (`emails.value`) matches when any of its values does. Complex filters (`emails[type eq "work"]`)
 * are refused like any other filter the emulator does not understand.
 */

/** A filter the emulator cannot parse; the caller answers SCIM 400 invalidFilter. */
export class ScimFilterError extends Error {}

type Json = Record<string, unknown>;
type Predicate = (resource: Json) => boolean;

const COMPARE = new Set(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]);

/** Parses `filter` into a predicate over SCIM resources. */
export function parseScimFilter(filter: string): Predicate {
  const tokens = tokenize(filter);
  let at = 0;
  const peek = () => tokens[at]?.toLowerCase();
  const next = () => {
    const token = tokens[at++];
    if (token === undefined) throw new ScimFilterError(`Unexpected end of filter: ${filter}`);
    return token;
  };
  const expect = (token: string) => {
    if (next().toLowerCase() !== token) throw new ScimFilterError(`Expected '${token}' in filter: ${filter}`);
  };

  function orExpr(): Predicate {
    const parts = [andExpr()];
    while (peek() === "or") {
      at += 1;
      parts.push(andExpr());
    }
    return (r) => parts.some((p) => p(r));
  }
  function andExpr(): Predicate {
    const parts = [factor()];
    while (peek() === "and") {
      at += 1;
      parts.push(factor());
    }
    return (r) => parts.every((p) => p(r));
  }
  function factor(): Predicate {
    if (peek() === "not") {
      at += 1;
      expect("(");
      const inner = orExpr();
      expect(")");
      return (r) => !inner(r);
    }
    if (peek() === "(") {
      at += 1;
      const inner = orExpr();
      expect(")");
      return inner;
    }
    const path = next();
    if (!/^[A-Za-z][\w$-]*(\.[A-Za-z][\w$-]*)*$/.test(path))
      throw new ScimFilterError(`Unsupported attribute path '${path}' in filter: ${filter}`);
    const op = next().toLowerCase();
    if (op === "pr") return (r) => values(r, path).some((v) => v !== null && v !== "");
    // `ne` holds when no value equals (an absent attribute is "not equal").
    if (op === "ne") {
      const literal = parseLiteral(next(), filter);
      return (r) => !values(r, path).some((v) => compare("eq", v, literal));
    }
    if (!COMPARE.has(op)) throw new ScimFilterError(`Unsupported operator '${op}' in filter: ${filter}`);
    const literal = parseLiteral(next(), filter);
    return (r) => values(r, path).some((v) => compare(op, v, literal));
  }

  const predicate = orExpr();
  if (at !== tokens.length) throw new ScimFilterError(`Unexpected '${tokens[at]}' in filter: ${filter}`);
  return predicate;
}

/** Keeps `attributes` only (or drops `excludedAttributes`); `id` and `schemas` are always returned. */
export function projectScim<T extends object>(resource: T, query: URLSearchParams): T {
  const list = (name: string) =>
    (query.get(name) ?? "")
      .split(",")
      .map((a) => a.trim().split(".")[0]?.toLowerCase() ?? "")
      .filter(Boolean);
  const keep = list("attributes");
  const drop = list("excludedAttributes");
  const always = ["id", "schemas"];
  return Object.fromEntries(
    Object.entries(resource).filter(([key]) => {
      const name = key.toLowerCase();
      if (always.includes(name)) return true;
      return keep.length > 0 ? keep.includes(name) : !drop.includes(name);
    }),
  ) as T;
}

/** Orders by `sortBy` (an attribute path) and `sortOrder` (`ascending`, the default, or `descending`). */
export function sortScim<T extends object>(resources: T[], query: URLSearchParams): T[] {
  const by = query.get("sortBy");
  if (!by) return resources;
  const dir = query.get("sortOrder") === "descending" ? -1 : 1;
  const key = (r: T) => String(values(r as Json, by)[0] ?? "").toLowerCase();
  return [...resources].sort((a, b) => dir * key(a).localeCompare(key(b)));
}

function tokenize(filter: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*(?:("(?:[^"\\]|\\.)*")|([()])|([^\s()"]+))/y;
  let index = 0;
  while (filter.slice(index).trim() !== "") {
    pattern.lastIndex = index;
    const match = pattern.exec(filter);
    if (!match) throw new ScimFilterError(`Cannot read filter: ${filter}`);
    tokens.push(match[1] ?? match[2] ?? match[3] ?? "");
    index = pattern.lastIndex;
  }
  return tokens;
}

function parseLiteral(token: string, filter: string): unknown {
  if (token.startsWith('"')) return JSON.parse(token) as string;
  const lower = token.toLowerCase();
  if (lower === "true" || lower === "false") return lower === "true";
  if (lower === "null") return null;
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(token)) return Number(token);
  throw new ScimFilterError(`Unsupported value '${token}' in filter: ${filter}`);
}

/** Every value at `path` (case-insensitive keys; arrays of complex values fan out). */
function values(resource: Json, path: string): unknown[] {
  let current: unknown[] = [resource];
  for (const key of path.split(".")) {
    current = current.flatMap((value) => {
      if (!value || typeof value !== "object") return [];
      const entry = Object.entries(value as Json).find(([k]) => k.toLowerCase() === key.toLowerCase());
      const found = entry?.[1];
      return Array.isArray(found) ? found : found === undefined ? [] : [found];
    });
  }
  return current;
}

function compare(op: string, actual: unknown, expected: unknown): boolean {
  if (typeof expected === "string" && typeof actual === "string") {
    const a = actual.toLowerCase();
    const e = expected.toLowerCase();
    if (op === "co") return a.includes(e);
    if (op === "sw") return a.startsWith(e);
    if (op === "ew") return a.endsWith(e);
    return ordered(op, a.localeCompare(e));
  }
  if (typeof expected === "number" && typeof actual === "number") return ordered(op, actual - expected);
  if (op === "eq") return actual === expected;
  if (op === "ne") return actual !== expected;
  return false;
}

function ordered(op: string, diff: number): boolean {
  switch (op) {
    case "eq":
      return diff === 0;
    case "ne":
      return diff !== 0;
    case "gt":
      return diff > 0;
    case "ge":
      return diff >= 0;
    case "lt":
      return diff < 0;
    case "le":
      return diff <= 0;
    default:
      return false;
  }
}
