/**
 * Objects that come in pages. Jobs API 2.2 returns at most 100 elements of a job's or run's arrays
 * per `jobs/get` / `jobs/runs/get` answer and a `next_page_token` for the rest; list items fetched
 * with `expand_tasks` say `has_more` instead. These helpers return the whole object, as the official
 * SDKs' `Get`/`GetRun` do. Which arrays continue is a fact of the spec
 * (`x-databricks-inner-pagination`, generated into `innerPagination`):
 * - `arrays` continue on every page and are appended;
 * - of `exclusive`, only the first one the first page fills continues: a ForEach task run pages its
 *   `iterations` and repeats its one task on every page, a job run pages its `tasks`.
 */
import type { DatabricksClient } from "./client.js";
import { innerPagination } from "./generated/operations.js";
import type { BaseJob, BaseRun, Job, Run } from "./generated/schema.js";
import { checkLimits, PageGuard, type PagingLimits } from "./page-guard.js";
import { unwrap } from "./unwrap.js";

/** Options of the whole-object helpers; `maxPages` and `maxEmptyPages` bound the merge as they bound a listing. */
export interface WholeObjectOptions extends PagingLimits {
  /** Aborts the page requests. */
  signal?: AbortSignal | undefined;
}

type Json = Record<string, unknown>;
type Paging = {
  readonly requestToken: string;
  readonly responseToken: string;
  readonly arrays: readonly string[];
  readonly exclusive?: readonly string[];
};

const JOB = "/api/2.2/jobs/get";
const RUN = "/api/2.2/jobs/runs/get";

/** `jobs/get` with every page of `tasks`, `job_clusters`, `parameters` and `environments` merged. */
export async function getWholeJob(
  client: DatabricksClient,
  jobId: number,
  options: WholeObjectOptions = {},
): Promise<Job> {
  checkLimits(options);
  const page = (token?: string) => {
    const query = token === undefined ? { job_id: jobId } : { job_id: jobId, page_token: token };
    return unwrap(client.GET(JOB, withSignal({ params: { query } }, options.signal))) as Promise<Json>;
  };
  return (await merge(JOB, innerPagination[JOB], await page(), page, options)) as Job;
}

/** `jobs/runs/get` with every page merged: the run's tasks, or a ForEach task run's iterations. */
export async function getWholeRun(
  client: DatabricksClient,
  runId: number,
  options: WholeObjectOptions = {},
): Promise<Run> {
  checkLimits(options);
  return completeRunPages(client, runId, await fetchRun(client, runId, undefined, options.signal), options);
}

/**
 * The rest of a run whose first `jobs/runs/get` page the caller already has (a waiter's last poll);
 * returns it unchanged when it has no further page.
 */
export async function completeRunPages(
  client: DatabricksClient,
  runId: number,
  first: Run,
  options: WholeObjectOptions = {},
): Promise<Run> {
  const page = (token?: string) => fetchRun(client, runId, token, options.signal);
  return (await merge(RUN, innerPagination[RUN], first as Json, page, options)) as Run;
}

/**
 * A `jobs/list?expand_tasks=true` item with its arrays complete: when it says `has_more`, they are
 * replaced by the whole job's (from {@link getWholeJob}); `has_more` is removed either way.
 */
export async function completeListedJob(
  client: DatabricksClient,
  job: BaseJob,
  options: WholeObjectOptions = {},
): Promise<BaseJob> {
  checkLimits(options);
  const { has_more, ...rest } = job;
  if (!has_more || rest.job_id === undefined) return rest;
  const whole = await getWholeJob(client, rest.job_id, options);
  return { ...rest, settings: { ...rest.settings, ...pick(whole.settings ?? {}, innerPagination[JOB]) } };
}

/**
 * A `jobs/runs/list?expand_tasks=true` item with its arrays complete: when it says `has_more`, they
 * are replaced by the whole run's (from {@link getWholeRun}); `has_more` is removed either way.
 */
export async function completeListedRun(
  client: DatabricksClient,
  run: BaseRun,
  options: WholeObjectOptions = {},
): Promise<BaseRun> {
  checkLimits(options);
  const { has_more, ...rest } = run;
  if (!has_more || rest.run_id === undefined) return rest;
  const whole = await getWholeRun(client, rest.run_id, options);
  return { ...rest, ...pick(whole, innerPagination[RUN]) };
}

function fetchRun(
  client: DatabricksClient,
  runId: number,
  token: string | undefined,
  signal: AbortSignal | undefined,
): Promise<Run> {
  const query = token === undefined ? { run_id: runId } : { run_id: runId, page_token: token };
  return unwrap(client.GET(RUN, withSignal({ params: { query } }, signal)));
}

function withSignal<T extends object>(init: T, signal: AbortSignal | undefined): T {
  return signal ? { ...init, signal } : init;
}

/** Follows `responseToken` from `first`, appending the paged arrays; drops the paging fields. */
async function merge(
  path: string,
  paging: Paging,
  first: Json,
  page: (token: string) => Promise<Json>,
  limits: PagingLimits,
): Promise<Json> {
  const whole = structuredClone(first);
  const exclusive = paging.exclusive ?? [];
  const chosen = exclusive.find((field) => asArray(getPath(first, field)).length > 0) ?? exclusive.at(-1);
  const fields = chosen === undefined ? paging.arrays : [...paging.arrays, chosen];
  // Ends a server that hands back a token it already gave, or keeps sending pages with nothing new.
  const guard = new PageGuard("GET", path, limits);
  let fresh = fields.reduce((count, field) => count + asArray(getPath(first, field)).length, 0);
  let token = nextToken(first, paging);
  while (token) {
    guard.advance(fresh, `token ${token}`);
    guard.beforeRequest();
    const next = await page(token);
    fresh = 0;
    for (const field of fields) {
      const more = asArray(getPath(next, field));
      fresh += more.length;
      if (more.length > 0) setPath(whole, field, [...asArray(getPath(whole, field)), ...more]);
    }
    token = nextToken(next, paging);
  }
  delete whole[paging.responseToken];
  delete whole.prev_page_token;
  delete whole.has_more;
  return whole;
}

/** The next page's token; "" when there is none (the loop in `merge` stops on it). */
function nextToken(page: Json, paging: Paging): string {
  const token = page[paging.responseToken];
  return typeof token === "string" ? token : "";
}

/** The paged arrays of `whole` (a job's paths are relative to its `settings`). */
function pick(whole: object, paging: Paging): Json {
  const out: Json = {};
  for (const path of [...paging.arrays, ...(paging.exclusive ?? [])]) {
    const key = path.split(".").at(-1)!;
    const value = getPath(whole as Json, path.replace(/^settings\./, ""));
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function getPath(object: Json, path: string): unknown {
  let value: unknown = object;
  for (const key of path.split("."))
    value = value && typeof value === "object" ? (value as Json)[key] : undefined;
  return value;
}

function setPath(object: Json, path: string, value: unknown): void {
  const keys = path.split(".");
  const last = keys.pop()!;
  let target = object;
  for (const key of keys) {
    if (!target[key] || typeof target[key] !== "object") target[key] = {};
    target = target[key] as Json;
  }
  target[last] = value;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
