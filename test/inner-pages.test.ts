/**
 * The whole-object helpers against pages served exactly as written here (test/testing/inner-pages.test.ts
 * runs them against the emulator). What they follow is databricks-sdk-go service/jobs/ext_api.go:
 * `Get` loops "as long as" `next_page_token` is not empty, appending `settings.tasks`, `job_clusters`,
 * `parameters` and `environments` of each next page; `GetRun` appends `job_clusters`, `job_parameters`
 * and `repair_history`, and either `iterations` (when the first page has some: a ForEach task run) or
 * `tasks`. databricks-sdk-py databricks/sdk/mixins/jobs.py fills `has_more` list items from jobs/get
 * and removes `has_more`.
 */
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import {
  completeListedJob,
  completeListedRun,
  completeRunPages,
  createDatabricksClient,
  getWholeJob,
  getWholeRun,
  PaginationError,
} from "../src/index.js";
import { APIM, KEY, useMswServer } from "./helpers.js";

const { server, seen, http } = useMswServer();
const client = createDatabricksClient({ apimUrl: APIM, subscriptionKey: KEY });
const base = `${APIM}/dbw-01`;
const query = (request: Request) => Object.fromEntries(new URL(request.url).searchParams);
type Json = Record<string, unknown>;

/** Serves `pages` of `path` in order: the first without a page token, page n+1 at token `p<n+1>`. */
function serve(path: string, pages: Json[]) {
  server.use(
    http.get(`${base}${path}`, ({ request }) => {
      const token = new URL(request.url).searchParams.get("page_token");
      const index = token === null ? 0 : Number(token.slice(1)) - 1;
      return HttpResponse.json(pages[index] ?? { error_code: "INVALID_PARAMETER_VALUE" }, {
        status: pages[index] ? 200 : 400,
      });
    }),
  );
}

/**
 * Pages with a next token; while page 2 is being answered, aborts `controller`. Ends after three pages,
 * so that a signal that is not passed on fails the test instead of hanging it.
 */
function abortOnSecondPage(path: string, controller: AbortController) {
  server.use(
    http.get(`${base}${path}`, ({ request }) => {
      const token = new URL(request.url).searchParams.get("page_token");
      if (token === "p2") controller.abort(new Error("stop"));
      const next = token === null ? "p2" : token === "p2" ? "p3" : "";
      return HttpResponse.json({ job_id: 9, run_id: 6, settings: {}, next_page_token: next });
    }),
  );
}

describe("getWholeJob", () => {
  it("sends job_id on every page and the token after the first; appends the four paged arrays only", async () => {
    serve("/api/2.2/jobs/get", [
      {
        job_id: 5,
        settings: { name: "wide", tasks: [{ task_key: "a" }], parameters: [{ name: "x", default: "1" }] },
        next_page_token: "p2",
      },
      {
        job_id: 5,
        settings: {
          name: "ignored",
          tasks: [{ task_key: "b" }],
          job_clusters: [{ job_cluster_key: "c" }],
          environments: [{ environment_key: "e" }],
        },
        next_page_token: "p3",
        prev_page_token: "p1",
      },
      { job_id: 5, settings: { tasks: [{ task_key: "c" }] }, next_page_token: "", prev_page_token: "p2" },
    ]);
    const job = await getWholeJob(client, 5);
    expect(job).toStrictEqual({
      job_id: 5,
      settings: {
        name: "wide",
        tasks: [{ task_key: "a" }, { task_key: "b" }, { task_key: "c" }],
        parameters: [{ name: "x", default: "1" }],
        job_clusters: [{ job_cluster_key: "c" }],
        environments: [{ environment_key: "e" }],
      },
    });
    expect(seen.map(query)).toEqual([
      { job_id: "5" },
      { job_id: "5", page_token: "p2" },
      { job_id: "5", page_token: "p3" },
    ]);
  });

  it("adds no array that no page holds, and drops the paging fields of a single page", async () => {
    serve("/api/2.2/jobs/get", [
      { job_id: 6, settings: { name: "one", tasks: [{ task_key: "a" }] }, next_page_token: "p2" },
      { job_id: 6, settings: { tasks: [] } },
    ]);
    expect(await getWholeJob(client, 6)).toStrictEqual({
      job_id: 6,
      settings: { name: "one", tasks: [{ task_key: "a" }] },
    });
    seen.length = 0;
    serve("/api/2.2/jobs/get", [
      { job_id: 6, settings: { name: "one" }, has_more: false, prev_page_token: "" },
    ]);
    expect(await getWholeJob(client, 6)).toStrictEqual({ job_id: 6, settings: { name: "one" } });
    expect(seen).toHaveLength(1);
  });

  // Go's `Get` reads `nextJob.Settings.Tasks` and would fail on a page without settings; here such a
  // page adds nothing, and the arrays of later pages still land in `settings`.
  it("takes pages whose settings are missing or null", async () => {
    serve("/api/2.2/jobs/get", [
      { job_id: 7, settings: null, next_page_token: "p2" },
      { job_id: 7, next_page_token: "p3" },
      { job_id: 7, settings: { tasks: [{ task_key: "late" }] } },
    ]);
    expect(await getWholeJob(client, 7)).toStrictEqual({
      job_id: 7,
      settings: { tasks: [{ task_key: "late" }] },
    });
    expect(seen).toHaveLength(3);
  });

  // ext_api.go loops while the token is not empty. Issue #10 asks that every listing end with a typed
  // error; a token handed out again would otherwise loop forever.
  it("ends with a PaginationError when a token comes back", async () => {
    server.use(
      // Gives up after 50 pages, so that a broken check fails this test instead of hanging it.
      http.get(`${base}/api/2.2/jobs/get`, () =>
        HttpResponse.json({
          job_id: 8,
          settings: { tasks: [{ task_key: "t" }] },
          next_page_token: seen.length > 50 ? "" : "again",
        }),
      ),
    );
    const error = await getWholeJob(client, 8).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaginationError);
    expect(error).toMatchObject({
      reason: "repeated-page",
      pages: 2,
      method: "GET",
      path: "/api/2.2/jobs/get",
    });
    expect(seen).toHaveLength(2);
  });

  // Fresh tokens with nothing new would not repeat, and would never end either. page-guard.ts ends
  // them after DEFAULT_MAX_EMPTY_PAGES (100) such pages in a row, as for `paginate`.
  it("ends with a PaginationError when fresh tokens keep coming with nothing new", async () => {
    server.use(
      // Gives up after 1000 pages, so that a missing bound fails this test instead of hanging it.
      http.get(`${base}/api/2.2/jobs/runs/get`, () =>
        HttpResponse.json({
          run_id: 4,
          tasks: [],
          next_page_token: seen.length > 1000 ? "" : `t${seen.length}`,
        }),
      ),
    );
    const first = { run_id: 4, tasks: [{ task_key: "a" }], next_page_token: "t0" };
    const error = await completeRunPages(client, 4, first).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaginationError);
    expect(error).toMatchObject({ reason: "no-progress", path: "/api/2.2/jobs/runs/get" });
    // The caller's first page brought a task; then 100 pages in a row brought nothing new.
    expect(seen).toHaveLength(100);
  });

  it("goes on through pages that bring nothing new as long as others do", async () => {
    const pages: Json[] = Array.from({ length: 150 }, (_, i) => ({
      run_id: 4,
      tasks: i % 99 === 0 ? [{ task_key: `k${i}` }] : [],
      next_page_token: i < 149 ? `p${i + 2}` : "",
    }));
    serve("/api/2.2/jobs/runs/get", pages);
    expect((await getWholeRun(client, 4)).tasks).toEqual([{ task_key: "k0" }, { task_key: "k99" }]);
    expect(seen).toHaveLength(150);
  });

  it("takes maxEmptyPages, which its no-progress message names, as a listing does", async () => {
    const pages: Json[] = Array.from({ length: 10 }, (_, i) => ({
      run_id: 4,
      tasks: i === 0 ? [{ task_key: "a" }] : [],
      next_page_token: `p${i + 2}`,
    }));
    serve("/api/2.2/jobs/runs/get", pages);
    const error = await getWholeRun(client, 4, { maxEmptyPages: 3 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "PaginationError", reason: "no-progress", pages: 4 });
    expect(String(error)).toContain("raise maxEmptyPages");
    // The first page brought a task; pages 2-4 brought nothing, and page 4 still pointed on.
    expect(seen).toHaveLength(4);
  });

  it("stops at maxPages, the first page counted, before requesting one more", async () => {
    const pages: Json[] = Array.from({ length: 5 }, (_, i) => ({
      job_id: 9,
      settings: { tasks: [{ task_key: `t${i}` }] },
      next_page_token: i < 4 ? `p${i + 2}` : "",
    }));
    serve("/api/2.2/jobs/get", pages);
    const error = await getWholeJob(client, 9, { maxPages: 3 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "PaginationError", reason: "max-pages", pages: 3 });
    expect(seen).toHaveLength(3);
    seen.length = 0;
    const whole = await getWholeJob(client, 9, { maxPages: 5 });
    expect(whole.settings?.tasks).toHaveLength(5);
  });

  it.each([
    ["getWholeJob", () => getWholeJob(client, 9, { maxPages: 0 })],
    ["getWholeRun", () => getWholeRun(client, 4, { maxEmptyPages: 1.5 })],
    ["completeRunPages", () => completeRunPages(client, 4, { run_id: 4 }, { maxPages: -1 })],
    ["completeListedJob", () => completeListedJob(client, { job_id: 9 }, { maxPages: 0 })],
    ["completeListedRun", () => completeListedRun(client, { run_id: 4 }, { maxEmptyPages: 0 })],
  ] as const)("%s refuses a bad limit before any request", async (_name, call) => {
    await expect(call()).rejects.toMatchObject({
      name: "DatabricksConfigError",
      message: expect.stringMatching(/Invalid pagination option: max(Empty)?Pages must be an integer ≥ 1/),
    });
    expect(seen).toHaveLength(0);
  });

  it("passes the caller's signal: aborting it while a later page loads rejects with its reason", async () => {
    const controller = new AbortController();
    abortOnSecondPage("/api/2.2/jobs/get", controller);
    await expect(getWholeJob(client, 9, { signal: controller.signal })).rejects.toThrow("stop");
    expect(seen.map(query)).toEqual([{ job_id: "9" }, { job_id: "9", page_token: "p2" }]);
  });
});

describe("getWholeRun and completeRunPages", () => {
  it("appends tasks, job_clusters, job_parameters and repair_history; run_id on every page", async () => {
    serve("/api/2.2/jobs/runs/get", [
      {
        run_id: 3,
        tasks: [{ task_key: "a" }],
        job_parameters: [{ name: "x" }],
        repair_history: [{ id: 1 }],
        next_page_token: "p2",
      },
      {
        run_id: 3,
        tasks: [{ task_key: "b" }],
        job_clusters: [{ job_cluster_key: "c" }],
        repair_history: [{ id: 2 }],
      },
    ]);
    expect(await getWholeRun(client, 3)).toStrictEqual({
      run_id: 3,
      tasks: [{ task_key: "a" }, { task_key: "b" }],
      job_parameters: [{ name: "x" }],
      repair_history: [{ id: 1 }, { id: 2 }],
      job_clusters: [{ job_cluster_key: "c" }],
    });
    expect(seen.map(query)).toEqual([{ run_id: "3" }, { run_id: "3", page_token: "p2" }]);
  });

  // ext_api.go `GetRun`: a ForEach task run repeats "a single task … corresponding to the ForEach task
  // itself" on every page, so only its iterations continue.
  it("appends a ForEach run's iterations and keeps its one task once", async () => {
    serve("/api/2.2/jobs/runs/get", [
      { run_id: 4, tasks: [{ task_key: "loop" }], iterations: [{ run_id: 40 }], next_page_token: "p2" },
      { run_id: 4, tasks: [{ task_key: "loop" }], iterations: [{ run_id: 41 }] },
    ]);
    expect(await getWholeRun(client, 4)).toStrictEqual({
      run_id: 4,
      tasks: [{ task_key: "loop" }],
      iterations: [{ run_id: 40 }, { run_id: 41 }],
    });
  });

  it("continues tasks when the first page has neither tasks nor iterations", async () => {
    serve("/api/2.2/jobs/runs/get", [
      { run_id: 5, tasks: [], next_page_token: "p2" },
      { run_id: 5, tasks: [{ task_key: "b" }], iterations: [{ run_id: 50 }] },
    ]);
    expect(await getWholeRun(client, 5)).toStrictEqual({ run_id: 5, tasks: [{ task_key: "b" }] });
  });

  it("completes a first page the caller has, leaving it untouched", async () => {
    serve("/api/2.2/jobs/runs/get", [{}, { run_id: 6, tasks: [{ task_key: "b" }] }]);
    const first = { run_id: 6, tasks: [{ task_key: "a" }], next_page_token: "p2" };
    expect(await completeRunPages(client, 6, first)).toStrictEqual({
      run_id: 6,
      tasks: [{ task_key: "a" }, { task_key: "b" }],
    });
    expect(first).toEqual({ run_id: 6, tasks: [{ task_key: "a" }], next_page_token: "p2" });
    expect(seen.map(query)).toEqual([{ run_id: "6", page_token: "p2" }]);
  });

  it("passes the caller's signal to every page", async () => {
    const controller = new AbortController();
    abortOnSecondPage("/api/2.2/jobs/runs/get", controller);
    await expect(getWholeRun(client, 6, { signal: controller.signal })).rejects.toThrow("stop");
    const again = new AbortController();
    abortOnSecondPage("/api/2.2/jobs/runs/get", again);
    const first = { run_id: 6, tasks: [], next_page_token: "p2" };
    await expect(completeRunPages(client, 6, first, { signal: again.signal })).rejects.toThrow("stop");
  });
});

describe("completeListedJob and completeListedRun", () => {
  it("return an item without has_more as it is, minus has_more, without a request", async () => {
    const job = { job_id: 1, settings: { name: "n", tasks: [{ task_key: "a" }] } };
    expect(await completeListedJob(client, { ...job, has_more: false })).toStrictEqual(job);
    expect(await completeListedJob(client, job)).toStrictEqual(job);
    const run = { run_id: 2, tasks: [{ task_key: "a" }] };
    expect(await completeListedRun(client, { ...run, has_more: false })).toStrictEqual(run);
    // Nothing to fetch without an id, even when the item says there is more.
    expect(await completeListedJob(client, { settings: { name: "n" }, has_more: true })).toStrictEqual({
      settings: { name: "n" },
    });
    expect(await completeListedRun(client, { tasks: [], has_more: true })).toStrictEqual({ tasks: [] });
    expect(seen).toHaveLength(0);
  });

  it("replace a has_more job's paged arrays with the whole job's, keeping the listed fields", async () => {
    serve("/api/2.2/jobs/get", [
      { job_id: 1, settings: { name: "n", tasks: [{ task_key: "a" }] }, next_page_token: "p2" },
      { job_id: 1, settings: { tasks: [{ task_key: "b" }], parameters: [{ name: "x", default: "" }] } },
    ]);
    const listed = {
      job_id: 1,
      created_time: 10,
      settings: { name: "n", max_concurrent_runs: 2, tasks: [{ task_key: "a" }] },
      has_more: true,
    };
    expect(await completeListedJob(client, listed)).toStrictEqual({
      job_id: 1,
      created_time: 10,
      settings: {
        name: "n",
        max_concurrent_runs: 2,
        tasks: [{ task_key: "a" }, { task_key: "b" }],
        parameters: [{ name: "x", default: "" }],
      },
    });
    const controller = new AbortController();
    abortOnSecondPage("/api/2.2/jobs/get", controller);
    await expect(completeListedJob(client, listed, { signal: controller.signal })).rejects.toThrow("stop");
  });

  it("replace a has_more run's paged arrays with the whole run's, keeping the listed fields", async () => {
    serve("/api/2.2/jobs/runs/get", [
      { run_id: 2, tasks: [{ task_key: "a" }], next_page_token: "p2" },
      { run_id: 2, tasks: [{ task_key: "b" }], job_clusters: [{ job_cluster_key: "c" }] },
    ]);
    const listed = { run_id: 2, run_name: "r", tasks: [{ task_key: "a" }], has_more: true };
    expect(await completeListedRun(client, listed)).toStrictEqual({
      run_id: 2,
      run_name: "r",
      tasks: [{ task_key: "a" }, { task_key: "b" }],
      job_clusters: [{ job_cluster_key: "c" }],
    });
    expect(seen.map(query)).toEqual([{ run_id: "2" }, { run_id: "2", page_token: "p2" }]);
  });
});
