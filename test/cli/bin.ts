/**
 * The `databricks-apim` bin as a separate process: src/cli/main.ts bundled once with esbuild (fast to
 * start, unlike tsx per run) next to node_modules, so its external imports (msw) resolve as installed.
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const OUT = `${ROOT}node_modules/.cache/databricks-apim-cli/main.mjs`;

/** Bundles the bin; returns its path. */
export async function buildBin(): Promise<string> {
  mkdirSync(`${ROOT}node_modules/.cache/databricks-apim-cli`, { recursive: true });
  await build({
    entryPoints: [`${ROOT}src/cli/main.ts`],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile: OUT,
    logLevel: "silent",
  });
  return OUT;
}

/** Runs the bin with `args` and exactly `env` (plus PATH); collects its output. */
export function runBin(
  bin: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
