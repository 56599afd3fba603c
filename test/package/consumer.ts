/**
 * Helpers for the package test: pack the built package the way `npm publish` would, and install the
 * tarball into a fresh project, offline. `npm install --offline` resolves openapi-fetch from the npm
 * cache that `npm ci` filled; if that cache is cold, the tarball is unpacked by hand and its declared
 * dependencies are linked from this repository's node_modules — still only what `dependencies` names,
 * so a missing dependency fails the import either way. Nothing here touches the network.
 */
import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Newest modification time of any file under `dir`. */
function newest(dir: string): number {
  let latest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    latest = Math.max(latest, stat.isDirectory() ? newest(path) : stat.mtimeMs);
  }
  return latest;
}

/** Builds `dist/` unless it is newer than every source file (`npm test` has just built it). */
export async function ensureBuilt(): Promise<void> {
  const entry = join(ROOT, "dist/index.js");
  if (existsSync(entry) && statSync(entry).mtimeMs >= newest(join(ROOT, "src"))) return;
  await run("npm", ["run", "build"], { cwd: ROOT });
}

/** A packed tarball and the files in it. */
export interface Packed {
  tarball: string;
  files: string[];
}

/** `npm pack` into `dest` (scripts skipped: `ensureBuilt` already built). */
export async function pack(dest: string): Promise<Packed> {
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dest], {
    cwd: ROOT,
  });
  const [result] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  return { tarball: join(dest, result.filename), files: result.files.map((file) => file.path).sort() };
}

function dependenciesOf(dir: string): string[] {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(pkg.dependencies ?? {});
}

/** Links `name` and, recursively, its dependencies from the repository into `modules`. */
function link(name: string, modules: string): void {
  const target = join(modules, name);
  if (existsSync(target)) return;
  const source = join(ROOT, "node_modules", name);
  mkdirSync(join(target, ".."), { recursive: true });
  symlinkSync(source, target, "dir");
  for (const dependency of dependenciesOf(source)) link(dependency, modules);
}

/**
 * Creates an ESM project in `dir` and installs `tarball` into it, offline.
 * Returns how: `npm` (a real install from the npm cache) or `linked` (cold cache fallback).
 */
export async function installInto(dir: string, tarball: string): Promise<"npm" | "linked"> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }),
  );
  try {
    await run(
      "npm",
      ["install", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock", tarball],
      { cwd: dir },
    );
    return "npm";
  } catch {
    const own = join(dir, "node_modules", "databricks-apim");
    mkdirSync(own, { recursive: true });
    await run("tar", ["-xzf", tarball, "-C", own, "--strip-components=1"]);
    for (const dependency of dependenciesOf(own)) link(dependency, join(dir, "node_modules"));
    return "linked";
  }
}

/** Packages installed under `modules` (scoped ones as `@scope/name`). */
export function installedPackages(modules: string): string[] {
  const names: string[] = [];
  for (const name of readdirSync(modules)) {
    if (name.startsWith(".")) continue;
    if (name.startsWith("@"))
      for (const scoped of readdirSync(join(modules, name))) names.push(`${name}/${scoped}`);
    else names.push(name);
  }
  return names.sort();
}

/** Runs node (or another tool) in `cwd`; resolves with stdout, rejects with stderr in the message. */
export async function runIn(
  cwd: string,
  file: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  try {
    const { NODE_OPTIONS: _, ...inherited } = process.env;
    const { stdout } = await run(file, args, { cwd, env: { ...inherited, ...env }, timeout: 60_000 });
    return stdout;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(" ")} failed in ${cwd}:\n${stdout}\n${stderr}`);
  }
}
