#!/usr/bin/env node
/**
 * The `databricks-apim` command shipped in the package: `doctor`, `mock-gateway` and `demo`. The deploy
 * scripts (import-to-apim, grant-workspace-access) stay in the repository: they need @azure/identity.
 * `mock-gateway` and the emulated `demo` need msw (an optional peer dependency), loaded only for them.
 */
import { VERSION } from "../version.js";

const USAGE = `Usage: databricks-apim <command> [options]

Commands:
  doctor         diagnose an APIM gateway in front of Azure Databricks (read-only)
  mock-gateway   run the APIM + workspace emulator on 127.0.0.1 (needs msw)
  demo           a tour of the client, against the emulator or DATABRICKS_APIM_URL
  help           this text

databricks-apim <command> --help shows a command's options. Version ${VERSION}.
`;

/** Runs one command; resolves with the exit code, or undefined while a server keeps running. */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  switch (command) {
    case "doctor": {
      const { doctorCommand } = await import("./doctor.js");
      return doctorCommand(rest, process.env);
    }
    case "mock-gateway":
      return withMsw(async () => (await import("./mock-gateway.js")).mockGatewayCommand(rest));
    case "demo":
      return withMsw(async () => (await import("./demo.js")).demoCommand());
    case "--version":
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`databricks-apim: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

/** Runs a command that needs msw, with an install hint when it is missing. */
async function withMsw(run: () => Promise<number | undefined>): Promise<number | undefined> {
  try {
    return await run();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" && /'msw/.test((error as Error).message)) {
      process.stderr.write(
        "databricks-apim: this command runs the emulator, which needs msw: npm install -D msw\n",
      );
      return 1;
    }
    throw error;
  }
}

const code = await main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
