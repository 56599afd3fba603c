/**
 * Job runs (API 2.2): a run goes PENDING → RUNNING → TERMINATED with a `result_state`, each task run
 * alongside it. As in the real service, a run that ends FAILED is still TERMINATED (waiters must read
 * `result_state`), `INTERNAL_ERROR` is a life-cycle state of its own, a run past `max_concurrent_runs`
 * is SKIPPED, and an `idempotency_token` seen before returns the earlier run instead of a new one.
 */
import type {
  Run,
  RunLifeCycleState,
  RunOutput,
  RunResultState,
  RunTask,
  RunType,
  SubmitTask,
} from "../../generated/schema.js";
import type { WorkspaceContext } from "./context.js";
import { invalidState, missingPerSpec } from "./errors.js";
import { forEachRunView, iterationsOf } from "./for-each.js";
import type { Progress } from "./progress.js";
import { runOutput } from "./run-output.js";
import { isActive, runStatus, type TerminationCause } from "./run-status.js";

/** How a test wants the next run to end. */
export interface RunOutcome {
  /** Result of a TERMINATED run. @default "SUCCESS" */
  resultState?: RunResultState;
  /** End in this life-cycle state instead of TERMINATED (the platform failed, not the code). */
  lifeCycleState?: "INTERNAL_ERROR";
  /** `state_message` and, for failures, the task's `error`. */
  message?: string;
  /** What the notebook returned (`dbutils.notebook.exit`), shown by `runs/get-output`. */
  notebookResult?: string;
}

/** A run being tracked: the public object plus what the emulator needs to move it on. */
export interface RunRecord {
  run: Run;
  progress: Progress;
  outcome: RunOutcome;
  token: string | undefined;
  /** The job's `max_concurrent_runs` when the run started. */
  limit: number;
}

/** What starting a run needs to know. */
export interface RunStart {
  jobId?: number;
  runName: string;
  runType: RunType;
  tasks: ReadonlyArray<
    Pick<SubmitTask, "task_key" | "notebook_task" | "existing_cluster_id" | "for_each_task">
  >;
  maxConcurrent?: number | undefined;
  /** The job's `queue.enabled`: past `max_concurrent_runs`, wait QUEUED instead of being SKIPPED. */
  queue?: boolean | undefined;
  idempotencyToken?: string | undefined;
}

/** Route whose "missing run" answer every run call shares (400 INVALID_PARAMETER_VALUE per the spec). */
export const MISSING_RUN = "GET /api/2.2/jobs/runs/get";

/** The store of runs and task runs, shared by the jobs handlers. */
export function createRunBook(ctx: WorkspaceContext) {
  const runs = new Map<number, RunRecord>();
  const taskParents = new Map<number, number>();
  /** Iterations of each ForEach task run, by the task run's id. */
  const iterations = new Map<number, RunTask[]>();
  let nextRunId = 5001;
  let nextOutcome: RunOutcome | undefined;

  function set(
    record: RunRecord,
    life: RunLifeCycleState,
    message: string,
    result?: RunResultState,
    cause?: TerminationCause,
  ): void {
    const state = {
      life_cycle_state: life,
      state_message: message,
      ...(result ? { result_state: result } : {}),
    };
    const status = runStatus(life, result, message, cause);
    record.run.state = state;
    record.run.status = status;
    for (const task of record.run.tasks ?? []) {
      task.state = { ...state };
      task.status = structuredClone(status);
    }
    if (!isActive(record.run)) {
      record.run.end_time = ctx.clock.now();
      record.run.run_duration = record.run.end_time - (record.run.start_time ?? record.run.end_time);
      promoteQueued(record.run.job_id);
    }
  }

  /** A run of the job ended: its oldest queued run starts. */
  function promoteQueued(jobId: number | undefined): void {
    if (jobId === undefined) return;
    const queued = [...runs.values()].find(
      (r) => r.run.job_id === jobId && r.run.state?.life_cycle_state === "QUEUED",
    );
    const running = [...runs.values()].filter(
      (r) => r.run.job_id === jobId && isActive(r.run) && r.run.state?.life_cycle_state !== "QUEUED",
    );
    if (queued && running.length < queued.limit) schedule(queued);
  }

  function finish(record: RunRecord): void {
    const { outcome } = record;
    if (outcome.lifeCycleState === "INTERNAL_ERROR") {
      set(record, "INTERNAL_ERROR", outcome.message ?? "Run failed with an internal error.");
    } else {
      const result = outcome.resultState ?? "SUCCESS";
      set(
        record,
        "TERMINATED",
        outcome.message ?? (result === "SUCCESS" ? "" : `Run ended with ${result}.`),
        result,
      );
    }
  }

  function schedule(record: RunRecord): void {
    set(record, "PENDING", "Waiting for cluster");
    record.progress.start([() => set(record, "RUNNING", "In run"), () => finish(record)]);
  }

  return {
    /** Starts a run (or returns the one an idempotency token already started). */
    start(start: RunStart): RunRecord {
      const token = start.idempotencyToken;
      const earlier = token ? [...runs.values()].find((r) => r.token === token) : undefined;
      if (earlier) return earlier;
      const runId = nextRunId++;
      const tasks: RunTask[] = start.tasks.map((task) => {
        const taskRunId = nextRunId++;
        taskParents.set(taskRunId, runId);
        const loop = iterationsOf(task, () => nextRunId++, ctx.clock.now());
        if (loop) iterations.set(taskRunId, loop);
        return { ...task, run_id: taskRunId, attempt_number: 0, start_time: ctx.clock.now() };
      });
      const record: RunRecord = {
        run: {
          run_id: runId,
          number_in_job: runId,
          run_name: start.runName,
          run_type: start.runType,
          creator_user_name: ctx.me(),
          start_time: ctx.clock.now(),
          attempt_number: 0,
          tasks,
          ...(start.jobId === undefined ? {} : { job_id: start.jobId }),
        },
        progress: ctx.progress(),
        outcome: nextOutcome ?? {},
        token,
        limit: start.maxConcurrent ?? 1,
      };
      nextOutcome = undefined;
      runs.set(runId, record);
      const others = [...runs.values()].filter((r) => r !== record && r.run.job_id === start.jobId);
      for (const r of others) r.progress.sync();
      const busy = others.filter((r) => isActive(r.run));
      const { limit } = record;
      if (start.jobId !== undefined && busy.length >= limit && start.queue) {
        set(record, "QUEUED", `Queued due to reaching maximum concurrent runs of ${limit}.`);
      } else if (start.jobId !== undefined && busy.length >= limit) {
        set(
          record,
          "SKIPPED",
          `Skipping this run because the limit of ${limit} maximum concurrent runs has been reached.`,
          undefined,
          "MAX_CONCURRENT_RUNS_EXCEEDED",
        );
      } else {
        schedule(record);
      }
      return record;
    },
    /** The run, synced to the clock; 400 INVALID_PARAMETER_VALUE when it does not exist. */
    find(runId: number | string | null | undefined): RunRecord {
      const record = runs.get(Number(runId));
      if (!record) throw missingPerSpec(MISSING_RUN, `Run ${runId ?? ""} does not exist.`);
      record.progress.sync();
      return record;
    },
    /** What `runs/get` shows for a run id, or for the run id of a ForEach task; synced to the clock. */
    view(runId: number | string | null | undefined): { record: RunRecord; run: Run } {
      const loop = iterations.get(Number(runId));
      const parentId = taskParents.get(Number(runId));
      if (!loop || parentId === undefined) {
        const record = this.find(runId);
        return { record, run: record.run };
      }
      const record = this.find(parentId);
      const task = record.run.tasks?.find((t) => t.run_id === Number(runId)) ?? {};
      return { record, run: forEachRunView(record.run, task as RunTask, loop) };
    },
    /** All runs, synced, newest first. */
    all(): RunRecord[] {
      const list = [...runs.values()];
      for (const r of list) r.progress.sync();
      return list.sort((a, b) => (b.run.run_id ?? 0) - (a.run.run_id ?? 0));
    },
    /** Cancels an active run: TERMINATING now, TERMINATED/CANCELED at the next step. */
    cancel(record: RunRecord): void {
      if (!isActive(record.run)) return;
      set(record, "TERMINATING", "Run cancellation requested.");
      record.progress.start([() => set(record, "TERMINATED", "Run was cancelled.", "CANCELED")]);
    },
    /** Re-runs a finished run that did not succeed; returns the repair id. */
    repair(record: RunRecord): number {
      if (isActive(record.run))
        throw invalidState(`Run ${record.run.run_id} is still active and cannot be repaired.`);
      const repairId = nextRunId++;
      const history = record.run.repair_history ?? [
        { id: record.run.run_id ?? 0, type: "ORIGINAL" as const, start_time: record.run.start_time ?? 0 },
      ];
      history.push({ id: repairId, type: "REPAIR", start_time: ctx.clock.now() });
      record.run.repair_history = history;
      record.outcome = nextOutcome ?? {};
      nextOutcome = undefined;
      delete record.run.end_time;
      schedule(record);
      return repairId;
    },
    /** Removes a finished run. */
    remove(record: RunRecord): void {
      if (isActive(record.run))
        throw invalidState(`Run ${record.run.run_id} is active and cannot be deleted.`);
      runs.delete(record.run.run_id ?? 0);
    },
    /** What `runs/get-output` answers for a run or task-run id. */
    output(runId: string | null): RunOutput {
      const parentId = taskParents.get(Number(runId));
      return runOutput(this.find(parentId ?? runId), Number(runId), parentId !== undefined);
    },
    /** Sets how the next started (or repaired) run ends. */
    setNextOutcome(outcome: RunOutcome): void {
      nextOutcome = { ...outcome };
    },
    /** Empties the book. */
    clear(): void {
      runs.clear();
      taskParents.clear();
      iterations.clear();
      nextRunId = 5001;
      nextOutcome = undefined;
    },
  };
}

/** The run book's type. */
export type RunBook = ReturnType<typeof createRunBook>;
