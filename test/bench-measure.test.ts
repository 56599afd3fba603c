/**
 * The benchmark's measurement primitives (bench/measure.ts): medians, and the interleaving that
 * makes ratios immune to drift. Timings are faked; nothing here measures anything.
 */
import { describe, expect, it } from "vitest";
import { compare, compareAgainst, summarize } from "../bench/measure.js";

describe("summarize", () => {
  it("gives min, median (mean of the middle pair when even) and max", () => {
    expect(summarize([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3 });
    expect(summarize([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4 });
    expect(() => summarize([])).toThrow(/at least one round/);
  });
});

describe("compareAgainst", () => {
  it("runs every side once per round in a rotating order, after one warm-up each", async () => {
    const order: string[] = [];
    const side = (name: string) => async () => {
      order.push(name);
      return { wall: 1 };
    };
    await compareAgainst(3, side("base"), { x: side("x"), y: side("y") });
    expect(order).toEqual(["base", "x", "y", "base", "x", "y", "x", "y", "base", "y", "base", "x"]);
  });

  it("takes each ratio against the baseline of the same round, so drift between rounds cancels", async () => {
    let clock = 0;
    // The machine slows down every run; the side always costs exactly twice the baseline's current cost.
    const base = async () => ({ wall: 10 + clock++ });
    const side = async () => ({ wall: 2 * (10 + clock++) });
    const result = await compareAgainst(4, base, { side });
    // Not exactly 2: the side ran one step later (slower) or earlier than the baseline in each round.
    expect(result.side.wall.ratio.min).toBeGreaterThan(1.8);
    expect(result.side.wall.ratio.max).toBeLessThan(2.2);
    expect(result.side.wall.a.median).toBeGreaterThan(result.side.wall.b.median);
  });

  it("compare() is the two-sided case: A and B alternate, ratio A / B", async () => {
    const order: string[] = [];
    const run = (name: string, wall: number) => async () => {
      order.push(name);
      return { wall, cpu: 3 };
    };
    const [a, b] = [run("a", 6), run("b", 3)];
    const result = await compare(4, a, b);
    expect(order.slice(2)).toEqual(["b", "a", "a", "b", "b", "a", "a", "b"]);
    expect(result.wall.ratio).toEqual({ min: 2, median: 2, max: 2 });
    expect(result.cpu.ratio.median).toBe(1);
  });
});
