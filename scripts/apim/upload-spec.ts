/**
 * The copy of the spec that is uploaded to APIM, derived from the curated spec without editing it.
 *
 * - Operations are filtered (`--read-only`, `--tags`): APIM publishes exactly what it is given, so the
 *   filter *is* the whitelist. Schemas no longer reachable from a kept operation are pruned, so the
 *   uploaded document does not describe operations the gateway will not serve.
 * - `servers` is removed: APIM would derive `serviceUrl` from its first https entry (our gateway URL),
 *   and the import sends `serviceUrl` explicitly anyway.
 * - `x-*` extensions are removed: APIM drops them on import, and without them SDK-only metadata changes
 *   (pagination hints and the like) do not change the fingerprint and cause no re-import.
 * - Recursive schemas are cut: APIM does not support recursion, so each back-reference found by a
 *   depth-first walk from the operations (e.g. `ForEachTask.task` → `Task`) becomes `{type: object}`.
 * - A property literally named `$ref` (SCIM's `ComplexValue.$ref`) is dropped: it is valid OpenAPI, but
 *   an importer that resolves references by key would take it for one. APIM does not validate bodies
 *   unless a validate-content policy asks it to, so the gateway's behaviour does not change.
 *
 * The fingerprint is the SHA-256 of the exact JSON text uploaded; it is stored in the API's
 * `apiRevisionDescription` and is how a later run knows the spec has not changed.
 */
import { createHash } from "node:crypto";
import { normalizeOperationName } from "../lib/apim-rules.js";
import { HTTP_METHODS, listOperations, type OpenApiDocument } from "../lib/spec.js";

/** One operation as APIM will hold it: resource name, method and URL template. */
export interface OperationSignature {
  name: string;
  method: string;
  urlTemplate: string;
}

/** The document to upload and what follows from it. */
export interface UploadSpec {
  /** Exact `properties.value` of the import PUT (compact JSON). */
  text: string;
  /** `sha256:<hex>` of `text`. */
  fingerprint: string;
  operations: OperationSignature[];
  /** Back-references that were replaced, as `Schema.path → Target`. */
  cutReferences: string[];
  /** Schemas whose property named `$ref` was left out of the upload. */
  droppedRefProperties: string[];
}

const SCHEMA_PREFIX = "#/components/schemas/";

/** Builds the upload copy; `readOnly` keeps only GET operations, `tags` keeps operations with any of them. */
export function buildUploadSpec(
  source: OpenApiDocument,
  filter: { readOnly: boolean; tags: readonly string[] },
): UploadSpec {
  const doc = structuredClone(source);
  delete doc.servers;
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const keep =
        (!filter.readOnly || method === "get") &&
        (filter.tags.length === 0 || (op.tags ?? []).some((tag) => filter.tags.includes(tag)));
      if (!keep) delete item[method];
    }
    if (!HTTP_METHODS.some((method) => item[method])) delete doc.paths[path];
  }
  stripExtensions(doc);
  pruneSchemas(doc);
  const cutReferences = cutCycles(doc);
  const droppedRefProperties = dropRefNamedProperties(doc);
  const usedTags = new Set(listOperations(doc).flatMap(({ op }) => op.tags ?? []));
  if (Array.isArray(doc.tags))
    doc.tags = doc.tags.filter((tag: { name?: string }) => usedTags.has(tag.name ?? ""));

  const text = JSON.stringify(doc);
  return {
    text,
    fingerprint: `sha256:${createHash("sha256").update(text).digest("hex")}`,
    operations: listOperations(doc).map(({ method, path, op }) => ({
      name: normalizeOperationName(op.operationId ?? ""),
      method,
      urlTemplate: path,
    })),
    cutReferences,
    droppedRefProperties,
  };
}

/** Removes properties named `$ref` from component schemas; returns the schemas that had one. */
function dropRefNamedProperties(doc: OpenApiDocument): string[] {
  const dropped: string[] = [];
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
    const properties = (schema as { properties?: Record<string, unknown> }).properties;
    if (properties && "$ref" in properties) {
      delete properties.$ref;
      dropped.push(name);
    }
  }
  return dropped;
}

/** Removes `x-*` keys everywhere except where a key is a name chosen by the author (properties, paths). */
function stripExtensions(node: unknown, namesOnly = false): void {
  if (Array.isArray(node)) {
    for (const item of node) stripExtensions(item);
    return;
  }
  if (!node || typeof node !== "object") return;
  const record = node as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!namesOnly && key.startsWith("x-")) delete record[key];
    else stripExtensions(record[key], !namesOnly && (key === "properties" || key === "schemas"));
  }
}

/** Every `$ref` target (schema name) under `node`. */
function schemaRefs(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) schemaRefs(item, out);
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith(SCHEMA_PREFIX))
        out.add(value.slice(SCHEMA_PREFIX.length));
      else schemaRefs(value, out);
    }
  }
  return out;
}

/** Drops component schemas not reachable from any remaining operation. */
function pruneSchemas(doc: OpenApiDocument): void {
  const schemas = doc.components?.schemas as Record<string, unknown> | undefined;
  if (!schemas) return;
  const reachable = new Set<string>();
  const queue = [...schemaRefs(doc.paths)];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (reachable.has(name)) continue;
    reachable.add(name);
    queue.push(...schemaRefs(schemas[name]));
  }
  for (const name of Object.keys(schemas)) if (!reachable.has(name)) delete schemas[name];
}

/**
 * Depth-first walk over schemas, starting from those the operations use (then the rest, in document
 * order). A `$ref` to a schema still on the walk's stack closes a cycle; it is replaced by a plain
 * object that keeps its description. Returns the replaced references.
 */
function cutCycles(doc: OpenApiDocument): string[] {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, unknown>;
  const done = new Set<string>();
  const onStack = new Set<string>();
  const cut: string[] = [];
  const visit = (name: string): void => {
    if (done.has(name) || onStack.has(name) || !(name in schemas)) return;
    onStack.add(name);
    const walk = (node: unknown, path: string): void => {
      if (!node || typeof node !== "object") return;
      for (const [key, value] of Object.entries(node)) {
        const ref = (value as { $ref?: unknown } | null)?.$ref;
        if (typeof ref === "string" && ref.startsWith(SCHEMA_PREFIX)) {
          const target = ref.slice(SCHEMA_PREFIX.length);
          if (onStack.has(target)) {
            const description = (value as { description?: unknown }).description;
            (node as Record<string, unknown>)[key] = {
              type: "object",
              description:
                typeof description === "string"
                  ? description
                  : `A ${target} (recursive reference, not expanded for API Management).`,
            };
            cut.push(`${name}${`${path}.${key}`.replace(/^\.root/, "")} → ${target}`);
          } else visit(target);
        } else walk(value, `${path}.${key}`);
      }
    };
    // Walk through a holder so that a schema that is itself a bare `$ref` can be replaced too.
    const holder = { root: schemas[name] };
    walk(holder, "");
    schemas[name] = holder.root;
    onStack.delete(name);
    done.add(name);
  };
  for (const name of schemaRefs(doc.paths)) visit(name);
  for (const name of Object.keys(schemas)) visit(name);
  return cut;
}
