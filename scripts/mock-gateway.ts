/**
 * `npm run mock-gateway`: the test kit's APIM gateway + Databricks workspace emulator as a real HTTP
 * server on 127.0.0.1, for curl, other languages, or an app run by hand. It prints the URL and the
 * subscription key it accepts (a local fake key: printing it is the point) and logs one line per
 * request without headers or query string, so no key ever reaches the log.
 *
 *   npm run mock-gateway -- --port 8080 --key my-local-key
 *   curl -H "Ocp-Apim-Subscription-Key: my-local-key" http://127.0.0.1:8080/dbw-01/api/2.1/clusters/list
 *
 * `--not-granted` starts in the seed write-up's first state: the gateway's managed identity is not yet a
 * workspace user, so Databricks answers `{"error_code":"401","message":"Unauthorized"}`.
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  createDatabricksMock,
  type MockGatewayServer,
  startMockGateway,
  systemClock,
} from "../src/testing/index.js";

/** The key accepted when `--key` is not given. Local and fake; never a real subscription key. */
export const DEFAULT_LOCAL_KEY = "local-dev-key";

const USAGE = `Usage: npm run mock-gateway -- [options]
  --port N           port on 127.0.0.1 (default 8080; 0 picks a free one)
  --key K            subscription key to accept (repeatable; default ${DEFAULT_LOCAL_KEY})
  --suffix S         APIM API URL suffix (default dbw-01)
  --not-granted      start with the managed identity not added to the workspace (Databricks 401)
  --rate-limit C/S   APIM rate-limit-by-key: C calls per S seconds, e.g. 10/60
  --step-ms N        clock time after which a long-running resource moves on (default 5000)
  --quiet            do not log requests
  --help             show this help`;

/** Parsed command line. */
export interface MockGatewayArgs {
  port: number;
  keys: string[];
  suffix: string;
  granted: boolean;
  rateLimit: { calls: number; renewalPeriodSeconds: number } | undefined;
  stepMs: number;
  quiet: boolean;
}

/** Parses `argv` (without node and script); throws with a usage hint on bad input. */
export function parseMockGatewayArgs(argv: string[]): MockGatewayArgs | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "8080" },
      key: { type: "string", multiple: true },
      suffix: { type: "string", default: "dbw-01" },
      "not-granted": { type: "boolean", default: false },
      "rate-limit": { type: "string" },
      "step-ms": { type: "string", default: "5000" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) return "help";
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got ${values.port}`);
  const stepMs = Number(values["step-ms"]);
  if (!(stepMs > 0)) throw new Error(`--step-ms must be a positive number, got ${values["step-ms"]}`);
  let rateLimit: MockGatewayArgs["rateLimit"];
  if (values["rate-limit"] !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values["rate-limit"]);
    if (!m) throw new Error(`--rate-limit must look like 10/60 (calls/seconds), got ${values["rate-limit"]}`);
    rateLimit = { calls: Number(m[1]), renewalPeriodSeconds: Number(m[2]) };
  }
  return {
    port,
    keys: values.key?.length ? values.key : [DEFAULT_LOCAL_KEY],
    suffix: values.suffix,
    granted: !values["not-granted"],
    rateLimit,
    stepMs,
    quiet: values.quiet,
  };
}

/** Starts the emulator server and prints how to reach it; resolves with the running server. */
export async function startFromArgs(
  args: MockGatewayArgs,
  print: (line: string) => void = console.log,
): Promise<MockGatewayServer> {
  const mock = createDatabricksMock({
    // The server rewrites each request onto this origin; clients use the printed URL.
    apimUrl: "http://127.0.0.1",
    apiSuffix: args.suffix,
    keys: args.keys,
    clock: systemClock,
    timing: { stepMs: args.stepMs },
    managedIdentityGranted: args.granted,
    ...(args.rateLimit ? { rateLimit: args.rateLimit } : {}),
  });
  const server = await startMockGateway(mock, {
    port: args.port,
    ...(args.quiet
      ? {}
      : { onResponse: ({ method, path, status }) => print(`${method} ${path} → ${status}`) }),
  });
  const base = `${server.url}/${args.suffix}`;
  print(`databricks-apim mock gateway listening on ${server.url}`);
  print(`  API base:          ${base}`);
  print(`  accepted key(s):   ${args.keys.join(", ")}   (local fake keys; this emulator only)`);
  print(`  managed identity:  ${args.granted ? "granted" : "NOT granted (Databricks answers 401)"}`);
  if (args.rateLimit)
    print(
      `  rate limit:        ${args.rateLimit.calls} calls / ${args.rateLimit.renewalPeriodSeconds} s per key`,
    );
  print("Try:");
  print(`  curl -H "Ocp-Apim-Subscription-Key: ${args.keys[0]}" ${base}/api/2.1/clusters/list`);
  print(`  DATABRICKS_APIM_URL=${server.url} DATABRICKS_APIM_SUBSCRIPTION_KEY=${args.keys[0]} npm run demo`);
  print("Ctrl+C stops it.");
  return server;
}

async function main(): Promise<void> {
  let args: MockGatewayArgs | "help";
  try {
    args = parseMockGatewayArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`mock-gateway: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args === "help") {
    console.log(USAGE);
    return;
  }
  let server: MockGatewayServer;
  try {
    server = await startFromArgs(args);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "EADDRINUSE" ? `port ${args.port} is in use; pass --port 0 for a free one` : String(error);
    console.error(`mock-gateway: failed to start: ${why}`);
    process.exit(1);
  }
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
