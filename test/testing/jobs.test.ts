import { describe, expect, it } from "vitest";
import {
  collect,
  InvalidParameterValue,
  InvalidState,
  ResourceDoesNotExist,
  unwrap,
} from "../../src/index.js";
import { waitForRun } from "../../src/waiters/index.js";
import { NO_PAUSE, useDatabricksMock } from "./setup.js";

const { mock, client } = useDatabricksMock({
  seed: {
    jobs: [
      {
        job_id: 7,
        settings: {
          name: "report",
          max_concurrent_runs: 1,
          tasks: [{ task_key: "build", notebook_task: { notebook_path: "/Shared/report" } }],
        },
      },
    ],
  },
});

const runNow = async (body: { job_id: number; idempotency_token?: string }) =>
  (await unwrap(client.POST("/api/2.2/jobs/run-now", { body }))).run_id ?? 0;

describe("job runs", () => {
  it("run-now → PENDING → RUNNING → TERMINATED with SUCCESS", async () => {
    const runId = await runNow({ job_id: 7 });
    const seen: string[] = [];
    const run = await waitForRun(client, runId, {
      interval: NO_PAUSE,
      onProgress: (r) => seen.push(r.state?.life_cycle_state ?? "?"),
    });
    expect(seen).toEqual(["PENDING", "RUNNING", "TERMINATED"]);
    expect(run).toMatchObject({ job_id: 7, run_name: "report", run_type: "JOB_RUN" });
    expect(run.state).toMatchObject({ life_cycle_state: "TERMINATED", result_state: "SUCCESS" });
    expect(run.tasks?.[0]?.state?.result_state).toBe("SUCCESS");
  });

  it("ends the next run as the test asks; the run is still TERMINATED, as in Databricks", async () => {
    mock.workspace.jobs.failNextRun({
      resultState: "FAILED",
      message: "ZeroDivisionError: division by zero",
    });
    const runId = await runNow({ job_id: 7 });
    const run = await waitForRun(client, runId, { interval: NO_PAUSE });
    expect(run.state).toMatchObject({ life_cycle_state: "TERMINATED", result_state: "FAILED" });
    await expect(
      waitForRun(client, runId, { interval: NO_PAUSE, requireSuccess: true }),
    ).rejects.toMatchObject({
      state: "FAILED",
    });
    const output = await unwrap(
      client.GET("/api/2.2/jobs/runs/get-output", { params: { query: { run_id: runId } } }),
    );
    expect(output.error).toBe("ZeroDivisionError: division by zero");
  });

  it("reports INTERNAL_ERROR as a failure state of its own", async () => {
    mock.workspace.jobs.failNextRun({ lifeCycleState: "INTERNAL_ERROR", message: "Cluster launch failed" });
    const runId = await runNow({ job_id: 7 });
    await expect(waitForRun(client, runId, { interval: NO_PAUSE })).rejects.toMatchObject({
      state: "INTERNAL_ERROR",
      stateMessage: "Cluster launch failed",
    });
  });

  it("returns the earlier run for a repeated idempotency token, and skips past max_concurrent_runs", async () => {
    const first = await runNow({ job_id: 7, idempotency_token: "nightly-2026-01-01" });
    expect(await runNow({ job_id: 7, idempotency_token: "nightly-2026-01-01" })).toBe(first);
    const second = await runNow({ job_id: 7 });
    const skipped = await waitForRun(client, second, { interval: NO_PAUSE });
    expect(skipped.state?.life_cycle_state).toBe("SKIPPED");
    expect(skipped.state?.state_message).toContain("maximum concurrent runs");
  });

  it("shows the notebook's result in get-output and refuses multi-task runs there", async () => {
    mock.workspace.jobs.setNextNotebookResult('{"rows": 42}');
    const runId = await runNow({ job_id: 7 });
    await waitForRun(client, runId, { interval: NO_PAUSE });
    const output = await unwrap(
      client.GET("/api/2.2/jobs/runs/get-output", { params: { query: { run_id: runId } } }),
    );
    expect(output.notebook_output).toEqual({ result: '{"rows": 42}', truncated: false });

    const multi = mock.workspace.jobs.add({ name: "multi", tasks: [{ task_key: "a" }, { task_key: "b" }] });
    const multiRun = await runNow({ job_id: multi });
    const error = await unwrap(
      client.GET("/api/2.2/jobs/runs/get-output", { params: { query: { run_id: multiRun } } }),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidParameterValue);
    const taskRunId = mock.workspace.jobs.run(multiRun)?.tasks?.[1]?.run_id ?? 0;
    await expect(
      unwrap(client.GET("/api/2.2/jobs/runs/get-output", { params: { query: { run_id: taskRunId } } })),
    ).resolves.toMatchObject({ metadata: { run_id: multiRun } });
  });

  it("cancels, repairs and deletes runs", async () => {
    const runId = await runNow({ job_id: 7 });
    await unwrap(client.POST("/api/2.2/jobs/runs/cancel", { body: { run_id: runId } }));
    const cancelled = await waitForRun(client, runId, { interval: NO_PAUSE });
    expect(cancelled.state?.result_state).toBe("CANCELED");
    const { repair_id } = await unwrap(client.POST("/api/2.2/jobs/runs/repair", { body: { run_id: runId } }));
    expect(repair_id).toBeGreaterThan(runId);
    const error = await unwrap(client.POST("/api/2.2/jobs/runs/delete", { body: { run_id: runId } })).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(InvalidState);
    const repaired = await waitForRun(client, runId, { interval: NO_PAUSE });
    expect(repaired.repair_history?.map((h) => h.type)).toEqual(["ORIGINAL", "REPAIR"]);
    await unwrap(client.POST("/api/2.2/jobs/runs/delete", { body: { run_id: runId } }));
    expect(mock.workspace.jobs.run(runId)).toBeUndefined();
  });

  it("answers a missing run like Databricks (400), remapped by the client to ResourceDoesNotExist", async () => {
    const { response, error } = await client.GET("/api/2.2/jobs/runs/get", {
      params: { query: { run_id: 999 } },
    });
    expect(response.status).toBe(400);
    expect(error).toEqual({ error_code: "INVALID_PARAMETER_VALUE", message: "Run 999 does not exist." });
    await expect(
      unwrap(client.GET("/api/2.2/jobs/runs/get", { params: { query: { run_id: 999 } } })),
    ).rejects.toBeInstanceOf(ResourceDoesNotExist);
  });
});

describe("job definitions", () => {
  it("creates, updates, lists with page tokens and deletes jobs", async () => {
    const ids: number[] = [];
    for (const name of ["one", "two", "three"]) {
      ids.push((await unwrap(client.POST("/api/2.2/jobs/create", { body: { name } }))).job_id ?? 0);
    }
    await unwrap(
      client.POST("/api/2.2/jobs/update", {
        body: { job_id: ids[0] ?? 0, new_settings: { timeout_seconds: 60 } },
      }),
    );
    const job = await unwrap(client.GET("/api/2.2/jobs/get", { params: { query: { job_id: ids[0] ?? 0 } } }));
    expect(job.settings).toMatchObject({ name: "one", timeout_seconds: 60 });
    const all = await collect(client, "/api/2.2/jobs/list", { params: { query: { limit: 2 } } });
    expect(all.map((j) => j.settings?.name)).toEqual(["report", "one", "two", "three"]);
    expect(all[0]?.settings?.tasks).toBeUndefined();
    const expanded = await collect(client, "/api/2.2/jobs/list", {
      params: { query: { expand_tasks: true } },
    });
    expect(expanded[0]?.settings?.tasks).toHaveLength(1);
    await unwrap(client.POST("/api/2.2/jobs/delete", { body: { job_id: ids[2] ?? 0 } }));
    await expect(
      unwrap(client.GET("/api/2.2/jobs/get", { params: { query: { job_id: ids[2] ?? 0 } } })),
    ).rejects.toBeInstanceOf(ResourceDoesNotExist);
  });

  it("lists runs newest first, filtered by job and activity", async () => {
    const a = await runNow({ job_id: 7 });
    await waitForRun(client, a, { interval: NO_PAUSE });
    const b = await runNow({ job_id: 7 });
    const runs = await collect(client, "/api/2.2/jobs/runs/list", { params: { query: { job_id: 7 } } });
    expect(runs.map((r) => r.run_id)).toEqual([b, a]);
    const active = await collect(client, "/api/2.2/jobs/runs/list", {
      params: { query: { active_only: true } },
    });
    expect(active.map((r) => r.run_id)).toEqual([b]);
  });
});
