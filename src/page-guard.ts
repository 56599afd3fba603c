/**
 * Makes every listing end. A server that repeats a page token, or keeps handing out fresh tokens with
 * empty pages, would otherwise keep `paginate` requesting forever; this counts pages and progress and
 * stops such a listing with a `PaginationError`.
 */
import { DatabricksConfigError, PaginationError, type PaginationStop } from "./errors.js";

/** Limits of one listing, passed in the init of `paginate`, `pages` or `collect`. */
export interface PagingLimits {
  /** Most pages to request; a listing with more left fails with `PaginationError` (`max-pages`). */
  maxPages?: number | undefined;
  /**
   * Most pages in a row that bring no new items while pointing to a next page; then the listing fails
   * with `PaginationError` (`no-progress`). Unity Catalog legitimately sends some empty pages.
   * @default 100
   */
  maxEmptyPages?: number | undefined;
}

/** Consecutive pages without a new item tolerated by default. */
export const DEFAULT_MAX_EMPTY_PAGES = 100;

function limit(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new DatabricksConfigError(`Invalid pagination option: ${name} must be an integer ≥ 1`);
  }
  return value;
}

/** The limits, checked (a `DatabricksConfigError` names a bad one) and with their defaults. */
export function checkLimits(limits: PagingLimits): { maxPages: number; maxEmpty: number } {
  return {
    maxPages: limit(limits.maxPages, "maxPages", Number.POSITIVE_INFINITY),
    maxEmpty: limit(limits.maxEmptyPages, "maxEmptyPages", DEFAULT_MAX_EMPTY_PAGES),
  };
}

/** Tracks one listing: call `beforeRequest` before each page and `advance` when there is a next one. */
export class PageGuard {
  readonly #method: string;
  readonly #path: string;
  readonly #maxPages: number;
  readonly #maxEmpty: number;
  /** Where each next page was asked for: a token, a SCIM offset or a next-page body. */
  readonly #cursors = new Set<string>();
  #pages = 0;
  #empty = 0;

  constructor(method: string, path: string, limits: PagingLimits) {
    this.#method = method;
    this.#path = path;
    const checked = checkLimits(limits);
    this.#maxPages = checked.maxPages;
    this.#maxEmpty = checked.maxEmpty;
  }

  /** Before requesting a page: refuses one past `maxPages`. */
  beforeRequest(): void {
    if (this.#pages >= this.#maxPages) {
      this.#stop("max-pages", `reached maxPages (${this.#maxPages}) with more pages left`);
    }
  }

  /** After a page that points to a next one: `fresh` new items on it, `cursor` where the next one is. */
  advance(fresh: number, cursor: string): void {
    this.#pages += 1;
    this.#empty = fresh > 0 ? 0 : this.#empty + 1;
    if (this.#cursors.has(cursor)) {
      this.#stop(
        "repeated-page",
        "the server pointed again to a page it had already given (a repeated page token)",
      );
    }
    this.#cursors.add(cursor);
    if (this.#empty >= this.#maxEmpty) {
      this.#stop(
        "no-progress",
        `${this.#empty} pages in a row brought no new items but still pointed to a next page; raise maxEmptyPages if this listing really has such gaps`,
      );
    }
  }

  #stop(reason: PaginationStop, why: string): never {
    const call = `${this.#method} ${this.#path}`;
    throw new PaginationError(`Pagination of ${call} stopped after ${this.#pages} pages: ${why}.`, {
      method: this.#method,
      path: this.#path,
      reason,
      pages: this.#pages,
    });
  }
}
