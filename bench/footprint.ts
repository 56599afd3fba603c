/**
 * What the package costs before the first request: install footprint, cold import time and bundle
 * size. The package is packed and installed into a temporary project the way users get it (offline,
 * from the npm cache `npm ci` filled), so the import is timed from a real `node_modules`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import ts from "typescript";
import { type Summary, summarize } from "./measure.js";
import { DIST_ENTRY, DIST_WAITERS, ROOT } from "./sdk.js";

/** A packed-and-installed consumer project; `installed` is false when the offline install failed. */
export interface Consumer {
  dir: string;
  installed: boolean;
  /** Packages in its node_modules (the SDK and everything it pulled in). */
  packages: string[];
  /** Bytes on disk under node_modules. */
  bytes: number;
  /** The packed tarball's size in bytes. */
  tarball: number;
  cleanup: () => void;
}

function diskBytes(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + diskBytes(join(path, name)), 0);
}

function listPackages(modules: string): string[] {
  const names: string[] = [];
  for (const name of readdirSync(modules)) {
    if (name.startsWith(".")) continue;
    if (name.startsWith("@")) {
      for (const scoped of readdirSync(join(modules, name))) names.push(`${name}/${scoped}`);
    } else names.push(name);
  }
  return names.sort();
}

/** Packs the built package and installs it into a temporary project, offline. */
export function installConsumer(): Consumer {
  const dir = mkdtempSync(join(tmpdir(), "databricks-apim-bench-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
      cwd: ROOT,
      encoding: "utf8",
    }),
  ) as [{ filename: string; size: number }];
  const tarball = join(dir, packed[0].filename);
  const app = join(dir, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  const install = spawnSync(
    "npm",
    ["install", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock", tarball],
    { cwd: app, encoding: "utf8" },
  );
  if (install.status !== 0) {
    return { dir: ROOT, installed: false, packages: [], bytes: 0, tarball: packed[0].size, cleanup };
  }
  const modules = join(app, "node_modules");
  return {
    dir: app,
    installed: true,
    packages: listPackages(modules),
    bytes: diskBytes(modules),
    tarball: packed[0].size,
    cleanup,
  };
}

/** Cold-start times (ms) of `node -e <script>`, medians over alternating runs. */
export interface ColdImport {
  bare: Summary;
  openapiFetch: Summary;
  sdk: Summary;
  /** Per run: SDK import minus the bare run next to it. */
  overhead: Summary;
}

/** Wall time of one fresh node process running `script`, in ms. */
function timeNode(cwd: string, script: string): number {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["-e", script], { cwd, env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`Cold-import run failed: node -e "${script}"\n${result.stderr}`);
  return ms;
}

/** `node -e "import('databricks-apim')"` against bare node, `runs` times each, interleaved. */
export function coldImport(cwd: string, runs: number): ColdImport {
  const scripts = { bare: "0", openapiFetch: "import('openapi-fetch')", sdk: "import('databricks-apim')" };
  const bare: number[] = [];
  const openapiFetch: number[] = [];
  const sdk: number[] = [];
  const overhead: number[] = [];
  timeNode(cwd, scripts.sdk);
  for (let run = 0; run < runs; run++) {
    // Rotate the order so that none of the three always runs right after another.
    const order = (["bare", "openapiFetch", "sdk"] as const).map((_, k, all) => all[(k + run) % 3]!);
    const times: Record<string, number> = {};
    for (const name of order) times[name] = timeNode(cwd, scripts[name]);
    bare.push(times.bare!);
    openapiFetch.push(times.openapiFetch!);
    sdk.push(times.sdk!);
    overhead.push(times.sdk! - times.bare!);
  }
  return {
    bare: summarize(bare),
    openapiFetch: summarize(openapiFetch),
    sdk: summarize(sdk),
    overhead: summarize(overhead),
  };
}

/** Minified and gzipped sizes of the runtime entry, in bytes. */
export interface BundleSize {
  minified: number;
  gzipped: number;
  /** Packages the bundle pulled in from node_modules. */
  packages: string[];
  /** The largest inputs by minified bytes in the output, largest first. */
  largest: { input: string; bytes: number }[];
  /** min+gzip bytes once every string or template text over TEXT_KEPT characters is cut to that length. */
  gzippedShortText: number;
}

/** Messages cut to this many characters still say which error it is, not what to do about it. */
export const TEXT_KEPT = 24;

/**
 * The minified code with every string literal and template text longer than TEXT_KEPT cut short: what
 * the bundle would weigh if the messages said almost nothing. Parsed, not pattern-matched, so quotes
 * inside regular expressions and templates are read as the language reads them.
 */
export function withShortText(code: string): string {
  const file = ts.createSourceFile("bundle.js", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const cuts: { start: number; end: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      const text = code.slice(node.getStart(file), node.getEnd());
      // The delimiters: a quote or backtick before, and a quote, backtick or "${" after.
      const open = 1;
      const close = text.endsWith("${") ? 2 : 1;
      if (text.length - open - close > TEXT_KEPT) {
        cuts.push({ start: node.getStart(file) + open + TEXT_KEPT, end: node.getEnd() - close });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = "";
  let from = 0;
  for (const cut of cuts) {
    out += code.slice(from, cut.start);
    from = cut.end;
  }
  return out + code.slice(from);
}

/** What a typical app imports; a bundler keeps only this (and what it uses). */
const TYPICAL_APP = `export { createDatabricksClient, unwrap, paginate } from ${JSON.stringify(DIST_ENTRY)};`;

/** The client and nothing else: the least any app that sends a request bundles. */
const CLIENT_ONLY = `export { createDatabricksClient } from ${JSON.stringify(DIST_ENTRY)};`;

async function bundle(
  external: string[],
  entry: "package" | "waiters" | "typical-app" | "client-only",
): Promise<BundleSize> {
  const stdin = { "typical-app": TYPICAL_APP, "client-only": CLIENT_ONLY } as Record<string, string>;
  const result = await build({
    ...(stdin[entry] !== undefined
      ? { stdin: { contents: stdin[entry], resolveDir: ROOT, loader: "js" as const } }
      : { entryPoints: [entry === "package" ? DIST_ENTRY : DIST_WAITERS] }),
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external,
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.contents;
  const output = Object.values(result.metafile.outputs)[0]!;
  const packages = new Set<string>();
  const largest: BundleSize["largest"] = [];
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    if (match) packages.add(match[1]!);
    largest.push({ input: match ? match[1]! : input.replace(/^.*?dist\//, "dist/"), bytes: bytesInOutput });
  }
  largest.sort((a, b) => b.bytes - a.bytes);
  return {
    minified: code.length,
    gzipped: gzipSync(code, { level: 9 }).length,
    gzippedShortText: gzipSync(withShortText(new TextDecoder().decode(code)), { level: 9 }).length,
    packages: [...packages].sort(),
    largest: largest.slice(0, 8),
  };
}

/** The runtime entry bundled by esbuild (our code alone, and with openapi-fetch), and a typical app's share. */
export async function bundleSize(): Promise<{
  ours: BundleSize;
  withOpenapiFetch: BundleSize;
  typicalApp: BundleSize;
  clientOnly: BundleSize;
  waiters: BundleSize;
}> {
  return {
    ours: await bundle(["openapi-fetch"], "package"),
    withOpenapiFetch: await bundle([], "package"),
    typicalApp: await bundle([], "typical-app"),
    clientOnly: await bundle([], "client-only"),
    waiters: await bundle([], "waiters"),
  };
}

/** The package's declared runtime dependencies. */
export function runtimeDependencies(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(pkg.dependencies ?? {}).sort();
}
