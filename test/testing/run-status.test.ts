/**
 * Runs carry `status` (Jobs API 2.2) consistent with the deprecated `state`: V2 life-cycle state,
 * `termination_details { code, type, message }` and `queue_details`. Codes and their meaning from
 * databricks-sdk-go service/jobs/model.go (`TerminationCodeCode`: SUCCESS, USER_CANCELED,
 * RUN_EXECUTION_ERROR "completed with task failures", INTERNAL_ERROR, MAX_CONCURRENT_RUNS_EXCEEDED;
 * `TerminationTypeType`: SUCCESS, CLIENT_ERROR, INTERNAL_ERROR; `QueueDetailsCodeCode`).
 */
import { describe, expect, it } from "vitest";
import { unwrap } from "../../src/index.js";
import { waitForRun } from "../../src/waiters/index.js";
import { NO_PAUSE, useDatabricksMock } from "./setup.js";

const task = { task_key: "build", notebook_task: { notebook_path: "/Shared/report" } };
const { mock, client } = useDatabricksMock({
  seed: {
    jobs: [
      { job_id: 7, settings: { name: "report", tasks: [task] } },
      { job_id: 9, settings: { name: "queued", tasks: [task], queue: { enabled: true } } },
    ],
  },
});

const runNow = async (job_id: number) =>
  (await unwrap(client.POST("/api/2.2/jobs/run-now", { body: { job_id } }))).run_id ?? 0;
const getRun = (run_id: number) =>
  unwrap(client.GET("/api/2.2/jobs/runs/get", { params: { query: { run_id } } }));

describe("run status", () => {
  it("moves status.state with the legacy state and ends with SUCCESS details, tasks included", async () => {
    const runId = await runNow(7);
    const pending = await getRun(runId);
    expect(pending.status).toEqual({ state: "PENDING" });
    const run = await waitForRun(client, runId, { interval: NO_PAUSE });
    expect(run.status).toEqual({
      state: "TERMINATED",
      termination_details: { code: "SUCCESS", type: "SUCCESS", message: "" },
    });
    expect(run.tasks?.[0]?.status?.termination_details?.code).toBe("SUCCESS");
  });

  it.each([
    [{ resultState: "FAILED" as const, message: "boom" }, "RUN_EXECUTION_ERROR", "CLIENT_ERROR"],
    [{ resultState: "TIMEDOUT" as const, message: "took too long" }, "CANCELED", "CLIENT_ERROR"],
  ])("reports %j as %s / %s", async (outcome, code, type) => {
    mock.workspace.jobs.failNextRun(outcome);
    const run = await waitForRun(client, await runNow(7), { interval: NO_PAUSE });
    expect(run.state?.result_state).toBe(outcome.resultState);
    expect(run.status).toEqual({
      state: "TERMINATED",
      termination_details: { code, type, message: outcome.message },
    });
  });

  it("reports INTERNAL_ERROR, a user's cancel and a skipped run in termination_details", async () => {
    mock.workspace.jobs.failNextRun({ lifeCycleState: "INTERNAL_ERROR", message: "Cluster launch failed" });
    const broken = await runNow(7);
    await waitForRun(client, broken, { interval: NO_PAUSE }).catch(() => undefined);
    expect((await getRun(broken)).status?.termination_details).toMatchObject({
      code: "INTERNAL_ERROR",
      type: "INTERNAL_ERROR",
    });

    const first = await runNow(7);
    const skipped = await getRun(await runNow(7));
    expect(skipped.state?.life_cycle_state).toBe("SKIPPED");
    expect(skipped.status).toMatchObject({
      state: "TERMINATED",
      termination_details: { code: "MAX_CONCURRENT_RUNS_EXCEEDED", type: "CLIENT_ERROR" },
    });
    await unwrap(client.POST("/api/2.2/jobs/runs/cancel", { body: { run_id: first } }));
    const cancelled = await waitForRun(client, first, { interval: NO_PAUSE });
    expect(cancelled.status?.termination_details).toMatchObject({ code: "USER_CANCELED", type: "SUCCESS" });
  });

  // JobSettings.queue: "If true, enable queueing for the job" — a run past max_concurrent_runs waits
  // QUEUED (queue_details MAX_CONCURRENT_RUNS_REACHED) and starts when the running one ends.
  it("queues a run past max_concurrent_runs when the job enables queueing, then runs it", async () => {
    const first = await runNow(9);
    const second = await runNow(9);
    const queued = await getRun(second);
    expect(queued.state?.life_cycle_state).toBe("QUEUED");
    expect(queued.status).toMatchObject({
      state: "QUEUED",
      queue_details: { code: "MAX_CONCURRENT_RUNS_REACHED" },
    });
    await waitForRun(client, first, { interval: NO_PAUSE });
    const run = await waitForRun(client, second, { interval: NO_PAUSE });
    expect(run.status?.termination_details?.code).toBe("SUCCESS");
  });
});
