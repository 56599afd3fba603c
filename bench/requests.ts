/**
 * Per-request cost of the client against plain `fetch`: the same request (URL, headers, JSON body),
 * one keep-alive server, the same work on the answer (read and parse the JSON). The client sends
 * through its default transport (node:http, Node's keep-alive global agent); raw fetch and the
 * openapi-fetch references through Node's global fetch; the official JS SDK, when installed, through
 * its own node:http path.
 */
import { type Comparison, compare, compareAgainst, timeCalls } from "./measure.js";
import { withSides } from "./side-runner.js";
import { fail, rawHeaders, type SideName, type Target } from "./sides.js";

export type { Target } from "./sides.js";

/** Wall time and this process's CPU time, each compared A/B. */
export type TimeAndCpu = Record<"wall" | "cpu", Comparison>;

/** What one request scenario measured, each side against raw fetch in the same rounds. */
export interface RequestFigures {
  /** The client. */
  client: TimeAndCpu;
  /** Raw fetch plus an abortable per-attempt timeout covering the body. */
  timeout: TimeAndCpu;
  /** openapi-fetch on its own, with its defaults. */
  openapiFetch: TimeAndCpu;
  /** The client's design with none of our code: openapi-fetch, a recording Request, an abortable timeout. */
  floor: TimeAndCpu;
  /** The official JS SDK (GET only, when installed). */
  officialSdk?: TimeAndCpu;
}

/**
 * `count` GETs of `clusters/get` (or POSTs of `clusters/create`) at `concurrency`: the client and
 * three reference points (and the official SDK, for GETs), all against raw fetch, interleaved in the
 * same rounds, each side in a process of its own (side-process.ts says why).
 */
export async function requestOverhead(
  target: Target,
  method: "GET" | "POST",
  count: number,
  concurrency: number,
  rounds: number,
): Promise<RequestFigures> {
  const names: SideName[] = ["client", "timeout", "openapiFetch", "floor"];
  if (method === "GET" && target.official) names.push("officialSdk");
  const spec = (side: SideName) =>
    ({ kind: "request", side, method, count, concurrency, origin: target.origin, key: target.key }) as const;
  return withSides([spec("raw"), ...names.map(spec)], async ([raw, ...sides]) => {
    const figures = await compareAgainst(
      rounds,
      raw!.run,
      Object.fromEntries(names.map((name, i) => [name, sides[i]!.run])),
    );
    return figures as unknown as RequestFigures;
  });
}

/** Unique ids, so each call meets exactly one 429 before its success. */
let retryId = 0;

/**
 * A 429 with `Retry-After: 0`, then success: the client's own retry vs a minimal hand-written one
 * (drain the 429, fetch again at once). The difference is the retry machinery's cost.
 * Returns `undefined` when the client does not retry (a transport without retries).
 */
export async function retryOverhead(
  target: Target,
  count: number,
  rounds: number,
): Promise<TimeAndCpu | undefined> {
  const client = target.sdk.createDatabricksClient({ apimUrl: target.origin, subscriptionKey: target.key });
  const probe = await client.GET("/api/2.1/clusters/get", {
    params: { query: { cluster_id: `retry-probe-${retryId++}` } },
  });
  if (probe.response.status === 429) return undefined;

  const base = `${target.origin}/dbw-01`;
  const headers = rawHeaders(target);
  const viaClient = async () => {
    const { data, response } = await client.GET("/api/2.1/clusters/get", {
      params: { query: { cluster_id: `retry-${retryId++}` } },
    });
    if (data === undefined) fail("client GET clusters/get (retry)", response.status);
  };
  const viaFetch = async () => {
    const url = `${base}/api/2.1/clusters/get?cluster_id=retry-${retryId++}`;
    for (;;) {
      const response = await fetch(url, { headers });
      if (response.status === 429) {
        await response.arrayBuffer();
        continue;
      }
      if (!response.ok) fail("fetch GET clusters/get (retry)", response.status);
      await response.json();
      return;
    }
  };
  return compare(
    rounds,
    () => timeCalls(count, 1, viaClient),
    () => timeCalls(count, 1, viaFetch),
  );
}
