/**
 * The table of curated operations in docs/operations.md, rendered from the spec so it can never drift:
 * `npm run generate` rewrites the block between the markers, and a test fails when it is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { listOperations, type OpenApiDocument } from "./lib/spec.js";

/** The file the table lives in. */
export const OPERATIONS_DOC_PATH = fileURLToPath(new URL("../docs/operations.md", import.meta.url));
const START = "<!-- operations:start (generated from openapi/ by npm run generate) -->";
const END = "<!-- operations:end -->";

/** Markdown table: tag, method, path, operationId, summary and the SDK facts (paging, long-running). */
export function renderOperationsTable(doc: OpenApiDocument): string {
  const rows = listOperations(doc).map(({ method, path, op }) => {
    const notes: string[] = [];
    const page = op["x-databricks-pagination"] as { style?: string } | undefined;
    if (page?.style) notes.push(page.style === "single" ? "list" : `paged (${page.style})`);
    if (op["x-databricks-long-running"]) notes.push("long-running");
    if (method === "POST" && op["x-databricks-idempotent"]) notes.push("retry-safe");
    return `| ${op.tags?.[0] ?? ""} | ${method} | \`${path}\` | \`${op.operationId ?? ""}\` | ${op.summary ?? ""} | ${notes.join(", ")} |`;
  });
  return [
    START,
    `${rows.length} operations. Anything else is answered by the gateway with 404 "Resource not found".`,
    "",
    "| area | method | path | operationId | what it does | notes |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    END,
  ].join("\n");
}

/** Returns `markdown` with the operations block (between the markers) replaced. */
export function withOperationsTable(markdown: string, doc: OpenApiDocument): string {
  const table = renderOperationsTable(doc);
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start < 0 || end < start)
    throw new Error(`docs/operations.md has no block between ${START} and ${END}`);
  return markdown.slice(0, start) + table + markdown.slice(end + END.length);
}

/** Rewrites the table in docs/operations.md in place. */
export function updateOperationsDoc(doc: OpenApiDocument): void {
  writeFileSync(OPERATIONS_DOC_PATH, withOperationsTable(readFileSync(OPERATIONS_DOC_PATH, "utf8"), doc));
}
