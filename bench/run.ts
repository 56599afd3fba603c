/**
 * `npm run bench`: builds, starts a loopback server, measures the client against raw fetch, and
 * writes `bench/results.md`. It talks only to 127.0.0.1, every loop is bounded, and a hard deadline
 * stops it whatever happens. Never asserts timings: goals are reported as met or missed.
 *
 * Knobs (environment): BENCH_QUICK=1 (small counts, prints only, does not write results.md),
 * BENCH_ROUNDS, BENCH_REQUESTS, BENCH_WRITE=1 (write results.md even in quick mode),
 * BENCH_RESULTS=results-node24.md (another file under bench/, so figures from another Node version
 * can sit beside these).
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bundleSize, coldImport, installConsumer, runtimeDependencies } from "./footprint.js";
import { paginationHeap, paginationTime } from "./pagination.js";
import { goalRows, type Results, renderMarkdown } from "./report.js";
import { requestOverhead, retryOverhead, type Target } from "./requests.js";
import { loadOfficialSdk, loadSdk, ROOT } from "./sdk.js";

const HARD_DEADLINE_MS = 15 * 60_000;

function count(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer (got ${raw}).`);
  return value;
}

const quick = process.env.BENCH_QUICK === "1";
const config = {
  // 12 rounds: on a 2-core VM shared with the server, 8 left medians moving by ±0.05 between runs.
  rounds: count("BENCH_ROUNDS", quick ? 4 : 12),
  /** Requests per side per scenario, split evenly over the rounds. */
  requests: count("BENCH_REQUESTS", quick ? 2_000 : 20_000),
  listTotal: quick ? 10_000 : 100_000,
  heapTotals: quick ? [1_000, 10_000] : [10_000, 100_000],
  heapRounds: quick ? 1 : 3,
  /** Retried calls per side, split evenly over the rounds. */
  retries: quick ? 400 : 4_000,
  importRuns: quick ? 10 : 20,
};

function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(new URL("./server.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", (message) => resolve({ child, port: (message as { port: number }).port }));
    child.once("exit", (code) => reject(new Error(`Bench server exited early (code ${code}).`)));
  });
}

const log = (message: string) => process.stdout.write(`${message}\n`);

async function main(): Promise<void> {
  // Checked before anything runs: a bad name should not cost a whole benchmark run.
  const name = process.env.BENCH_RESULTS ?? "results.md";
  if (!/^[\w.-]+\.md$/.test(name))
    throw new Error(`BENCH_RESULTS must be a file name ending in .md (got ${name})`);
  const deadline = setTimeout(() => {
    console.error(`Benchmark exceeded ${HARD_DEADLINE_MS / 60_000} minutes; stopping.`);
    process.exit(1);
  }, HARD_DEADLINE_MS);
  deadline.unref();

  const sdk = await loadSdk();
  const { child, port } = await startServer();
  const target: Target = {
    sdk,
    official: await loadOfficialSdk(),
    origin: `http://127.0.0.1:${port}`,
    key: "bench-subscription-key-0123456789",
  };
  const { rounds, requests } = config;
  log(`Node ${process.version}; ${rounds} rounds; server on 127.0.0.1:${port}${quick ? " (quick)" : ""}`);
  if (!target.official)
    log("The official JS SDK is not installed: `npm ci --prefix test/official-sdk` adds its side.");
  try {
    const overhead: Results["overhead"] = [];
    for (const [method, concurrency] of [
      ["GET", 1],
      ["GET", 16],
      ["POST", 1],
      ["POST", 16],
    ] as const) {
      const name = `${method} clusters/${method === "GET" ? "get" : "create"}, ${concurrency === 1 ? "sequential" : `concurrency ${concurrency}`}`;
      log(`- ${name}…`);
      const perRound = Math.ceil(requests / rounds);
      const { client, ...references } = await requestOverhead(target, method, perRound, concurrency, rounds);
      overhead.push({ name, comparison: client, references });
    }
    log(`- paginate ${config.listTotal} items…`);
    const { paginate: pagination, timeout: paginationTimeout } = await paginationTime(
      target,
      config.listTotal,
      rounds,
    );
    const heap: Results["heap"] = [];
    for (const total of config.heapTotals) {
      log(`- heap while iterating ${total} items…`);
      heap.push({
        total,
        paginate: await paginationHeap(target, total, config.heapRounds, "paginate"),
        loop: await paginationHeap(target, total, config.heapRounds, "loop"),
      });
    }
    log("- retry path…");
    const perRound = Math.ceil(config.retries / rounds);
    const retry = { calls: perRound * rounds, comparison: await retryOverhead(target, perRound, rounds) };
    log("- install footprint and cold import…");
    const consumer = installConsumer();
    try {
      const cold = coldImport(consumer.dir, config.importRuns);
      log("- bundle size…");
      const results: Results = {
        rounds,
        requests,
        listTotal: config.listTotal,
        overhead,
        pagination,
        paginationTimeout,
        heap,
        retry,
        consumer,
        coldImport: cold,
        size: await bundleSize(),
        dependencies: runtimeDependencies(),
      };
      const markdown = renderMarkdown(results, new Date());
      log(`\n${markdown}`);
      if (!quick || process.env.BENCH_WRITE === "1") {
        const file = fileURLToPath(new URL(`./${name}`, import.meta.url));
        writeFileSync(file, markdown);
        // The repository's formatter owns bench/**: align the tables the way `npm run lint` expects.
        execFileSync(
          process.execPath,
          [`${ROOT}node_modules/@biomejs/biome/bin/biome`, "format", "--write", file],
          {
            stdio: "ignore",
          },
        );
        log(`Wrote bench/${name} (Node ${process.version})`);
      } else log("Quick run: bench/results.md not updated (set BENCH_WRITE=1 to write it).");
      const missed = goalRows(results).filter((g) => !g.met);
      if (missed.length > 0) log(`Goals missed: ${missed.map((g) => g.figure).join("; ")}`);
    } finally {
      consumer.cleanup();
    }
  } finally {
    child.disconnect();
  }
}

await main();
