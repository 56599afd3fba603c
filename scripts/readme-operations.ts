/**
 * The README's table of curated operations, rendered from the spec so it can never drift:
 * `npm run generate` rewrites the block between the markers, and a test fails when it is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { listOperations, type OpenApiDocument } from "./lib/spec.js";

/** The README file the table lives in. */
export const README_PATH = fileURLToPath(new URL("../README.md", import.meta.url));
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

/** Returns `readme` with the operations block replaced (or inserted at the `section:operations` marker). */
export function withOperationsTable(readme: string, doc: OpenApiDocument): string {
  const table = renderOperationsTable(doc);
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start >= 0 && end > start) return readme.slice(0, start) + table + readme.slice(end + END.length);
  const marker = "<!-- section:operations -->";
  if (!readme.includes(marker)) throw new Error(`README.md has neither the operations block nor ${marker}`);
  return readme.replace(marker, `## Curated operations (the APIM whitelist)\n\n${table}`);
}

/** Rewrites README.md in place. */
export function updateReadme(doc: OpenApiDocument): void {
  writeFileSync(README_PATH, withOperationsTable(readFileSync(README_PATH, "utf8"), doc));
}
