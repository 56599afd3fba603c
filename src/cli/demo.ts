/**
 * `databricks-apim demo` (also `npm run demo`): a short, readable tour of databricks-apim, using only
 * the package's public API.
 *
 * With no configuration it starts the test kit's emulator (an APIM gateway in front of an in-memory
 * Databricks workspace) on 127.0.0.1 in this process and runs the whole tour: who am I, list clusters,
 * create one and wait for RUNNING, run a job and wait, run SQL and print the rows, then show a typed
 * gateway error (wrong key) and the whitelist's 404. With DATABRICKS_APIM_URL and
 * DATABRICKS_APIM_SUBSCRIPTION_KEY set it runs only the read-only steps against that gateway.
 * The subscription key is never printed: every line goes through a printer that masks it, because a
 * gateway may echo it back in any field the tour shows. The emulator (and so msw) loads only when used.
 */
import {
  ApimGatewayError,
  collect,
  createDatabricksClient,
  ENV,
  isDatabricksApimError,
  unwrap,
} from "../index.js";
import { executeStatement, waitForCluster, waitForRun } from "../waiters/index.js";
import { hideSecrets, safePrinter } from "./safe-output.js";

/** Options of {@link runDemo}; the defaults are what `npm run demo` uses. */
export interface DemoOptions {
  /** Environment to read the gateway settings from. @default process.env */
  env?: Record<string, string | undefined>;
  /** Where lines go. @default console.log */
  print?: (line: string) => void;
  /** Pause between polls of a waiter, in ms (the emulator moves one state per poll). @default 150 */
  pollInterval?: number;
}

/** The gateway the tour talks to: the user's, or an emulator started for the tour. */
interface Target {
  apimUrl: string;
  subscriptionKey: string;
  apiSuffix: string | undefined;
  emulated: boolean;
  close(): Promise<void>;
}

/** Key the in-process emulator accepts. Fake, local, and only valid for that emulator. */
const DEMO_KEY = "demo-local-key";
/** An operation that exists in Databricks but not in the curated spec, so APIM never forwards it. */
const NOT_WHITELISTED = "/api/2.0/token-management/tokens";

/** Runs the tour; resolves when every step succeeded, rejects with a readable error otherwise. */
export async function runDemo(options: DemoOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const interval = { initial: options.pollInterval ?? 150, max: options.pollInterval ?? 150 };
  const started = Date.now();
  const target = await chooseTarget(env);
  const print = safePrinter(options.print ?? console.log, [target.subscriptionKey]);
  try {
    print(
      target.emulated
        ? `databricks-apim demo, against the built-in emulator at ${target.apimUrl} (APIM gateway + in-memory workspace).`
        : `databricks-apim demo, read-only, against ${target.apimUrl} (from ${ENV.apimUrl}).`,
    );
    if (target.emulated)
      print(`Set ${ENV.apimUrl} and ${ENV.subscriptionKey} to run it against your gateway.`);
    const client = createDatabricksClient({
      apimUrl: target.apimUrl,
      subscriptionKey: target.subscriptionKey,
      ...(target.apiSuffix ? { apiSuffix: target.apiSuffix } : {}),
      userAgent: "databricks-apim-demo",
    });
    let step = 0;
    const heading = (text: string) => print(`\n${++step}. ${text}`);

    heading("Who am I? (SCIM Me: behind APIM, the gateway's managed identity)");
    const me = await unwrap(client.GET("/api/2.0/preview/scim/v2/Me"));
    print(`   ${me.displayName ?? "(no display name)"}  userName=${me.userName ?? "?"}`);

    heading("Clusters (GET /api/2.1/clusters/list, every page)");
    const clusters = await collect(client, "/api/2.1/clusters/list", {
      params: { query: { page_size: 50 } },
    });
    if (clusters.length === 0) print("   none yet");
    for (const c of clusters.slice(0, 10))
      print(`   ${c.cluster_id}  ${pad(c.state ?? "?", 11)} ${c.cluster_name ?? ""}`);

    if (target.emulated) {
      heading("Create a cluster and wait for RUNNING");
      const { cluster_id } = await unwrap(
        client.POST("/api/2.1/clusters/create", {
          body: {
            cluster_name: "demo",
            spark_version: "15.4.x-scala2.12",
            node_type_id: "Standard_DS3_v2",
            num_workers: 1,
          },
        }),
      );
      const clusterId = cluster_id ?? "";
      const cluster = await waitForCluster(client, clusterId, {
        interval,
        onProgress: progress(print, `cluster ${clusterId}`),
      });
      print(`   ${clusterId} is ${cluster.state}`);

      heading("Run a job and wait for it");
      const jobs = await collect(client, "/api/2.2/jobs/list");
      const job = jobs[0];
      if (job?.job_id === undefined)
        throw new Error("Failed to run the demo: the workspace has no job to run.");
      const { run_id } = await unwrap(client.POST("/api/2.2/jobs/run-now", { body: { job_id: job.job_id } }));
      const run = await waitForRun(client, run_id ?? 0, {
        interval,
        requireSuccess: true,
        onProgress: progress(
          print,
          `run ${run_id} of "${job.settings?.name ?? job.job_id}"`,
          (r) => r.state?.life_cycle_state,
        ),
      });
      print(`   result: ${run.state?.result_state}`);

      heading("SQL on a warehouse");
      const [warehouse] = await collect(client, "/api/2.0/sql/warehouses");
      const statement = "SELECT * FROM samples.nyctaxi.trips LIMIT 5";
      print(`   ${warehouse?.name ?? "?"}> ${statement}`);
      const result = await executeStatement(
        client,
        { warehouse_id: warehouse?.id ?? "", statement },
        { interval },
      );
      const rows: (string | null)[][] = [];
      for await (const row of result.arrays()) rows.push(row);
      for (const line of table(result.columns, rows)) print(`   ${line}`);
      print(`   ${rows.length} rows in ${result.manifest?.total_chunk_count ?? 0} result chunks`);
    }

    heading("A wrong subscription key: a typed gateway error, not a string to parse");
    const wrongKey = createDatabricksClient({
      apimUrl: target.apimUrl,
      subscriptionKey: "0123456789abcdef0123456789abcdef",
      ...(target.apiSuffix ? { apiSuffix: target.apiSuffix } : {}),
      maxRetries: 0,
    });
    const keyError = await expectFailure(unwrap(wrongKey.GET("/api/2.0/preview/scim/v2/Me")));
    printGatewayError(print, keyError, "a wrong key to be refused by the gateway with 401");

    heading(`An operation outside the whitelist (GET ${NOT_WHITELISTED})`);
    // The cast is the point of this step: the typed client only knows whitelisted paths.
    const path = NOT_WHITELISTED as "/api/2.0/token/list";
    const pathError = await expectFailure(unwrap(client.GET(path, { maxRetries: 0 })));
    printGatewayError(
      print,
      pathError,
      "the gateway to refuse an operation outside the spec with 404; is its API imported from " +
        "openapi/databricks-workspace.yaml (scripts/import-to-apim), or does it still have a wildcard operation?",
    );

    print(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  } catch (error) {
    // A failure's message may quote what the gateway sent back; the caller prints it.
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(hideSecrets(message, [target.subscriptionKey]));
  } finally {
    await target.close();
  }
}

async function chooseTarget(env: Record<string, string | undefined>): Promise<Target> {
  const apimUrl = env[ENV.apimUrl]?.trim();
  const subscriptionKey = env[ENV.subscriptionKey]?.trim();
  if (apimUrl && subscriptionKey) {
    const apiSuffix = env[ENV.apiSuffix]?.trim() || undefined;
    return { apimUrl, subscriptionKey, apiSuffix, emulated: false, close: async () => {} };
  }
  if (apimUrl || subscriptionKey) {
    throw new Error(
      `Failed to start the demo: set both ${ENV.apimUrl} and ${ENV.subscriptionKey} to use your gateway, ` +
        "or neither to use the built-in emulator.",
    );
  }
  const { createDatabricksMock, startMockGateway, systemClock } = await import("../testing/index.js");
  const mock = createDatabricksMock({
    apimUrl: "http://127.0.0.1",
    keys: [DEMO_KEY],
    clock: systemClock,
    sql: { rowsPerChunk: 2 },
  });
  const server = await startMockGateway(mock);
  return {
    apimUrl: server.url,
    subscriptionKey: DEMO_KEY,
    apiSuffix: undefined,
    emulated: true,
    close: () => server.close(),
  };
}

/** A waiter's `onProgress` that prints one line per state change. */
function progress<T extends { state?: unknown }>(
  print: (line: string) => void,
  label: string,
  stateOf: (value: T) => unknown = (value) => value.state,
) {
  let last: unknown;
  return (value: T, { attempt }: { attempt: number }) => {
    const state = stateOf(value);
    if (state !== last) print(`   ${label}: ${String(state)} (poll ${attempt})`);
    last = state;
  };
}

/** The error a call failed with, or a note that it succeeded. */
async function expectFailure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  return "a successful answer";
}

/** Prints a gateway refusal; anything else means the gateway does not behave as the step expects. */
function printGatewayError(print: (line: string) => void, error: unknown, expected: string): void {
  if (!(error instanceof ApimGatewayError)) {
    const got = isDatabricksApimError(error)
      ? `${error.name} (${error.status}): ${error.message}`
      : String(error);
    throw new Error(`Failed the demo step: expected ${expected}, got ${got}`);
  }
  print(`   ${error.name} status=${error.status} reason=${error.reason}`);
  print(`   ${error.message}`);
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/** Rows as an aligned text table. */
function table(columns: readonly string[], rows: (string | null)[][]): string[] {
  const cells = [columns.map(String), ...rows.map((row) => columns.map((_, i) => row[i] ?? "NULL"))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => pad(cell, widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const [header = [], ...body] = cells;
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)];
}

/** The command: runs the tour; resolves with the exit code. */
export async function demoCommand(): Promise<number> {
  try {
    await runDemo();
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`\ndatabricks-apim demo: ${message}`);
    return 1;
  }
}
