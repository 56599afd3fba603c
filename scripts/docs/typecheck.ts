/**
 * Type-checks documentation code (docs/examples/*.ts and the generated operation samples) against
 * src/, importing the package by the names users write (`databricks-apim/waiters`), mapped to the
 * sources by docs/examples/tsconfig.json.
 */
import path from "node:path";
import ts from "typescript";

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
