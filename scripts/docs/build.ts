/**
 * `npm run docs`: builds the documentation site into site/ (or the directory given as the first
 * argument) and checks its links:
 *   index.html, documents/  the README and the docs/*.md guides      (TypeDoc)
 *   modules/, functions/ …  the API reference                        (TypeDoc)
 *   operations.html         every curated operation, from openapi/   (Redocly build-docs)
 * First the examples (docs/examples/*.ts) and every operation's generated sample are type-checked
 * against src/; after the build every local link and anchor is verified (links.ts). Either failing
 * fails the build.
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadSpec } from "../lib/spec.js";
import { buildApiReference } from "./api.js";
import { checkSite } from "./links.js";
import { annotateSpec, renderOperationsPage } from "./operations.js";
import { typecheckDocCode } from "./typecheck.js";
import { GENERATED_GROUP } from "./typedoc-plugin.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The operations page's file name in the site (TypeDoc's header links to it: typedoc.json). */
export const OPERATIONS_PAGE = "operations.html";

/** Pages the site must have: the entry points by their import names, and what an app calls first. */
const REQUIRED_PAGES = [
  "databricks-apim",
  "databricks-apim/waiters",
  "databricks-apim/testing",
  "createDatabricksClient",
  "unwrap",
  "paginate",
  "waitForCluster",
  "waitForRun",
  "waitForWarehouse",
  "executeStatement",
  "createDatabricksMock",
];

/** The main module lists its functions first and the generated schema types last, in their own group. */
function assertGeneratedTypesGrouped(modulePage: string): void {
  const html = readFileSync(modulePage, "utf8");
  const functions = html.indexOf('data-key="section-Functions"');
  const generated = html.indexOf(`data-key="section-${GENERATED_GROUP}"`);
  if (functions < 0 || generated < functions) {
    throw new Error(`${modulePage} does not list Functions first and "${GENERATED_GROUP}" after them`);
  }
}

/**
 * Redoc's client-side routes: one per tag (its menu prerenders them as `/tag` links, which its router
 * turns into `#/tag` in the browser). Its link to `/` lands on the site's index.html and is checked.
 */
export function redocRoutes(tags: ReadonlyArray<{ name: string }> | undefined): Set<string> {
  return new Set((tags ?? []).map((tag) => `/${tag.name.toLowerCase()}`));
}

/** Builds the whole site into `out`; returns the link check's result and each step's seconds. */
export async function buildSite(out: string) {
  const seconds: Record<string, number> = {};
  const timed = async <T>(step: string, run: () => Promise<T> | T): Promise<T> => {
    const started = performance.now();
    try {
      return await run();
    } finally {
      seconds[step] = Math.round((performance.now() - started) / 100) / 10;
    }
  };
  const { doc } = loadSpec();
  const errors = await timed("examples", () => typecheckDocCode(ROOT, doc));
  if (errors.length > 0) throw new Error(`Documentation code does not compile:\n${errors.join("")}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const { urls, guides } = await timed("typedoc", () => buildApiReference(ROOT, out));
  const missing = REQUIRED_PAGES.filter((name) => !urls.has(name));
  if (missing.length > 0) throw new Error(`The API reference has no page for ${missing.join(", ")}`);
  assertGeneratedTypesGrouped(path.join(out, urls.get("databricks-apim")!));
  await timed("redoc", () =>
    renderOperationsPage(annotateSpec(doc, urls, guides), path.join(out, OPERATIONS_PAGE)),
  );
  const links = await timed("links", () =>
    checkSite(out, redocRoutes(doc.tags as Array<{ name: string }> | undefined)),
  );
  return { ...links, seconds };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.resolve(process.argv[2] ?? path.join(ROOT, "site"));
  const { checked, broken, seconds } = await buildSite(out);
  for (const link of broken)
    console.error(`broken link on ${link.parent}: ${link.url} (${link.status ?? "-"}) ${link.reason}`);
  if (broken.length > 0) {
    console.error(`${broken.length} broken link(s) in ${out}`);
    process.exit(1);
  }
  const steps = Object.entries(seconds)
    .map(([step, value]) => `${step} ${value} s`)
    .join(", ");
  console.log(`Site in ${out}: ${checked} links checked, none broken (${steps}).`);
}
