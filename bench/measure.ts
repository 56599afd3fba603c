/**
 * Measurement primitives for the benchmarks: A/B rounds whose order alternates (AB, BA, AB, …) so
 * that machine drift — CPU frequency, GC debt, a noisy neighbour — lands on both sides equally, and
 * min/median/max summaries. Nothing here asserts a timing: figures are reported, goals are judged
 * by `report.ts`.
 */

/** min/median/max of a series. */
export interface Summary {
  min: number;
  median: number;
  max: number;
}

/** Summarises a non-empty series. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error("Cannot summarise an empty series: run at least one round.");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

/** One A/B comparison: per-round figures for each side and their ratio A/B. */
export interface Comparison {
  a: Summary;
  b: Summary;
  ratio: Summary;
}

/** What one run of a side measured, by name (e.g. `wall` and `cpu`, in µs per call). */
export type Figures<K extends string> = Record<K, number>;

/** Collects garbage when node runs with `--expose-gc`, so one side's garbage is not billed to the other. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Runs `a` and `b` for `rounds` rounds (after one unrecorded warm-up of each), alternating which
 * goes first. Each run returns its figures (lower is better); each figure is compared separately.
 */
export async function compare<K extends string>(
  rounds: number,
  a: () => Promise<Figures<K>>,
  b: () => Promise<Figures<K>>,
): Promise<Record<K, Comparison>> {
  // Two sides rotating through the rounds is exactly AB, BA, AB, …
  return (await compareAgainst(rounds, b, { a })).a;
}

/**
 * Several sides against one baseline, all interleaved in the same rounds: each round runs every side
 * once, in an order that rotates from round to round (and so does the baseline's place), and each
 * side's ratio is taken against the baseline of the same round. Comparing sides that were measured
 * in separate A/B runs would add the drift between those runs to their differences.
 */
export async function compareAgainst<K extends string, S extends string>(
  rounds: number,
  baseline: () => Promise<Figures<K>>,
  sides: Record<S, () => Promise<Figures<K>>>,
): Promise<Record<S, Record<K, Comparison>>> {
  const names = Object.keys(sides) as S[];
  const runs: Array<() => Promise<Figures<K>>> = [baseline, ...names.map((name) => sides[name])];
  for (const run of runs) await run();
  const figures: Figures<K>[][] = runs.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let step = 0; step < runs.length; step++) {
      const index = (round + step) % runs.length;
      collectGarbage();
      figures[index]!.push(await runs[index]!());
    }
  }
  const base = figures[0]!;
  const out = {} as Record<S, Record<K, Comparison>>;
  names.forEach((name, i) => {
    const own = figures[i + 1]!;
    const comparison = {} as Record<K, Comparison>;
    for (const key of Object.keys(base[0] ?? {}) as K[]) {
      comparison[key] = {
        a: summarize(own.map((f) => f[key])),
        b: summarize(base.map((f) => f[key])),
        ratio: summarize(own.map((f, round) => f[key] / base[round]![key])),
      };
    }
    out[name] = comparison;
  });
  return out;
}

/** Wall time and this process's CPU time (user + system), in µs, of `work`, divided by `per`. */
export async function timed(per: number, work: () => Promise<unknown>): Promise<Figures<"wall" | "cpu">> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await work();
  const wall = Number(process.hrtime.bigint() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { wall: wall / per, cpu: (used.user + used.system) / per };
}

/** Runs `count` calls of `task(i)` with at most `concurrency` in flight; µs per call (wall and CPU). */
export function timeCalls(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<Figures<"wall" | "cpu">> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  return timed(count, () => Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker)));
}
