/**
 * `npm run bench:profile`: where a client request spends its CPU. Runs sequential client GETs (or
 * POSTs) against the bench server under the V8 sampling profiler and prints self time grouped by
 * function and by module, so a missed overhead goal comes with what dominated it.
 *
 *   npm run bench:profile -- [GET|POST|RAW] [requests]
 */
import { type ChildProcess, fork } from "node:child_process";
import { Session } from "node:inspector/promises";
import { fileURLToPath } from "node:url";
import { timeCalls } from "./measure.js";
import { loadSdk } from "./sdk.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const mode = (process.argv[2] ?? "GET").toUpperCase();
const requests = Number(process.argv[3] ?? 20_000);
if (!["GET", "POST", "RAW"].includes(mode) || !Number.isInteger(requests) || requests < 1) {
  throw new Error("Usage: npm run bench:profile -- [GET|POST|RAW] [requests]");
}

/** Shortens a frame's URL to the module that owns it: `dist/transport.js`, `undici`, `openapi-fetch`… */
function owner(url: string): string {
  if (url === "") return "(native / GC)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const dist = /\/(dist\/.+)$/.exec(url);
  if (dist) return dist[1]!;
  if (url.startsWith("node:internal/deps/undici")) return "undici (node:internal)";
  if (url.startsWith("node:")) return url.replace(/^node:internal\//, "node:");
  return url.replace(/^.*\//, "");
}

/** Sampling interval, µs: each sample stands for this much CPU time. */
const INTERVAL = 100;

function top(totals: Map<string, number>, all: number, n: number): string[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([name, hits]) =>
        `${((100 * hits) / all).toFixed(1).padStart(5)}% ${((hits * INTERVAL) / requests).toFixed(1).padStart(6)} µs  ${name}`,
    );
}

const child: ChildProcess = fork(fileURLToPath(new URL("./server.ts", import.meta.url)), [], {
  execArgv: ["--import", "tsx"],
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
const port = await new Promise<number>((resolve) =>
  child.once("message", (m) => resolve((m as { port: number }).port)),
);
try {
  const sdk = await loadSdk();
  const origin = `http://127.0.0.1:${port}`;
  const key = "bench-subscription-key-0123456789";
  const client = sdk.createDatabricksClient({ apimUrl: origin, subscriptionKey: key });
  const headers = { Accept: "application/json", "Ocp-Apim-Subscription-Key": key };
  const task =
    mode === "GET"
      ? (i: number) => client.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: `0128-${i}` } } })
      : mode === "POST"
        ? () => client.POST("/api/2.1/clusters/create", { body: { spark_version: "15.4.x-scala2.12" } })
        : (i: number) =>
            fetch(`${origin}/dbw-01/api/2.1/clusters/get?cluster_id=0128-${i}`, { headers }).then((r) =>
              r.json(),
            );
  await timeCalls(2_000, 1, task);

  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: INTERVAL });
  await session.post("Profiler.start");
  const { wall: us } = await timeCalls(requests, 1, task);
  const { profile } = await session.post("Profiler.stop");
  session.disconnect();

  const nodes = profile.nodes as ProfileNode[];
  const parent = new Map<number, ProfileNode>();
  for (const node of nodes) for (const child of node.children ?? []) parent.set(child, node);
  const label = (node: ProfileNode) =>
    `${node.callFrame.functionName || "(anonymous)"}  ${owner(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
  /** The innermost caller on the stack that is the SDK's own code or openapi-fetch. */
  const nearestPackageFrame = (node: ProfileNode): string => {
    for (let current: ProfileNode | undefined = node; current; current = parent.get(current.id)) {
      const module = owner(current.callFrame.url);
      if (module.startsWith("dist/") || module === "openapi-fetch") return label(current);
    }
    return "(no SDK frame on the stack: fetch, sockets, GC, event loop)";
  };
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  const byCaller = new Map<string, number>();
  let all = 0;
  for (const node of nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0 || node.callFrame.functionName === "(idle)") continue;
    all += hits;
    const module = owner(node.callFrame.url);
    byFunction.set(label(node), (byFunction.get(label(node)) ?? 0) + hits);
    byModule.set(module, (byModule.get(module) ?? 0) + hits);
    const caller = nearestPackageFrame(node);
    byCaller.set(caller, (byCaller.get(caller) ?? 0) + hits);
  }
  process.stdout.write(
    [
      `${mode}: ${requests} sequential requests, ${us.toFixed(1)} µs per request (profiler on).`,
      "",
      `CPU (non-idle samples) ≈ ${((all * INTERVAL) / requests).toFixed(1)} µs per request.`,
      "",
      "Self time by module (share, µs per request):",
      ...top(byModule, all, 20),
      "",
      "Time by the innermost SDK or openapi-fetch function on the stack (includes what it calls):",
      ...top(byCaller, all, 20),
      "",
      "Self time by function (share, µs per request):",
      ...top(byFunction, all, 30),
      "",
    ].join("\n"),
  );
} finally {
  child.disconnect();
}
