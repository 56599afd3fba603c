/**
 * Auto-pagination over every list operation in the spec, one request at a time, as the caller
 * iterates. How each operation pages comes from the generated table (`x-databricks-pagination`):
 * - `token`: send `page_token` (repos: `next_page_token`), read `next_page_token`; "" or absent ends.
 *   Empty pages that still carry a token are followed: Unity Catalog sends them. Catalog, schema and
 *   table lists also need `max_results=0` to opt into paging at all.
 * - `scim`: `startIndex` from 1 and `count`, advancing by the items received; items already given
 *   out (by id) are removed from later pages, since offset paging over a changing list overlaps.
 * - `nextPageBody`: the response's `next_page` is the complete body of the next POST (cluster events).
 * - `single`: one call returns everything.
 * A missing items array means no items (an empty workspace answers `{"next_page_token":"","prev_page_token":""}`).
 * Every listing ends: page-guard.ts stops one that repeats itself or makes no progress.
 */
import type { MaybeOptionalInit } from "openapi-fetch";
import type { DatabricksClient } from "./client.js";
import { pagination } from "./generated/operations.js";
import type { paths } from "./generated/schema.js";
import { PageGuard, type PagingLimits } from "./page-guard.js";
import { toError } from "./unwrap.js";

type Table = typeof pagination;
/** Paths of the operations `paginate` can iterate. */
export type PaginatedPath = keyof Table;
/** The generated table names a method only when it is not GET. */
type MethodOf<P extends PaginatedPath> = (Table[P] extends { method: infer M extends string }
  ? Lowercase<M>
  : "get") &
  keyof paths[P];
/** One entry of the table, as the runtime reads it (absent token names are the Databricks defaults). */
type Spec = { method?: string; items: string } & (
  | { style: "single" | "scim" }
  | { style: "token"; requestToken?: string; responseToken?: string; defaults?: Record<string, unknown> }
  | { style: "nextPageBody"; next: string }
);
type PageOf<P extends PaginatedPath> = paths[P][MethodOf<P>] extends {
  responses: { 200: { content: { "application/json": infer Data } } };
}
  ? Data
  : never;
/** One page's response body for a list operation. */
export type Page<P extends PaginatedPath> = PageOf<P>;
/** The item type a list operation yields. */
export type ItemOf<P extends PaginatedPath> =
  NonNullable<PageOf<P>[Table[P]["items"] & keyof PageOf<P>]> extends ReadonlyArray<infer Item>
    ? Item
    : never;
/** The init accepted by `paginate` for path `P`: the client call's init, plus the listing's limits. */
export type PaginateInit<P extends PaginatedPath> =
  MaybeOptionalInit<paths[P], MethodOf<P>> extends infer Init
    ? undefined extends Init
      ? (NonNullable<Init> & PagingLimits) | undefined
      : Init & PagingLimits
    : never;

type AnyInit = PagingLimits & {
  params?: { query?: Record<string, unknown> };
  body?: Record<string, unknown>;
  signal?: AbortSignal;
};
type Requester = (
  method: string,
  path: string,
  init: AnyInit,
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/** SCIM page size when the caller gives none (the official SDKs use the same). */
const SCIM_DEFAULT_COUNT = 10_000;

/** Iterates the pages (response bodies) of list operation `path`, lazily. */
export async function* pages<P extends PaginatedPath>(
  client: DatabricksClient,
  path: P,
  ...[init]: undefined extends PaginateInit<P> ? [PaginateInit<P>?] : [PaginateInit<P>]
): AsyncGenerator<Page<P>, void, undefined> {
  const spec: Spec = pagination[path];
  const request = client.request as unknown as Requester;
  const { maxPages, maxEmptyPages, ...base } = (init ?? {}) as AnyInit;
  const method = spec.method ?? "GET";
  const guard = new PageGuard(method, path, { maxPages, maxEmptyPages });
  const signal = base.signal;
  const call = async (next: AnyInit): Promise<Record<string, unknown>> => {
    signal?.throwIfAborted();
    guard.beforeRequest();
    const result = await request(method, path, next);
    if (!result.response.ok) throw toError(result);
    return (result.data ?? {}) as Record<string, unknown>;
  };
  const withQuery = (query: Record<string, unknown>): AnyInit => ({
    ...base,
    params: { ...base.params, query: { ...base.params?.query, ...query } },
  });
  const itemCount = (page: Record<string, unknown>) => {
    const items = page[spec.items];
    return Array.isArray(items) ? items.length : 0;
  };

  switch (spec.style) {
    case "single": {
      yield (await call(base)) as Page<P>;
      return;
    }
    case "token": {
      const defaults = spec.defaults ?? {};
      const requestToken = spec.requestToken ?? "page_token";
      const responseToken = spec.responseToken ?? "next_page_token";
      const requested = base.params?.query ?? {};
      const extra = Object.fromEntries(
        Object.entries(defaults).filter(([key]) => requested[key] === undefined),
      );
      let token = requested[requestToken] as string | undefined;
      for (;;) {
        const query: Record<string, unknown> = { ...extra };
        if (token) query[requestToken] = token;
        const page = await call(withQuery(query));
        yield page as Page<P>;
        const next = page[responseToken];
        if (typeof next !== "string" || next === "") return;
        guard.advance(itemCount(page), `token ${next}`);
        token = next;
      }
    }
    case "scim": {
      const requested = base.params?.query ?? {};
      let startIndex = Number(requested.startIndex ?? 1);
      const count = Number(requested.count ?? SCIM_DEFAULT_COUNT);
      const given = new Set<unknown>();
      for (;;) {
        const page = await call(withQuery({ startIndex, count }));
        const items = page[spec.items];
        if (!Array.isArray(items) || items.length === 0) return;
        const fresh = items.filter((item) => {
          const id = (item as { id?: unknown } | null)?.id;
          if (id === undefined) return true;
          if (given.has(id)) return false;
          given.add(id);
          return true;
        });
        yield (fresh.length === items.length ? page : { ...page, [spec.items]: fresh }) as Page<P>;
        startIndex += items.length;
        const total = page.totalResults;
        if (typeof total === "number" && startIndex > total) return;
        guard.advance(fresh.length, `startIndex ${startIndex}`);
      }
    }
    case "nextPageBody": {
      let body = base.body;
      for (;;) {
        const page = await call({ ...base, ...(body === undefined ? {} : { body }) });
        yield page as Page<P>;
        const next = page[spec.next];
        if (next === null || typeof next !== "object") return;
        guard.advance(itemCount(page), `body ${JSON.stringify(next)}`);
        body = next as Record<string, unknown>;
      }
    }
  }
}

/**
 * Iterates the items of list operation `path` across all pages, lazily; throws typed errors.
 * @example
 * {@includeCode ../docs/examples/paginate.ts#paginate}
 */
export function paginate<P extends PaginatedPath>(
  client: DatabricksClient,
  path: P,
  ...rest: undefined extends PaginateInit<P> ? [PaginateInit<P>?] : [PaginateInit<P>]
): AsyncIterableIterator<ItemOf<P>, undefined, undefined> {
  const spec: Spec = pagination[path];
  const source = pages(client, path, ...rest) as AsyncGenerator<Record<string, unknown>, void, undefined>;
  return new Items<ItemOf<P>>(source, spec.items);
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * The items of a sequence of pages. A plain iterator rather than an async generator: a generator
 * costs a suspension and two promise turns per `yield`, which across 100,000 items was ≈ 2% of a
 * whole paginated listing in the bench; here an item already in memory costs one resolved promise.
 * Behaves like a generator otherwise: overlapping `next()` calls are answered in order, `return()`
 * (what `break` calls) stops fetching pages, and after an error the iterator is done.
 */
class Items<T> implements AsyncIterableIterator<T, undefined, undefined> {
  readonly #pages: AsyncGenerator<Record<string, unknown>, void, undefined>;
  readonly #key: string;
  #items: readonly unknown[] = [];
  #index = 0;
  #loading: Promise<void> | undefined;
  #done = false;

  constructor(pages: AsyncGenerator<Record<string, unknown>, void, undefined>, key: string) {
    this.#pages = pages;
    this.#key = key;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#loading) return this.#loading.then(this.#retry, this.#retry);
    if (this.#index < this.#items.length) {
      return Promise.resolve({ value: this.#items[this.#index++] as T, done: false });
    }
    if (this.#done) return Promise.resolve(DONE);
    const loading = this.#pages.next().then(
      (page) => {
        this.#loading = undefined;
        if (page.done) this.#done = true;
        else {
          const items = page.value[this.#key];
          this.#items = Array.isArray(items) ? items : [];
          this.#index = 0;
        }
      },
      (error: unknown) => {
        this.#loading = undefined;
        this.#done = true;
        throw error;
      },
    );
    this.#loading = loading;
    return loading.then(this.#retry);
  }

  readonly #retry = () => this.next();

  async return(): Promise<IteratorResult<T, undefined>> {
    this.#done = true;
    this.#items = [];
    await this.#pages.return(undefined);
    return DONE;
  }

  async throw(error?: unknown): Promise<IteratorResult<T, undefined>> {
    await this.return();
    throw error;
  }
}

/** Collects every item of list operation `path` into an array. */
export async function collect<P extends PaginatedPath>(
  client: DatabricksClient,
  path: P,
  ...rest: undefined extends PaginateInit<P> ? [PaginateInit<P>?] : [PaginateInit<P>]
): Promise<ItemOf<P>[]> {
  const out: ItemOf<P>[] = [];
  for await (const item of paginate(client, path, ...rest)) out.push(item);
  return out;
}
