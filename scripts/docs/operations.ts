/**
 * The operations reference: a copy of the curated spec in which every operation also says what this
 * package adds (paging, long-running states, retry safety, how a missing resource answers), read from
 * its `x-databricks-*` extensions, and carries a typed-client sample (`x-codeSamples`), then rendered
 * by `redocly build-docs` into one page. The source spec is never written.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { listOperations, type OpenApiDocument, type OpenApiOperation } from "../lib/spec.js";
import { sampleFor, waiterFor } from "./samples.js";

/** Site-relative URLs of API reference pages by name (`paginate`, `databricks-apim/waiters`, …). */
export type ApiUrls = ReadonlyMap<string, string>;

type Paging = {
  style: string;
  items: string;
  requestToken?: string;
  responseToken?: string;
  next?: string;
  dedupeBy?: string;
  defaults?: Record<string, unknown>;
};
type LongRunning = { statusField: string; target: string[]; failure: string[] };
type InnerPaging = { requestToken: string; responseToken: string; arrays: string[]; exclusive?: string[] };
type MissingAs = { status: number; errorCode: string; messageMatches: string };

const code = (text: string) => `\`${text}\``;
const list = (items: readonly string[]) => (items.length > 0 ? items.map(code).join(", ") : "none");

function link(urls: ApiUrls, name: string): string {
  const url = urls.get(name);
  return url ? `[${code(name)}](${url})` : code(name);
}

function pagingNote(paging: Paging, urls: ApiUrls): string {
  const items = code(paging.items);
  const iterate = `${link(urls, "paginate")} yields the ${items} items across pages`;
  switch (paging.style) {
    case "single":
      return `**List, one page**: one call returns every item in ${items}; ${link(urls, "paginate")} works too.`;
    case "token": {
      const defaults = Object.entries(paging.defaults ?? {}).map(([key, value]) => code(`${key}=${value}`));
      const optIn =
        defaults.length > 0 ? ` It sends ${defaults.join(", ")} unless given, to opt into paging.` : "";
      return `**Paged by token**: send ${code(paging.requestToken ?? "page_token")} = the previous ${code(paging.responseToken ?? "next_page_token")} until it is empty or absent; ${iterate}.${optIn}`;
    }
    case "scim":
      return `**Paged by offset (SCIM)**: ${code("startIndex")} from 1 and ${code("count")}; ${iterate}, without repeating an ${code(paging.dedupeBy ?? "id")} when pages overlap.`;
    case "nextPageBody":
      return `**Paged by request body**: the response's ${code(paging.next ?? "next_page")} is the complete body of the next request; ${iterate}.`;
    default:
      return `**Paged** (${paging.style}).`;
  }
}

function longRunningNote(path: string, lr: LongRunning, urls: ApiUrls): string {
  const waiter = waiterFor(path, lr.target);
  const how = waiter
    ? ` Wait with ${link(urls, waiter.name)}${waiter.until ? ` (${code(`until: "${waiter.until}"`)})` : ""}.`
    : path.startsWith("/api/2.0/sql/statements")
      ? ` ${link(urls, "executeStatement")} submits, polls and reads the rows.`
      : "";
  return `**Long-running**: poll ${code(lr.statusField)} until it is ${list(lr.target)}; ${list(lr.failure)} ${lr.failure.length === 1 ? "is a failure" : "are failures"}.${how}`;
}

// What the transport retries (src/retry-decision.ts): throttling for every call; network failures,
// timeouts and gateway 502/504 only for calls that are safe to repeat (src/idempotency.ts).
const ALWAYS =
  "throttling (429, 503, `REQUEST_LIMIT_EXCEEDED` and other answers that say the request was not processed) is retried, for every operation";
function retryNote(method: string, op: OpenApiOperation): string {
  const token = op["x-databricks-idempotency-token"] as string | undefined;
  const safe = "the client retries it after a network failure, a timeout or a gateway 502/504";
  if (method === "GET" || method === "HEAD") return `**Retry-safe**: ${safe}.`;
  if (op["x-databricks-idempotent"])
    return `**Retry-safe** (${code("x-databricks-idempotent")}): repeating it changes nothing, so ${safe}.`;
  if (token)
    return `**Retry-safe with ${code(token)}** in the body: then ${safe}; without it, only ${ALWAYS}.`;
  return `**Not retry-safe**: it may have taken effect before a network failure or timeout, so only ${ALWAYS}.`;
}

/** The markdown this package adds to one operation's description. */
export function operationNotes(method: string, path: string, op: OpenApiOperation, urls: ApiUrls): string {
  const notes: string[] = [];
  const paging = op["x-databricks-pagination"] as Paging | undefined;
  const lr = op["x-databricks-long-running"] as LongRunning | undefined;
  const inner = op["x-databricks-inner-pagination"] as InnerPaging | undefined;
  const missing = op["x-databricks-missing-as"] as MissingAs | undefined;
  if (paging) notes.push(pagingNote(paging, urls));
  if (inner)
    notes.push(
      `**Arrays continue on further pages**: ${list(inner.arrays)}${inner.exclusive ? `, and one of ${list(inner.exclusive)} (whichever the object has)` : ""}; call again with ${code(inner.requestToken)} = ${code(inner.responseToken)} and append.${path === "/api/2.2/jobs/runs/get" ? ` ${link(urls, "waitForRun")} does this.` : ""}`,
    );
  if (lr) notes.push(longRunningNote(path, lr, urls));
  notes.push(retryNote(method, op));
  if (missing)
    notes.push(
      `**Missing resource**: Databricks answers ${missing.status} ${code(missing.errorCode)} ("${missing.messageMatches}"); the client raises it as a not-found error (${link(urls, "isNotFound")}).`,
    );
  return ["#### With databricks-apim", "", ...notes.map((note) => `- ${note}`)].join("\n");
}

/** A copy of `doc` with the notes and samples added to every operation. */
export function annotateSpec(doc: OpenApiDocument, urls: ApiUrls, guides: ApiUrls): OpenApiDocument {
  const copy = structuredClone(doc);
  for (const { method, path, op } of listOperations(copy)) {
    const notes = operationNotes(method, path, op, urls);
    const description = (op as { description?: string }).description;
    (op as { description?: string }).description = description ? `${description}\n\n${notes}` : notes;
    op["x-codeSamples"] = [
      { lang: "TypeScript", label: "databricks-apim", source: sampleFor(copy, method, path, op) },
    ];
  }
  const info = copy.info as { description?: string };
  const parts = [
    `[API reference](${urls.get("databricks-apim") ?? "index.html"})`,
    ...[...guides].map(([title, url]) => `[${title}](${url})`),
  ];
  info.description = `${info.description ?? ""}\n\n**databricks-apim**: ${parts.join(" · ")}. Each operation below says how the client pages, waits and retries it, with a typed example.`;
  return copy;
}

const CONFIG = fileURLToPath(new URL("redocly.yaml", import.meta.url));
const TITLE = "databricks-apim operations";

/** Renders `doc` into the single page `outFile` with the pinned `@redocly/cli`, offline. */
export function renderOperationsPage(doc: OpenApiDocument, outFile: string): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), "databricks-apim-docs-"));
  try {
    const spec = path.join(dir, "databricks-workspace.yaml");
    writeFileSync(spec, stringify(doc));
    const cli = createRequire(import.meta.url).resolve("@redocly/cli/bin/cli.js");
    execFileSync(
      process.execPath,
      [cli, "build-docs", spec, "--output", outFile, "--inlineBundle", "--config", CONFIG, "--title", TITLE],
      {
        cwd: dir,
        stdio: ["ignore", "ignore", "pipe"],
        // Redocly CLI and the page it builds send telemetry unless told not to; no update checks either.
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
