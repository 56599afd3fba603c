/**
 * Objects in pages (Jobs API 2.2): `jobs/get` and `jobs/runs/get` answer at most 100 elements of each
 * paged array plus `next_page_token`, and `expand_tasks` list items say `has_more`. The emulator pages
 * them the same way and the whole-object helpers put them back together.
 * Sources: databricks-sdk-go service/jobs/ext_api.go (`Get`, `GetRun`), databricks-sdk-py
 * databricks/sdk/mixins/jobs.py (`list`, `list_runs`: "in API 2.2, only the first 100 elements will
 * be shown"; `has_more` filled from jobs/get and removed), and the `limit` doc of runs/list: "If a
 * request specifies a limit of 0, the service instead uses the maximum limit."
 */
import { describe, expect, it } from "vitest";
import {
  collect,
  completeListedJob,
  completeListedRun,
  getWholeJob,
  getWholeRun,
  unwrap,
} from "../../src/index.js";
import { waitForRun } from "../../src/waiters/index.js";
import { NO_PAUSE, useDatabricksMock } from "./setup.js";

const keys = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const tasks = keys(150, "t").map((task_key) => ({ task_key, notebook_task: { notebook_path: "/n" } }));
const parameters = keys(120, "p").map((name) => ({ name, default: "x" }));

const { client } = useDatabricksMock({
  seed: {
    jobs: [
      { job_id: 7, settings: { name: "wide", tasks, parameters, max_concurrent_runs: 50 } },
      { job_id: 8, settings: { name: "narrow", tasks: tasks.slice(0, 2) } },
      {
        job_id: 9,
        settings: {
          name: "loop",
          tasks: [
            {
              task_key: "loop",
              for_each_task: {
                inputs: JSON.stringify(keys(150, "input")),
                task: { task_key: "body", notebook_task: { notebook_path: "/n" } },
              },
            },
          ],
        },
      },
    ],
  },
});

describe("jobs/get pages", () => {
  it("answers 100 elements per page with next_page_token; getWholeJob merges every array", async () => {
    const first = await unwrap(client.GET("/api/2.2/jobs/get", { params: { query: { job_id: 7 } } }));
    expect(first.settings?.tasks).toHaveLength(100);
    expect(first.settings?.parameters).toHaveLength(100);
    expect(first.next_page_token).toBeTruthy();

    const whole = await getWholeJob(client, 7);
    expect(whole.settings?.tasks?.map((t) => t.task_key)).toEqual(keys(150, "t"));
    expect(whole.settings?.parameters?.map((p) => p.name)).toEqual(keys(120, "p"));
    expect(whole.next_page_token).toBeUndefined();
  });

  it("completes jobs/list items that say has_more under expand_tasks, and drops has_more", async () => {
    const listed = await collect(client, "/api/2.2/jobs/list", { params: { query: { expand_tasks: true } } });
    const wide = listed.find((job) => job.job_id === 7)!;
    expect(wide).toMatchObject({ has_more: true });
    expect(wide.settings?.tasks).toHaveLength(100);
    const complete = await Promise.all(listed.map((job) => completeListedJob(client, job)));
    expect(complete.map((job) => job.settings?.tasks?.length)).toEqual(
      listed.map((job) => ({ 7: 150, 8: 2, 9: 1 })[job.job_id ?? 0]),
    );
    expect(complete.every((job) => !("has_more" in job))).toBe(true);
  });
});

describe("jobs/runs/get pages", () => {
  it("pages a run's tasks; waitForRun and getWholeRun return each task once", async () => {
    const { run_id: runId = 0 } = await unwrap(client.POST("/api/2.2/jobs/run-now", { body: { job_id: 7 } }));
    const run = await waitForRun(client, runId, { interval: NO_PAUSE });
    expect(run.tasks?.map((t) => t.task_key)).toEqual(keys(150, "t"));
    expect((await getWholeRun(client, runId)).tasks).toHaveLength(150);

    const [listed] = await collect(client, "/api/2.2/jobs/runs/list", {
      params: { query: { job_id: 7, expand_tasks: true } },
    });
    expect(listed).toMatchObject({ run_id: runId, has_more: true });
    const complete = await completeListedRun(client, listed!);
    expect(complete.tasks).toHaveLength(150);
    expect("has_more" in complete).toBe(false);
  });

  // ext_api.go `GetRun`: a ForEach task run returns "a single task … corresponding to the ForEach task
  // itself" on every page and pages its iterations; only iterations are merged.
  it("pages a ForEach task run's iterations, repeating its task; the helpers merge iterations only", async () => {
    const { run_id: runId = 0 } = await unwrap(client.POST("/api/2.2/jobs/run-now", { body: { job_id: 9 } }));
    const loopRunId = (await getWholeRun(client, runId)).tasks?.[0]?.run_id ?? 0;
    const page = (page_token?: string) =>
      unwrap(
        client.GET("/api/2.2/jobs/runs/get", {
          params: { query: page_token ? { run_id: loopRunId, page_token } : { run_id: loopRunId } },
        }),
      );
    const first = await page();
    expect(first.tasks?.map((t) => t.task_key)).toEqual(["loop"]);
    expect(first.iterations).toHaveLength(100);
    const second = await page(first.next_page_token);
    expect(second.tasks?.map((t) => t.task_key)).toEqual(["loop"]);
    expect(second.iterations).toHaveLength(50);

    const waited = await waitForRun(client, loopRunId, { interval: NO_PAUSE });
    expect(waited.tasks).toHaveLength(1);
    expect(waited.iterations?.map((i) => i.task_key)).toEqual(Array(150).fill("body"));
    expect(new Set(waited.iterations?.map((i) => i.run_id)).size).toBe(150);
    expect(waited.iterations?.[149]?.status?.termination_details?.code).toBe("SUCCESS");
  });

  it("treats runs/list limit=0 as the maximum (25)", async () => {
    for (let i = 0; i < 27; i++) await unwrap(client.POST("/api/2.2/jobs/run-now", { body: { job_id: 8 } }));
    const page = await unwrap(client.GET("/api/2.2/jobs/runs/list", { params: { query: { limit: 0 } } }));
    expect(page.runs).toHaveLength(25);
    expect(page.has_more).toBe(true);
  });
});
