/**
 * Type-checks documentation code (docs/examples/*.ts and the generated operation samples) against
 * src/, importing the package by the names users write (`databricks-apim/waiters`), mapped to the
 * sources by docs/examples/tsconfig.json.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { listOperations, type OpenApiDocument } from "../lib/spec.js";
import { sampleFor } from "./samples.js";

/** The examples' compiler options, read from docs/examples/tsconfig.json. */
export function exampleOptions(root: string): ts.CompilerOptions {
  const configPath = path.join(root, "docs/examples/tsconfig.json");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, "\n"));
  return ts.parseJsonConfigFileContent(config.config, ts.sys, path.dirname(configPath)).options;
}

/** Compiles `files` (plus in-memory `extra` files, by absolute path) and returns the errors, formatted. */
export function typecheck(
  root: string,
  files: readonly string[],
  extra: ReadonlyMap<string, string> = new Map(),
): string[] {
  const options = exampleOptions(root);
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => extra.get(path.resolve(name)) ?? readFile(name);
  host.fileExists = (name) => extra.has(path.resolve(name)) || fileExists(name);
  const program = ts.createProgram({ rootNames: [...files, ...extra.keys()], options, host });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) =>
    ts.formatDiagnostic(diagnostic, {
      getCanonicalFileName: (name) => name,
      getCurrentDirectory: () => root,
      getNewLine: () => "\n",
    }),
  );
}

/** The examples and every operation's sample (kept in memory, as if in docs/examples/.samples/). */
export function docCode(
  root: string,
  doc: OpenApiDocument,
): { examples: string[]; samples: Map<string, string> } {
  const dir = path.join(root, "docs/examples");
  const examples = readdirSync(dir)
    .filter((name) => name.endsWith(".ts"))
    .map((name) => path.join(dir, name));
  const samples = new Map(
    listOperations(doc).map(({ method, path: route, op }) => [
      path.join(dir, ".samples", `${op.operationId}.ts`),
      sampleFor(doc, method, route, op),
    ]),
  );
  return { examples, samples };
}

/** Type-checks the examples and the operation samples together; returns the errors. */
export function typecheckDocCode(root: string, doc: OpenApiDocument): string[] {
  const { examples, samples } = docCode(root, doc);
  return typecheck(root, examples, samples);
}
