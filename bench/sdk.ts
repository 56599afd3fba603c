/**
 * The benchmarks measure what users run: the built `dist/` (plain `tsc` output), not the TypeScript
 * sources through a loader. Types still come from `src/`, which `dist/` is compiled from.
 */
import { existsSync } from "node:fs";
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
