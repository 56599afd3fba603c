/**
 * APIM's OpenAPI import rules, checked before anything is sent.
 *
 * APIM accepts far less than OpenAPI allows, and it fails late: a bad construct shows up as an error in
 * the long-running import's poll result, or worse, as silently dropped operations. Re-import also matches
 * operations by their *normalised* operationId, so two ids that normalise alike make one operation vanish.
 * Rules and limits come from the APIM import-restrictions documentation (Microsoft Learn: "API import restrictions and known issues").
 */
import type { OpenApiDocument } from "./spec.js";
import { listOperations } from "./spec.js";

/** Inline specs above this size are refused by APIM. */
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;
/** APIM truncates normalised operation names to this length (the rest of 80 is a de-duplication suffix). */
export const MAX_OPERATION_NAME = 76;
/** The whole API URL must stay below 128 characters; keep the path template comfortably shorter. */
export const MAX_PATH_LENGTH = 100;
/** Parameter fields APIM does not support. */
const UNSUPPORTED_PARAMETER_FIELDS = ["style", "explode", "allowReserved", "allowEmptyValue"] as const;
/** Components sections APIM ignores; refs into them would dangle after import. */
const UNSUPPORTED_COMPONENTS = [
  "responses",
  "parameters",
  "examples",
  "requestBodies",
  "headers",
  "links",
  "callbacks",
];

/** One finding: errors block import, warnings are handled by the deploy script or are advisory. */
export interface RuleFinding {
  level: "error" | "warning";
  message: string;
}

/** APIM's operation resource name for an operationId: lowercase, runs of other characters become `-`. */
export function normalizeOperationName(operationId: string): string {
  return operationId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_OPERATION_NAME);
}

/** Checks `doc` (and its serialised size) against APIM's import rules. */
export function checkApimRules(doc: OpenApiDocument): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const error = (message: string) => findings.push({ level: "error", message });

  if (!/^3\.0\.[0-3]$/.test(String(doc.openapi))) {
    error(`openapi version is "${doc.openapi}"; APIM imports 3.0.0–3.0.3 reliably (3.1 fails in practice)`);
  }
  const bytes = Buffer.byteLength(JSON.stringify(doc));
  if (bytes > MAX_SPEC_BYTES)
    error(`spec is ${bytes} bytes as JSON; APIM's inline import limit is ${MAX_SPEC_BYTES}`);

  for (const ref of collectRefs(doc)) {
    if (!ref.startsWith("#/"))
      error(`external $ref "${ref}": APIM needs one self-contained document (bundle it)`);
    else if (!ref.startsWith("#/components/schemas/"))
      error(`$ref "${ref}" points outside components.schemas, which APIM drops`);
  }
  for (const section of UNSUPPORTED_COMPONENTS) {
    if (doc.components?.[section]) error(`components.${section} is not supported by APIM import; inline it`);
  }

  const names = new Map<string, string>();
  for (const { method, path, op } of listOperations(doc)) {
    const where = `${method} ${path}`;
    if (method === "TRACE") error(`${where}: APIM does not import trace operations`);
    if (path.length > MAX_PATH_LENGTH)
      error(`${where}: path template longer than ${MAX_PATH_LENGTH} characters`);
    if (!op.operationId) {
      error(
        `${where}: missing operationId (APIM would invent "${method.toLowerCase()}-…" and rename it on change)`,
      );
      continue;
    }
    const name = normalizeOperationName(op.operationId);
    const previous = names.get(name);
    if (previous)
      error(`${where}: operationId "${op.operationId}" normalises to "${name}", same as ${previous}`);
    names.set(name, `${where} (${op.operationId})`);
    if (op.operationId.length > MAX_OPERATION_NAME)
      error(`${where}: operationId longer than ${MAX_OPERATION_NAME}`);
    if (["GET", "HEAD", "OPTIONS"].includes(method) && op.requestBody) {
      error(`${where}: request body on ${method} is discarded by APIM`);
    }
    if (op.callbacks || op.links) error(`${where}: callbacks/links are not supported by APIM`);
    const required = new Set<string>();
    for (const param of op.parameters ?? []) {
      if (param.in === "cookie") error(`${where}: cookie parameter "${param.name}" is not supported by APIM`);
      for (const field of UNSUPPORTED_PARAMETER_FIELDS) {
        if (field in param)
          error(`${where}: parameter "${param.name}" sets "${field}", which APIM does not support`);
      }
      if (param.required && (param.in === "path" || param.in === "query")) {
        const key = param.name.toLowerCase();
        if (required.has(key))
          error(`${where}: required parameter "${param.name}" appears twice (case-insensitive)`);
        required.add(key);
      }
    }
  }

  for (const cycle of findSchemaCycles(doc)) {
    findings.push({
      level: "warning",
      message: `recursive schemas ${cycle.join(" → ")}: APIM does not support recursion; import-to-apim replaces the back-reference with a plain object`,
    });
  }
  return findings;
}

function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) collectRefs(item, out);
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") out.push(value);
      else collectRefs(value, out);
    }
  }
  return out;
}

/** Strongly connected groups of component schemas that reference each other (directly or in a loop). */
export function findSchemaCycles(doc: OpenApiDocument): string[][] {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, unknown>;
  const edges = new Map<string, string[]>();
  for (const [name, schema] of Object.entries(schemas)) {
    const targets = collectRefs(schema)
      .filter((ref) => ref.startsWith("#/components/schemas/"))
      .map((ref) => ref.slice("#/components/schemas/".length));
    edges.set(name, [...new Set(targets)]);
  }
  // Tarjan's algorithm: each strongly connected component of size > 1 (or a self-loop) is a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1 || edges.get(node)?.includes(node)) cycles.push(group.sort());
    }
  };
  for (const name of edges.keys()) if (!index.has(name)) visit(name);
  return cycles;
}
