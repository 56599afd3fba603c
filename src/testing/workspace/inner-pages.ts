/**
 * Jobs API 2.2 answers at most 100 elements of a job's or run's arrays at a time: `jobs/get` and
 * `jobs/runs/get` return the rest through `next_page_token` (the arrays of the spec's
 * `x-databricks-inner-pagination`, generated into `innerPagination`), and list items under
 * `expand_tasks` show the first 100 with `has_more`. A ForEach task run pages its `iterations` and
 * repeats its single task on every page (databricks-sdk-go service/jobs/ext_api.go `GetRun`).
 */
import { innerPagination } from "../../generated/operations.js";
import { pageOf } from "./paging.js";

/** Elements of each paged array per answer (the Jobs API 2.2 documentation's "first 100"). */
export const INNER_PAGE_SIZE = 100;

type Json = Record<string, unknown>;
type Paging = { readonly arrays: readonly string[]; readonly exclusive?: readonly string[] };

const JOB = innerPagination["/api/2.2/jobs/get"];
const RUN = innerPagination["/api/2.2/jobs/runs/get"];

/** The page of a job `jobs/get` answers for `token` (none: the first). */
export function jobPage<T extends object>(job: T, token: string | null): T {
  return pageObject(job, fields(job, JOB), token);
}

/** The page of a run `jobs/runs/get` answers for `token` (none: the first). */
export function runPage<T extends object>(run: T, token: string | null): T {
  return pageObject(run, fields(run, RUN), token);
}

/** A list item under `expand_tasks`: the first page of each array, `has_more` when any continues. */
export function listedJob<T extends object>(job: T): T & { has_more: boolean } {
  return listed(job, fields(job, JOB));
}

/** A runs/list item under `expand_tasks`, like {@link listedJob}. */
export function listedRun<T extends object>(run: T): T & { has_more: boolean } {
  return listed(run, fields(run, RUN));
}

/** The paged arrays: `arrays`, plus the first of `exclusive` the object fills (else the last). */
function fields(object: object, paging: Paging): string[] {
  const exclusive = paging.exclusive ?? [];
  const chosen = exclusive.find((f) => length(object as Json, f) > 0) ?? exclusive.at(-1);
  return chosen === undefined ? [...paging.arrays] : [...paging.arrays, chosen];
}

function pageObject<T extends object>(object: T, paths: readonly string[], token: string | null): T {
  const longest = Math.max(0, ...paths.map((path) => length(object as Json, path)));
  const window = pageOf([...Array(longest).keys()], INNER_PAGE_SIZE, token);
  const offset = window.items[0] ?? 0;
  const page = structuredClone(object) as Json;
  for (const path of paths) slice(page, path, offset);
  delete page.next_page_token;
  delete page.prev_page_token;
  if (window.next) page.next_page_token = window.next;
  if (window.prev) page.prev_page_token = window.prev;
  return page as T;
}

function listed<T extends object>(object: T, paths: readonly string[]): T & { has_more: boolean } {
  const page = structuredClone(object) as Json;
  const more = paths.some((path) => length(page, path) > INNER_PAGE_SIZE);
  for (const path of paths) slice(page, path, 0);
  return { ...(page as T), has_more: more };
}

function slice(object: Json, path: string, offset: number): void {
  const keys = path.split(".");
  const last = keys.pop()!;
  let parent: unknown = object;
  for (const key of keys) parent = parent && typeof parent === "object" ? (parent as Json)[key] : undefined;
  if (!parent || typeof parent !== "object") return;
  const value = (parent as Json)[last];
  if (Array.isArray(value)) (parent as Json)[last] = value.slice(offset, offset + INNER_PAGE_SIZE);
}

function length(object: Json, path: string): number {
  let value: unknown = object;
  for (const key of path.split("."))
    value = value && typeof value === "object" ? (value as Json)[key] : undefined;
  return Array.isArray(value) ? value.length : 0;
}
