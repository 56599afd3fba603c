/**
 * The benchmarks measure what users run: the built `dist/` (plain `tsc` output), not the TypeScript
 * sources through a loader. Types still come from `src/`, which `dist/` is compiled from.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The package's public surface. */
export type Sdk = typeof import("../src/index.js");

/** The repository root. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** The built runtime entry. */
export const DIST_ENTRY = `${ROOT}dist/index.js`;
/** The built `databricks-apim/waiters` entry. */
export const DIST_WAITERS = `${ROOT}dist/waiters/index.js`;

/** Imports the built package; fails with a hint when it has not been built. */
export async function loadSdk(): Promise<Sdk> {
  if (!existsSync(DIST_ENTRY)) throw new Error("dist/index.js is missing: run `npm run build` first.");
  return (await import(pathToFileURL(DIST_ENTRY).href)) as Sdk;
}

/** The official JS SDK's client class, as far as the benchmark uses it. */
export type OfficialClient = new (options: {
  host: string;
  credentials: { name: string; configure: () => Promise<(headers: Headers) => Promise<void> | void> };
}) => {
  apiClient: { request: (options: { path: string }, context?: unknown) => Promise<unknown> };
  clusters: { get: (request: { cluster_id: string }) => Promise<unknown> };
};

/**
 * The official JS SDK (@databricks/sdk-experimental), installed apart from the package with
 * `npm ci --prefix test/official-sdk`; `undefined` when it is not installed (its side is skipped).
 */
export async function loadOfficialSdk(): Promise<OfficialClient | undefined> {
  const require = createRequire(`${ROOT}test/official-sdk/package.json`);
  let entry: string;
  try {
    entry = require.resolve("@databricks/sdk-experimental");
  } catch {
    return undefined;
  }
  const module = (await import(pathToFileURL(entry).href)) as {
    WorkspaceClient?: OfficialClient;
    default?: { WorkspaceClient?: OfficialClient };
  };
  return module.WorkspaceClient ?? module.default?.WorkspaceClient;
}
