/**
 * `databricks-apim mock-gateway` (also `npm run mock-gateway`): the test kit's APIM gateway + Databricks
 * workspace emulator as a real HTTP server on 127.0.0.1, for curl, other languages, scripts, or an app
 * run by hand. It prints the URL and the subscription keys it accepts (local fake keys: printing them is
 * the point) and logs one line per request without headers or query string, so no key reaches the log.
 *
 * The same server answers as the workspace itself, without the suffix, for callers with
 * `Authorization: Bearer <token>`: that is where `scripts/grant-workspace-access --workspace-url` talks.
 * `--not-granted` starts in the seed write-up's first state: no service principal for the gateway's
 * managed identity, so Databricks answers `{"error_code":"401","message":"Unauthorized"}`.
 */
import { parseArgs } from "node:util";
import type { MockGatewayServer } from "../testing/index.js";

/** The key accepted when `--key` is not given. Local and fake; never a real subscription key. */
export const DEFAULT_LOCAL_KEY = "local-dev-key";

/** Application id of the gateway's managed identity when `--managed-identity-app-id` is not given. */
export const DEFAULT_APP_ID = "00000000-0000-4000-8000-00000000a9e1";

export const MOCK_GATEWAY_USAGE = `Usage: databricks-apim mock-gateway [options]   (or: npm run mock-gateway -- [options])
  --port N                       port on 127.0.0.1 (default 8080; 0 picks a free one)
  --key K                        subscription key to accept (repeatable; default ${DEFAULT_LOCAL_KEY})
  --suffix S                     APIM API URL suffix (default dbw-01)
  --not-granted                  start without a service principal for the gateway's managed identity
                                 (Databricks answers 401 until it is granted)
  --managed-identity-app-id ID   application id of the gateway's managed identity (default ${DEFAULT_APP_ID})
  --admin-token T                the one bearer token that is a workspace admin for direct calls
                                 (default: any non-empty token)
  --wildcard                     forward any GET under the suffix, like a hand-wired GET /* operation
  --backend-down                 every call gets APIM's backend-failure 500
  --rate-limit C/S               APIM rate-limit-by-key: C calls per S seconds, e.g. 10/60
  --quota C/S                    APIM quota-by-key: C calls per S seconds, e.g. 1000/3600
  --max-body-bytes N             largest request body read; bigger ones get 413 (default 16 MiB)
  --step-ms N                    clock time after which a long-running resource moves on (default 5000)
  --quiet                        do not log requests
  --help                         show this help`;

/** Parsed command line. */
export interface MockGatewayArgs {
  port: number;
  keys: string[];
  suffix: string;
  granted: boolean;
  appId: string;
  adminToken: string | undefined;
  wildcard: boolean;
  backendDown: boolean;
  rateLimit: { calls: number; renewalPeriodSeconds: number } | undefined;
  quota: { calls: number; renewalPeriodSeconds: number } | undefined;
  maxBodyBytes: number | undefined;
  stepMs: number;
  quiet: boolean;
}

const UUID = /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i;

/** Parses `argv` (after the command name); throws with the flag's name on bad input. */
export function parseMockGatewayArgs(argv: string[]): MockGatewayArgs | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "8080" },
      key: { type: "string", multiple: true },
      suffix: { type: "string", default: "dbw-01" },
      "not-granted": { type: "boolean", default: false },
      "managed-identity-app-id": { type: "string", default: DEFAULT_APP_ID },
      "admin-token": { type: "string" },
      wildcard: { type: "boolean", default: false },
      "backend-down": { type: "boolean", default: false },
      "rate-limit": { type: "string" },
      quota: { type: "string" },
      "max-body-bytes": { type: "string" },
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
  // The client accepts one simple path segment as apiSuffix (config.ts); a gateway under any other
  // suffix could not be reached by it.
  if (!/^[A-Za-z0-9][A-Za-z0-9._~-]*$/.test(values.suffix))
    throw new Error(
      `--suffix must be one simple path segment like dbw-01, got ${JSON.stringify(values.suffix)}`,
    );
  const appId = values["managed-identity-app-id"];
  if (!UUID.test(appId)) throw new Error(`--managed-identity-app-id must be a UUID, got ${appId}`);
  if (values["admin-token"] !== undefined && !/^[!-~]+$/.test(values["admin-token"]))
    throw new Error("--admin-token must be non-empty visible ASCII");
  let maxBodyBytes: number | undefined;
  if (values["max-body-bytes"] !== undefined) {
    maxBodyBytes = Number(values["max-body-bytes"]);
    if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1)
      throw new Error(`--max-body-bytes must be a positive integer, got ${values["max-body-bytes"]}`);
  }
  return {
    port,
    keys: values.key?.length ? values.key : [DEFAULT_LOCAL_KEY],
    suffix: values.suffix,
    granted: !values["not-granted"],
    appId,
    adminToken: values["admin-token"],
    wildcard: values.wildcard,
    backendDown: values["backend-down"],
    rateLimit: perSeconds("--rate-limit", values["rate-limit"]),
    quota: perSeconds("--quota", values.quota),
    maxBodyBytes,
    stepMs,
    quiet: values.quiet,
  };
}

function perSeconds(flag: string, value: string | undefined) {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m || Number(m[2]) < 1) throw new Error(`${flag} must look like 10/60 (calls/seconds), got ${value}`);
  return { calls: Number(m[1]), renewalPeriodSeconds: Number(m[2]) };
}

/** Starts the emulator server and prints how to reach it; resolves with the running server. */
export async function startFromArgs(
  args: MockGatewayArgs,
  print: (line: string) => void = console.log,
): Promise<MockGatewayServer> {
  const { createDatabricksMock, startMockGateway, systemClock } = await import("../testing/index.js");
  const mock = createDatabricksMock({
    // The server rewrites each request onto this origin; clients use the printed URL.
    apimUrl: "http://127.0.0.1",
    apiSuffix: args.suffix,
    keys: args.keys,
    clock: systemClock,
    timing: { stepMs: args.stepMs },
    managedIdentityGranted: args.granted,
    managedIdentityAppId: args.appId,
    wildcard: args.wildcard,
    backendDown: args.backendDown,
    ...(args.adminToken === undefined ? {} : { adminToken: args.adminToken }),
    ...(args.rateLimit ? { rateLimit: args.rateLimit } : {}),
    ...(args.quota ? { quota: args.quota } : {}),
  });
  const server = await startMockGateway(mock, {
    port: args.port,
    ...(args.maxBodyBytes === undefined ? {} : { maxBodyBytes: args.maxBodyBytes }),
    ...(args.quiet
      ? {}
      : { onResponse: ({ method, path, status }) => print(`${method} ${path} → ${status}`) }),
  });
  const base = `${server.url}/${args.suffix}`;
  const limit = (l: { calls: number; renewalPeriodSeconds: number }) =>
    `${l.calls} calls / ${l.renewalPeriodSeconds} s per key`;
  print(`databricks-apim mock gateway listening on ${server.url}`);
  print(`  API base:          ${base}`);
  print(`  accepted key(s):   ${args.keys.join(", ")}   (local fake keys; this emulator only)`);
  print(`  workspace (direct): ${server.url}   (Authorization: Bearer <token>; no suffix, no key)`);
  print(
    `  admin token:       ${args.adminToken === undefined ? "any non-empty bearer token" : "the one given with --admin-token"}`,
  );
  print(`  managed identity:  application id ${args.appId}`);
  print(
    `                     ${args.granted ? "granted (an active service principal exists)" : "NOT granted: Databricks answers 401 until scripts/grant-workspace-access adds it"}`,
  );
  if (args.wildcard)
    print("  wildcard:          any GET under the suffix is forwarded (a hand-wired GET /*)");
  if (args.backendDown) print("  backend:           DOWN (every call gets APIM's 500)");
  if (args.rateLimit) print(`  rate limit:        ${limit(args.rateLimit)}`);
  if (args.quota) print(`  quota:             ${limit(args.quota)}`);
  print("Try:");
  print(`  curl -H "Ocp-Apim-Subscription-Key: ${args.keys[0]}" ${base}/api/2.1/clusters/list`);
  print(
    `  DATABRICKS_APIM_URL=${server.url} DATABRICKS_APIM_SUBSCRIPTION_KEY=${args.keys[0]} npx databricks-apim doctor`,
  );
  print("Ctrl+C stops it.");
  return server;
}

/** The command: resolves when the server is up; SIGINT/SIGTERM stop it. Returns an exit code on failure. */
export async function mockGatewayCommand(argv: string[]): Promise<number | undefined> {
  let args: MockGatewayArgs | "help";
  try {
    args = parseMockGatewayArgs(argv);
  } catch (error) {
    console.error(
      `mock-gateway: ${error instanceof Error ? error.message : String(error)}\n\n${MOCK_GATEWAY_USAGE}`,
    );
    return 2;
  }
  if (args === "help") {
    console.log(MOCK_GATEWAY_USAGE);
    return 0;
  }
  // Loaded outside the try below, so that a missing msw reaches the bin's install hint.
  await import("../testing/index.js");
  let server: MockGatewayServer;
  try {
    server = await startFromArgs(args);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "EADDRINUSE" ? `port ${args.port} is in use; pass --port 0 for a free one` : String(error);
    console.error(`mock-gateway: failed to start: ${why}`);
    return 1;
  }
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return undefined;
}
