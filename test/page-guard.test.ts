/**
 * PageGuard on its own: the counting that makes every listing end (issue: `paginate` over fresh tokens
 * and empty pages sent ≈20,000 requests in 5 s; a repeated token ended with a plain `Error`).
 * test/paginate.test.ts drives the same guard through real listings.
 */
import { describe, expect, it } from "vitest";
import { DatabricksConfigError, PaginationError } from "../src/errors.js";
import { DEFAULT_MAX_EMPTY_PAGES, PageGuard } from "../src/page-guard.js";

const guard = (limits = {}) => new PageGuard("GET", "/api/2.2/jobs/list", limits);

/** Runs `fresh` items per page with a new cursor each page until the guard stops it. */
function runUntilStopped(g: PageGuard, fresh: (page: number) => number, most = 10_000): unknown {
  for (let page = 0; page < most; page += 1) {
    try {
      g.beforeRequest();
      g.advance(fresh(page), `token-${page}`);
    } catch (error) {
      return error;
    }
  }
  return undefined;
}

describe("PageGuard", () => {
  it("has no page limit by default and stops 100 empty pages in a row as no-progress", () => {
    expect(DEFAULT_MAX_EMPTY_PAGES).toBe(100);
    const error = runUntilStopped(guard(), () => 0);
    expect(error).toBeInstanceOf(PaginationError);
    expect(error).toMatchObject({
      reason: "no-progress",
      pages: 100,
      method: "GET",
      path: "/api/2.2/jobs/list",
    });
    expect((error as Error).message).toBe(
      "Pagination of GET /api/2.2/jobs/list stopped after 100 pages: 100 pages in a row brought no new items but still pointed to a next page; raise maxEmptyPages if this listing really has such gaps.",
    );
    // Pages with items never stop a listing without maxPages.
    expect(runUntilStopped(guard(), () => 1, 500)).toBeUndefined();
  });

  it("counts empty pages in a row only: a page with items resets the count", () => {
    const g = guard({ maxEmptyPages: 2 });
    g.advance(0, "a");
    g.advance(3, "b");
    g.advance(0, "c");
    expect(() => g.advance(0, "d")).toThrow(expect.objectContaining({ reason: "no-progress", pages: 4 }));
  });

  it("stops exactly at maxEmptyPages, not one page earlier", () => {
    const g = guard({ maxEmptyPages: 3 });
    g.advance(0, "a");
    g.advance(0, "b");
    expect(() => g.advance(0, "c")).toThrow(PaginationError);
  });

  it("refuses the request past maxPages, and not before", () => {
    const g = guard({ maxPages: 2 });
    g.beforeRequest();
    g.advance(1, "a");
    g.beforeRequest();
    g.advance(1, "b");
    let error: unknown;
    try {
      g.beforeRequest();
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: "PaginationError", reason: "max-pages", pages: 2 });
    expect((error as Error).message).toBe(
      "Pagination of GET /api/2.2/jobs/list stopped after 2 pages: reached maxPages (2) with more pages left.",
    );
  });

  it("stops a cursor given twice as repeated-page, even when the page brought items", () => {
    const g = guard();
    g.advance(5, "same");
    let error: unknown;
    try {
      g.advance(5, "same");
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ reason: "repeated-page", pages: 2 });
    expect((error as Error).message).toMatch(/stopped after 2 pages: .*repeated page token\)\.$/);
  });

  it("accepts integer limits ≥ 1 and refuses anything else with a DatabricksConfigError naming it", () => {
    expect(() => guard({ maxPages: 1, maxEmptyPages: 1 })).not.toThrow();
    for (const [name, value] of [
      ["maxPages", 0],
      ["maxPages", 2.5],
      ["maxPages", "3"],
      ["maxEmptyPages", 0],
      ["maxEmptyPages", Number.NaN],
      ["maxEmptyPages", null],
    ] as const) {
      expect(() => guard({ [name]: value })).toThrow(DatabricksConfigError);
      expect(() => guard({ [name]: value })).toThrow(
        `Invalid pagination option: ${name} must be an integer ≥ 1`,
      );
    }
  });
});
