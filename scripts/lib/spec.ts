/**
 * Loading the curated spec. Scripts read it from one place so that the generator, the spec linter and
 * the APIM deploy script always agree on which file is the source of truth.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

/** Absolute path of the curated spec. */
export const SPEC_PATH = fileURLToPath(new URL("../../openapi/databricks-workspace.yaml", import.meta.url));

/**
 * Absolute path of the admin spec: SCIM operations the grant script calls directly on the workspace.
 * Never imported into APIM (import-to-apim reads SPEC_PATH only), so never part of the whitelist.
 */
export const ADMIN_SPEC_PATH = fileURLToPath(new URL("../../openapi/databricks-admin.yaml", import.meta.url));

/** The subset of OpenAPI 3.0 the scripts read. */
export interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; required?: boolean; style?: string; explode?: boolean }>;
  requestBody?: unknown;
  responses?: Record<string, unknown>;
  callbacks?: unknown;
  links?: unknown;
  [extension: `x-${string}`]: unknown;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, unknown>; [key: string]: unknown };
  [key: string]: unknown;
}

/** HTTP methods that may key an OpenAPI path item. */
export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** Parses spec text (YAML or JSON). */
export function parseSpec(text: string): OpenApiDocument {
  return parse(text) as OpenApiDocument;
}

/** Reads and parses the spec at `path` (default: the curated spec). */
export function loadSpec(path: string = SPEC_PATH): { text: string; doc: OpenApiDocument } {
  const text = readFileSync(path, "utf8");
  return { text, doc: parseSpec(text) };
}

/** Every operation in the document with its method and path, in document order. */
export function listOperations(
  doc: OpenApiDocument,
): Array<{ method: string; path: string; op: OpenApiOperation }> {
  const out: Array<{ method: string; path: string; op: OpenApiOperation }> = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (op) out.push({ method: method.toUpperCase(), path, op });
    }
  }
  return out;
}
