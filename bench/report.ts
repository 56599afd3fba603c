/**
 * Turns measured figures into `bench/results.md`: a summary table of goals (judged on the median)
 * and the per-side figures behind each ratio.
 */
import { cpus } from "node:os";
import { type BundleSize, type ColdImport, type Consumer, TEXT_KEPT } from "./footprint.js";
import type { Summary } from "./measure.js";
import type { HeapFigures } from "./pagination.js";

import type { TimeAndCpu } from "./requests.js";

/** Everything one `npm run bench` measured. */
export interface Results {
  rounds: number;
  requests: number;
  listTotal: number;
  overhead: {
    name: string;
    comparison: TimeAndCpu;
    /** The same requests through raw fetch with an abortable timeout, and through openapi-fetch alone. */
    references: {
      timeout: TimeAndCpu;
      openapiFetch: TimeAndCpu;
      floor: TimeAndCpu;
      officialSdk?: TimeAndCpu;
    };
  }[];
  pagination: TimeAndCpu;
  /** The hand loop with an abortable per-page timeout, against the plain hand loop. */
  paginationTimeout: TimeAndCpu;
  heap: { total: number; paginate: HeapFigures; loop: HeapFigures }[];
  retry: { calls: number; comparison: TimeAndCpu | undefined };
  consumer: Consumer;
  coldImport: ColdImport;
  size: {
    ours: BundleSize;
    withOpenapiFetch: BundleSize;
    typicalApp: BundleSize;
    clientOnly: BundleSize;
    waiters: BundleSize;
  };
  dependencies: string[];
}

/** The issue's goals. */
export const GOALS = {
  /** client / raw global fetch, GET clusters/get (sequential and concurrency 16). */
  getRatio: 0.85,
  /** client / raw global fetch, POST clusters/create. */
  postRatio: 0.9,
  /** client / official JS SDK, GET clusters/get sequential. */
  officialSdkRatio: 0.8,
  paginationRatio: 1.05,
  /** Live heap may grow by at most this much (MiB) from 10k to 100k items. */
  heapGrowthMiB: 1,
  coldImportMs: 40,
  gzipBytes: 13_000,
  dependencies: ["openapi-fetch"],
} as const;

const fixed = (digits: number) => (n: number) => n.toFixed(digits);
const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
const mmm = (s: Summary, format: (n: number) => string) => [format(s.min), format(s.median), format(s.max)];
const verdict = (ok: boolean) => (ok ? "met" : "**missed**");
const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

/** "12.3 µs more" or "4.5 µs less". */
const moreOrLess = (us: number) => `${Math.abs(us).toFixed(1)} µs ${us >= 0 ? "more" : "less"}`;

/** Median µs the client adds to one sequential GET (first overhead scenario). */
function sequentialGetAdded(r: Results): number {
  const wall = r.overhead[0]?.comparison.wall;
  return wall ? wall.a.median - wall.b.median : Number.NaN;
}

/** What the retry comparison says about the retry machinery, once two requests' overhead is taken out. */
function retryRemainder(c: TimeAndCpu, perRequest: number): string {
  const remainder = c.wall.a.median - c.wall.b.median - 2 * perRequest;
  return remainder > 0
    ? `The remaining ${remainder.toFixed(1)} µs is the retry machinery itself: classifying the 429, parsing Retry-After, discarding the buffered 429 body (a 0 s wait sets no timer).`
    : `That leaves nothing measurable (${remainder.toFixed(1)} µs, within this machine's noise) for the retry machinery itself: classifying the 429, parsing Retry-After and discarding the buffered 429 body cost less than the run-to-run spread.`;
}

/** One line per goal, plus whether it was met. */
export function goalRows(r: Results): { figure: string; goal: string; cells: string[]; met: boolean }[] {
  const requestGoal = (name: string) => (name.startsWith("GET") ? GOALS.getRatio : GOALS.postRatio);
  const rows = r.overhead.map(({ name, comparison }) => ({
    figure: `${name}: client / raw fetch`,
    goal: `≤ ${requestGoal(name)}`,
    cells: mmm(comparison.wall.ratio, fixed(3)),
    met: comparison.wall.ratio.median <= requestGoal(name),
  }));
  const [first] = r.overhead;
  const official = first?.references.officialSdk;
  const sdkRatio = official && first ? first.comparison.wall.a.median / official.wall.a.median : Number.NaN;
  rows.push({
    figure: `${first?.name ?? "GET"}: client / official JS SDK (ratio of the medians)`,
    goal: `≤ ${GOALS.officialSdkRatio}`,
    cells: ["", official ? sdkRatio.toFixed(3) : "not measured", ""],
    met: sdkRatio <= GOALS.officialSdkRatio,
  });
  rows.push({
    figure: `paginate ${r.listTotal.toLocaleString("en-US")} clusters: paginate / hand loop`,
    goal: `≤ ${GOALS.paginationRatio}`,
    cells: mmm(r.pagination.wall.ratio, fixed(3)),
    met: r.pagination.wall.ratio.median <= GOALS.paginationRatio,
  });
  const [small, large] = [r.heap[0], r.heap[r.heap.length - 1]];
  if (small && large && small !== large) {
    const growth = large.paginate.live.median - small.paginate.live.median;
    rows.push({
      figure: `paginate live heap, ${large.total.toLocaleString("en-US")} vs ${small.total.toLocaleString("en-US")} items (MiB)`,
      goal: `growth ≤ ${GOALS.heapGrowthMiB} MiB`,
      cells: ["", `${growth >= 0 ? "+" : ""}${growth.toFixed(2)}`, ""],
      met: growth <= GOALS.heapGrowthMiB,
    });
  }
  rows.push({
    figure: "cold import over bare node (ms)",
    goal: `≤ ${GOALS.coldImportMs} ms`,
    cells: mmm(r.coldImport.overhead, fixed(1)),
    met: r.coldImport.overhead.median <= GOALS.coldImportMs,
  });
  rows.push({
    figure: "runtime entry `databricks-apim` with openapi-fetch, min+gzip",
    goal: `≤ ${kB(GOALS.gzipBytes)}`,
    cells: ["", kB(r.size.withOpenapiFetch.gzipped), ""],
    met: r.size.withOpenapiFetch.gzipped <= GOALS.gzipBytes,
  });
  rows.push({
    figure: "runtime dependencies",
    goal: GOALS.dependencies.join(", "),
    cells: ["", r.dependencies.join(", ") || "none", ""],
    met: r.dependencies.join() === GOALS.dependencies.join(),
  });
  return rows;
}

/** Renders the whole results file. */
export function renderMarkdown(r: Results, date: Date): string {
  const us = fixed(1);
  const cpu = cpus();
  const lines = [
    `# Benchmarks on Node ${process.version}`,
    "",
    "Written by `npm run bench` (`bench/run.ts`); do not edit by hand.",
    "",
    `- ${date.toISOString().slice(0, 10)}, Node ${process.version}, ${process.platform} ${process.arch}, ${cpu[0]?.model.trim() ?? "unknown CPU"} × ${cpu.length}`,
    "- Server: `node:http` keep-alive on 127.0.0.1 in a child process. The client sends through its default transport (`src/node-send.ts`: `node:http` with Node's keep-alive global agent); raw fetch and the openapi-fetch references use Node's global `fetch` with its default keep-alive dispatcher; the official JS SDK (`@databricks/sdk-experimental`, installed with `npm ci --prefix test/official-sdk`, with the path-prefix shim of test/official-sdk/check.mjs) sends through its own `node:http` path. All send the same key and parse the same JSON.",
    `- Every figure is min / median / max over ${r.rounds} rounds after one warm-up, with the order of the sides changing every round to cancel drift (A/B pairs alternate AB, BA, …; the request scenarios rotate the client, raw fetch and three reference points). In the request and pagination-time scenarios each side runs in a process of its own (\`bench/side-process.ts\`), as an app runs one client (Analysis, item 13); the heap and retry figures are measured in the benchmark's own process. Goals are judged on the median.`,
    "",
    "## Goals",
    "",
    row(["Figure", "Goal", "min", "median", "max", "Result"]),
    row(["---", "---", "---:", "---:", "---:", "---"]),
    ...goalRows(r).map((g) => row([g.figure, g.goal, ...g.cells, verdict(g.met)])),
    "",
    ...analysis(r),
    `## Per-request cost (${r.requests.toLocaleString("en-US")} requests per side in ${r.rounds} rounds, µs per request)`,
    "",
    row(["Scenario", "client min", "median", "max", "raw fetch min", "median", "max", "added µs (median)"]),
    row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]),
    ...r.overhead.map(({ name, comparison: { wall: c } }) =>
      row([name, ...mmm(c.a, us), ...mmm(c.b, us), us(c.a.median - c.b.median)]),
    ),
    "",
    "At concurrency 16 the figure is wall time divided by requests (throughput), not latency.",
    "",
    "CPU time of the side's process per request (user + system, µs; the server runs in another process). On a real network, where latency hides nothing of it, this is what the client adds to each call:",
    "",
    row([
      "Scenario",
      "client CPU (median)",
      "raw fetch CPU (median)",
      "added µs",
      "ratio min",
      "median",
      "max",
    ]),
    row(["---", "---:", "---:", "---:", "---:", "---:", "---:"]),
    ...r.overhead.map(({ name, comparison: { cpu: c } }) =>
      row([name, us(c.a.median), us(c.b.median), us(c.a.median - c.b.median), ...mmm(c.ratio, fixed(3))]),
    ),
    "",
    "### Reference points",
    "",
    "The same requests, measured in the same rounds as the client, each against raw fetch (wall-time ratios, medians): raw fetch that also pays for an abortable per-attempt timeout (an `AbortController` whose signal fetch follows, a timer cleared once the body is read: what the client does on every attempt); openapi-fetch used on its own with its defaults; the former *design floor*, openapi-fetch with a Request class that only records its arguments and a fetch that sends `fetch(url, init)` under an abortable timeout (the client's design on global fetch, with none of our code); and the official JS SDK (GET only).",
    "",
    row([
      "Scenario",
      "client",
      "raw fetch + abortable timeout",
      "openapi-fetch alone",
      "design floor on fetch",
      "client above that floor (µs)",
      "official JS SDK",
    ]),
    row(["---", "---:", "---:", "---:", "---:", "---:", "---:"]),
    ...r.overhead.map(({ name, comparison, references }) =>
      row([
        name,
        fixed(3)(comparison.wall.ratio.median),
        fixed(3)(references.timeout.wall.ratio.median),
        fixed(3)(references.openapiFetch.wall.ratio.median),
        fixed(3)(references.floor.wall.ratio.median),
        us((comparison.wall.ratio.median - references.floor.wall.ratio.median) * comparison.wall.b.median),
        references.officialSdk ? fixed(3)(references.officialSdk.wall.ratio.median) : "—",
      ]),
    ),
    "",
    `## Auto-pagination (${r.listTotal.toLocaleString("en-US")} clusters, 100 per page, ms per full list)`,
    "",
    row(["", "min", "median", "max"]),
    row(["---", "---:", "---:", "---:"]),
    row(["`paginate`", ...mmm(r.pagination.wall.a, fixed(0))]),
    row(["hand-written loop", ...mmm(r.pagination.wall.b, fixed(0))]),
    row(["ratio", ...mmm(r.pagination.wall.ratio, fixed(3))]),
    row(["CPU ratio (each side's process)", ...mmm(r.pagination.cpu.ratio, fixed(3))]),
    row([
      "reference: hand loop with an abortable per-page timeout",
      ...mmm(r.paginationTimeout.wall.a, fixed(0)),
    ]),
    row(["reference ratio (same rounds)", ...mmm(r.paginationTimeout.wall.ratio, fixed(3))]),
    "",
    "Heap above the starting point while iterating (MiB): *live* is measured after a forced GC every 1,000 items, and would grow if pages were kept; *peak* is `used_heap_size` sampled every 100 items without forcing GC, so it shows when V8 chooses to collect (the hand loop's is the same size).",
    "",
    row(["Items", "Iteration", "live min", "median", "max", "peak min", "median", "max"]),
    row(["---:", "---", "---:", "---:", "---:", "---:", "---:", "---:"]),
    ...r.heap.flatMap(({ total, paginate, loop }) =>
      [
        ["`paginate`", paginate],
        ["hand loop", loop],
      ].map(([label, h]) =>
        row([
          total.toLocaleString("en-US"),
          label as string,
          ...mmm((h as HeapFigures).live, fixed(2)),
          ...mmm((h as HeapFigures).peak, fixed(2)),
        ]),
      ),
    ),
    "",
    "## Retry path (429 with `Retry-After: 0`, then 200; µs per call, i.e. per two HTTP exchanges)",
    "",
    ...(r.retry.comparison
      ? [
          row(["", "min", "median", "max"]),
          row(["---", "---:", "---:", "---:"]),
          row(["client (built-in retry)", ...mmm(r.retry.comparison.wall.a, us)]),
          row(["raw fetch, hand-written retry", ...mmm(r.retry.comparison.wall.b, us)]),
          row(["ratio", ...mmm(r.retry.comparison.wall.ratio, fixed(3))]),
          row(["CPU ratio (benchmark process)", ...mmm(r.retry.comparison.cpu.ratio, fixed(3))]),
          "",
          `${r.retry.calls.toLocaleString("en-US")} calls per side in ${r.rounds} rounds, sequential. A call through the client takes ${moreOrLess(r.retry.comparison.wall.a.median - r.retry.comparison.wall.b.median)} (median); a retried call is two requests, and one sequential GET takes ${moreOrLess(sequentialGetAdded(r))} through the client than through raw fetch (table above). ${retryRemainder(r.retry.comparison, sequentialGetAdded(r))}`,
        ]
      : ["Not measured: this build's transport does not retry a 429 (the client returned it as-is)."]),
    "",
    "## Cold import (ms, wall time of a fresh `node -e …`)",
    "",
    r.consumer.installed
      ? "Run inside a temporary project that installed the packed tarball offline."
      : "The offline install failed (cold npm cache), so this ran against the repository itself.",
    "",
    row(["Script", "min", "median", "max"]),
    row(["---", "---:", "---:", "---:"]),
    row(['`node -e "0"` (bare)', ...mmm(r.coldImport.bare, fixed(1))]),
    row(["`node -e \"import('openapi-fetch')\"`", ...mmm(r.coldImport.openapiFetch, fixed(1))]),
    row(["`node -e \"import('databricks-apim')\"`", ...mmm(r.coldImport.sdk, fixed(1))]),
    row(["databricks-apim minus bare (paired per run)", ...mmm(r.coldImport.overhead, fixed(1))]),
    "",
    "## Size",
    "",
    row([
      "Entry (esbuild --minify, bundled)",
      "minified",
      "min+gzip",
      `min+gzip, text cut to ${TEXT_KEPT} chars`,
    ]),
    row(["---", "---:", "---:", "---:"]),
    ...(
      [
        ["`databricks-apim`, our code only (openapi-fetch external)", r.size.ours],
        [
          `\`databricks-apim\` with ${r.size.withOpenapiFetch.packages.join(", ")} inlined`,
          r.size.withOpenapiFetch,
        ],
        [
          "a bundled app importing only `createDatabricksClient`, `unwrap`, `paginate` (tree-shaken)",
          r.size.typicalApp,
        ],
        ["a bundled app importing only `createDatabricksClient` (tree-shaken)", r.size.clientOnly],
        [
          "`databricks-apim/waiters` (waiters, executeStatement; loaded only by apps that import it, and shares the error modules with the main entry)",
          r.size.waiters,
        ],
      ] as const
    ).map(([label, size]) => row([label, kB(size.minified), kB(size.gzipped), kB(size.gzippedShortText)])),
    "",
    `The last column is the same bundle with every string literal and template text longer than ${TEXT_KEPT} characters cut to ${TEXT_KEPT} (parsed with the TypeScript parser, not pattern-matched): what all the error and configuration messages together weigh.`,
    "",
    "Generated types (`src/generated/schema.ts`) compile to nothing at runtime; the generated operation tables are included.",
    `Largest inputs of the full entry (minified bytes): ${r.size.withOpenapiFetch.largest.map((l) => `${l.input} ${kB(l.bytes)}`).join(", ")}.`,
    "",
    `- Runtime dependencies: ${r.dependencies.join(", ") || "none"}.`,
    r.consumer.installed
      ? `- Installing the packed tarball (${kB(r.consumer.tarball)}) adds ${r.consumer.packages.length} packages, ${kB(r.consumer.bytes)} on disk: ${r.consumer.packages.join(", ")}.`
      : `- Packed tarball: ${kB(r.consumer.tarball)} (install footprint not measured: the offline install failed).`,
    "",
  ];
  return lines.join("\n");
}

/**
 * What the numbers mean: which changes bought what, what still dominates, why a goal is missed.
 * The before/after figures of each change were measured while making it (A/B runs of the built
 * variants, medians of client / raw fetch); the verdicts and the last paragraphs use this run.
 */
function analysis(r: Results): string[] {
  const us = fixed(1);
  const perPage = (c: TimeAndCpu) =>
    (((c.wall.a.median - c.wall.b.median) * 1000) / (r.listTotal / 100)).toFixed(0);
  const median = (c: TimeAndCpu | undefined) => c?.wall.ratio.median ?? Number.NaN;
  const four = (pick: (o: Results["overhead"][number]) => TimeAndCpu) =>
    r.overhead.map((o) => median(pick(o)).toFixed(2)).join(" · ");
  const missed = goalRows(r).filter((g) => !g.met);
  const first = r.overhead[0];
  const timeoutRef = median(first?.references.timeout);
  const openapiRef = median(first?.references.openapiFetch);
  const requestsMissed = goalRows(r).some((g) => !g.met && g.figure.includes("client / raw fetch"));
  const sizeMissed = r.size.withOpenapiFetch.gzipped > GOALS.gzipBytes;
  return [
    "## Analysis",
    "",
    "Changes behind these figures, in the order they were made (client / raw fetch, medians: GET seq · GET c16 · POST seq · POST c16):",
    "",
    "1. **One Request per attempt instead of four.** The transport and auth layers stopped copying the Request per attempt and for the auth headers. 1.45 · 1.69 · 1.89 · 2.11 → 1.45 · 1.66 · 1.42 · 1.44; POSTs gained most, since every copy re-wrapped the body stream and followed another AbortSignal.",
    "2. **No body stream for a buffered body until someone asks.** `new Response(bytes)` builds a ReadableStream at once (≈ 8–10 µs on Node 20), only for openapi-fetch to read it back; `src/buffered-response.ts` answers `json()`/`text()`/`arrayBuffer()`/`clone()` from memory. → 1.39 · 1.61 · 1.32 · 1.35.",
    "3. **The buffered Response is a subclass, not a Response with eight own properties.** Own properties gave every buffered Response its own dictionary-mode shape, and the property reads in openapi-fetch, undici and our layers went megamorphic (the paginate regression, 1.30 → 1.41). As `class BufferedResponse extends Response` (defined on first use: reading the global `Response` at import loads undici, ≈ 12 ms of cold import) paginate came back to 1.01–1.11 in A/B runs; requests → 1.24 · 1.40 · 1.32 · 1.42.",
    "4. **No openapi-fetch middleware of our own.** The transport records the call on the non-ok Response it returns, so openapi-fetch skips its middleware loop; the error-context middleware goes in only once an app adds middleware. → 1.24 · 1.30 · 1.27 · 1.41.",
    "5. **No WHATWG Request for openapi-fetch to build, nor for fetch to copy.** openapi-fetch's documented `Request` option gets `PlannedRequest` (`src/outgoing.ts`), a plain record of URL and init; the transport sends `fetch(url, init)` the way an app does, setting the key on the call's own Headers. Apps that install middleware or pass a per-call `fetch`, which openapi-fetch promises real Requests, are routed to a second openapi-fetch client that builds them. In-process A/B against the previous build (12 rounds × 2,000 requests per side): 1.36 · 1.47 · 1.35 · 1.37 → 1.31 · 1.35 · 1.23 · 1.23. (An earlier try at this, reverted, switched Request classes with a flag and relied on openapi-fetch building its Request synchronously; two clients need no such assumption.)",
    "6. **The buffered Response serves the fetched Response's Headers** instead of copying them into a new header list per call; too small to separate from noise on its own.",
    "7. **`paginate` is a plain iterator, not an async generator.** An item already in memory now costs one resolved promise instead of a generator suspension: iterating 100,000 in-memory items took 11–17 ms as a generator and 6.5–8 ms as an iterator (≈ 1% of a 100,000-item listing here). Overlapping `next()` calls, `return()` on `break` and the end after an error behave as before (tests).",
    "8. **Waiters in their own entry, `databricks-apim/waiters`.** `waitForCluster`/`waitForRun`/`waitForWarehouse` and `executeStatement` (with their polling and errors) were ≈ 7.5 kB of the minified main entry that request-only apps loaded for nothing. Right after the move the main entry was 14.8 kB min+gzip; the safety work (errors, redaction, call checks) and the node:http transport added to it since (goal table).",
    "9. **Kept:** one `setTimeout` per attempt. `AbortSignal.any([caller, timeout])` measured 10 µs against 2.5 µs for an `AbortController` + listener + timer on Node 20.20, and `AbortSignal.timeout` would leave a timer behind per attempt until it fires. (Item 12 then dropped the `AbortController` too.)",
    "10. **Generated table.** `src/generated/operations.ts` holds only the fields src/ reads: 1,088 → 1,015 bytes min+gzip; gzip already folds its repeated values.",
    "11. **The default transport sends through `node:http`/`node:https`** (`src/node-send.ts`) instead of global fetch: Node's keep-alive global agents (or the app's `agent`), request headers written as given, and the body read from the socket straight into one buffer, with no WHATWG Request, web stream or undici body. Global fetch stays the path when the app gives a `fetch` or has replaced the global one (a test stub, msw). Before this step the client was 1.20 · 1.24 · 1.16 · 1.19 of raw fetch (previous results.md); the official JS SDK, which sends through `node:http` as well, is a side in the same rounds since this step.",
    "12. **An attempt's cutoff builds an AbortSignal only when asked for one** (`src/cutoff.ts`: a listener list; `node-send` listens on it, a `fetch` or a credential gets a real signal). On Node 20 reading an `AbortController`'s `signal` creates the signal, ≈ 3 µs, and a listener on it ≈ 1.5 µs more. With it, `node-send` stopped re-parsing the URL of every call on the client's origin (`new URL` + `urlToHttpOptions`, ≈ 2 µs), and `checkTarget` stopped parsing two URLs per call (it parses only those it refuses, to say why). Allocation per sequential GET (V8 sampling heap profiler): 35.2 → 30.5 KiB.",
    "13. **Each side of a request scenario runs in a process of its own** (`bench/side-process.ts`), the rounds still interleaved by the parent. Measuring all sides in one process billed the client for sharing JIT feedback with the two other openapi-fetch clients, node:http and undici paths with the other sides, and their heap: back-to-back checks of the same build put the client at 0.93–1.00 of raw fetch in one process and 0.73–0.79 in its own (GET, sequential, on a loaded machine). A side's process no longer forces a full GC before each round either (that kept one side's garbage off another's bill, which separate heaps do now): run back to back on a quiet machine, 2,000 sequential GETs per round, the client took ≈ 330–345 µs per GET with a forced GC before every round and ≈ 220–250 µs without, raw fetch ≈ 380–410 and ≈ 285–310, the official SDK ≈ 310–330 without; after a forced GC the young generation starts small again and the next requests pay for growing it back. Deterministic instruction counts (valgrind callgrind, 3,000 sequential GETs after 1,000, client process only) put the work per GET at ≈ 502 k instructions for a bare `http.request` with `JSON.parse`, ≈ 607 k for the client and ≈ 1,131 k for raw fetch.",
    "",
    "On this 2-core VM, consecutive runs of the same variant differ by up to ±0.05 in these ratios, so steps below that are within noise; each step above was kept only when repeated A/B runs agreed.",
    "",
    `The reference points above (all on global fetch) put raw fetch with an abortable per-attempt timeout at ${timeoutRef.toFixed(2)} of raw fetch (GET, sequential), openapi-fetch used on its own at ${openapiRef.toFixed(2)}, and the two put together the way the client used to send, with none of our code (the former design floor), at ${four((o) => o.references.floor)}. The client, on node:http, is ${four((o) => o.comparison)}: below that floor, since what fetch itself costs is gone from its path. ` +
      "`npm run bench:profile -- GET` shows where the rest goes.",
    "",
    missed.length === 0
      ? "All goals are met."
      : [
          `Goals missed in this run: ${missed.map((g) => g.figure).join("; ")}.`,
          requestsMissed
            ? ` Request overhead (client / raw fetch) is ${four((o) => o.comparison)} against goals of ${GOALS.getRatio} (GET) and ${GOALS.postRatio} (POST). Through a gateway to a workspace, where a call takes 10 ms or more, a difference of ${us(sequentialGetAdded(r))} µs per call (sequential GET) is ${(Math.abs(sequentialGetAdded(r)) / 100).toFixed(1)}% of it.`
            : "",
          r.pagination.wall.ratio.median > GOALS.paginationRatio
            ? ` \`paginate\` / hand loop is ${median(r.pagination).toFixed(2)} against ${GOALS.paginationRatio}, ${perPage(r.pagination)} µs per page. The same hand loop with nothing but an abortable timeout around each page measured ${median(r.paginationTimeout).toFixed(2)} in the same rounds (${perPage(r.paginationTimeout)} µs per page; in-process runs while profiling put it as high as 1.10, so on 100 KB pages following a signal can cost more than on the small GETs above). On top of that floor come the request overhead each page pays (${us(sequentialGetAdded(r))} µs per GET above) and iterating the items (≈ 1%, item 7).`
            : "",
          sizeMissed
            ? ` The main entry is ${kB(r.size.withOpenapiFetch.gzipped)} min+gzip with openapi-fetch inlined (${kB(r.size.withOpenapiFetch.gzipped - r.size.ours.gzipped)} of it openapi-fetch), ${kB(r.size.ours.gzipped)} for our code alone. The messages are not what keeps it there: cutting every text to ${TEXT_KEPT} characters saves ${kB(r.size.withOpenapiFetch.gzipped - r.size.withOpenapiFetch.gzippedShortText)}, and \`createDatabricksClient\` alone, tree-shaken, is ${kB(r.size.clientOnly.gzipped)} (${kB(r.size.clientOnly.gzippedShortText)} with its messages cut). The code the request path carries (redirect refusal, bounded bodies, one redaction, input checks, the node:http transport, pagination guards) does not fit ${kB(GOALS.gzipBytes)}.`
            : "",
        ].join(""),
    "",
  ];
}
