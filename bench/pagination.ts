/**
 * Auto-pagination against a hand-written page loop: time for a whole list, and heap while iterating.
 * `paginate` should hold one page at a time, so its heap must not grow with the number of pages:
 * it is measured at 10k and 100k items, both as live heap (after a forced GC, every 1,000 items) and
 * as peak `used_heap_size` sampled every 100 items without forcing GC.
 */
import { getHeapStatistics } from "node:v8";
import {
  type Comparison,
  collectGarbage,
  compareAgainst,
  type Figures,
  type Summary,
  summarize,
  timed,
} from "./measure.js";
import { withSides } from "./side-runner.js";
import type { Target } from "./sides.js";

/** Items per page, as the benchmark requests them (Databricks' own default is 20, its maximum 100). */
export const PAGE_SIZE = 100;

type Walk = (onItem: (count: number) => void) => Promise<number>;

/** `paginate` over a `total`-item list; returns the number of items seen. */
function viaPaginate(target: Target, total: number): Walk {
  const { sdk } = target;
  const client = sdk.createDatabricksClient({
    apimUrl: target.origin,
    apiSuffix: `n${total}`,
    subscriptionKey: target.key,
  });
  return async (onItem) => {
    let count = 0;
    for await (const cluster of sdk.paginate(client, "/api/2.1/clusters/list", {
      params: { query: { page_size: PAGE_SIZE } },
    })) {
      if (cluster.cluster_id === undefined) throw new Error("Bench list item without cluster_id.");
      onItem(++count);
    }
    return count;
  };
}

/**
 * The loop an app would write by hand with `fetch`. With `timeout`, each page is fetched under an
 * abortable timeout that also covers reading its body, as the client does on every attempt.
 */
function viaLoop(target: Target, total: number, timeout?: number): Walk {
  const headers = {
    Accept: "application/json",
    "User-Agent": `databricks-apim/${target.sdk.VERSION} node/${process.versions.node}`,
    "Ocp-Apim-Subscription-Key": target.key,
  };
  const base = `${target.origin}/n${total}/api/2.1/clusters/list?page_size=${PAGE_SIZE}`;
  return async (onItem) => {
    let count = 0;
    let token: string | undefined;
    do {
      const url = token ? `${base}&page_token=${encodeURIComponent(token)}` : base;
      const controller = timeout === undefined ? undefined : new AbortController();
      const timer = controller && setTimeout(() => controller.abort(), timeout);
      let page: { clusters?: { cluster_id?: string }[]; next_page_token?: string };
      try {
        const response = await fetch(url, controller ? { headers, signal: controller.signal } : { headers });
        if (!response.ok) throw new Error(`Bench list page answered ${response.status}.`);
        page = (await response.json()) as typeof page;
      } finally {
        clearTimeout(timer);
      }
      for (const cluster of page.clusters ?? []) {
        if (cluster.cluster_id === undefined) throw new Error("Bench list item without cluster_id.");
        onItem(++count);
      }
      token = page.next_page_token;
    } while (token);
    return count;
  };
}

/** The list walks that run as sides of their own (side-process.ts). */
export type ListSide = "loop" | "paginate" | "loopTimeout";

/** One timed walk of a `total`-item list through `side`: ms per list, wall and CPU. */
export function listRun(
  target: Target,
  side: ListSide,
  total: number,
): () => Promise<Figures<"wall" | "cpu">> {
  const walk =
    side === "paginate"
      ? viaPaginate(target, total)
      : viaLoop(target, total, side === "loopTimeout" ? 60_000 : undefined);
  return () =>
    timed(1000, async () => {
      const count = await walk(() => {});
      if (count !== total) throw new Error(`Bench pagination saw ${count} of ${total} items.`);
    });
}

/**
 * Time (ms, wall and CPU) for a `total`-item list, against the hand-written loop in the same rounds:
 * `paginate`, and the hand loop with an abortable per-page timeout (the reference point), each side
 * in a process of its own, as the request scenarios are.
 */
export async function paginationTime(
  target: Target,
  total: number,
  rounds: number,
): Promise<Record<"paginate" | "timeout", Record<"wall" | "cpu", Comparison>>> {
  const spec = (side: ListSide) =>
    ({ kind: "list", side, total, origin: target.origin, key: target.key }) as const;
  return withSides([spec("loop"), spec("paginate"), spec("loopTimeout")], ([loop, paginate, timeout]) =>
    compareAgainst(rounds, loop!.run, { paginate: paginate!.run, timeout: timeout!.run }),
  );
}

/** Heap above the starting point, in MiB. */
export interface HeapFigures {
  /** Largest live heap (after forced GC) while iterating. */
  live: Summary;
  /** Largest `used_heap_size` sampled while iterating, without forcing GC. */
  peak: Summary;
}

const MiB = 1024 * 1024;
const used = () => getHeapStatistics().used_heap_size;

/** Heap growth while iterating a `total`-item list, over `rounds` runs of each kind. */
export async function paginationHeap(
  target: Target,
  total: number,
  rounds: number,
  how: "paginate" | "loop",
): Promise<HeapFigures> {
  if (typeof (globalThis as { gc?: unknown }).gc !== "function") {
    throw new Error("Heap figures need node --expose-gc (npm run bench passes it).");
  }
  const walk = how === "paginate" ? viaPaginate(target, total) : viaLoop(target, total);
  const live: number[] = [];
  const peak: number[] = [];
  await walk(() => {}); // warm-up: compiled code and connection pools are not the list's heap
  for (let round = 0; round < rounds; round++) {
    collectGarbage();
    let base = used();
    let max = 0;
    await walk((count) => {
      if (count % 1000 === 0) {
        collectGarbage();
        max = Math.max(max, used() - base);
      }
    });
    live.push(max / MiB);

    collectGarbage();
    base = used();
    max = 0;
    await walk((count) => {
      if (count % 100 === 0) max = Math.max(max, used() - base);
    });
    peak.push(max / MiB);
  }
  return { live: summarize(live), peak: summarize(peak) };
}
