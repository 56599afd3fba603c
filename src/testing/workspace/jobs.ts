/**
 * Jobs (API 2.2): job definitions (create, get, list with page tokens, reset, update, delete) and the
 * run endpoints, whose state machine lives in `runs.ts`. A missing job is answered like `jobs/get`
 * answers it: 400 INVALID_PARAMETER_VALUE "Job … does not exist." (the spec's `x-databricks-missing-as`).
 */
import type { BaseJob, Job, JobSettings, Run } from "../../generated/schema.js";
import type { WorkspaceArea, WorkspaceContext } from "./context.js";
import { intParam, invalidParameter, missingPerSpec, requiredParam } from "./errors.js";
import { jobPage, listedJob, listedRun, runPage } from "./inner-pages.js";
import { pageOf } from "./paging.js";
import { isActive } from "./run-status.js";
import { createRunBook, type RunOutcome } from "./runs.js";

/** Test controls for jobs and runs. */
export interface JobControls {
  /** A copy of the job, or `undefined`. */
  get(jobId: number): Job | undefined;
  /** Copies of all jobs, by id. */
  list(): Job[];
  /** Adds a job directly; returns its id. */
  add(settings: JobSettings, jobId?: number): number;
  /** A copy of the run as `runs/get` would return it now, or `undefined`. */
  run(runId: number): Run | undefined;
  /** Copies of all runs (of one job, if given), newest first. */
  runs(jobId?: number): Run[];
  /** Makes the next started run end this way (e.g. `{ resultState: "FAILED", message }`). */
  failNextRun(outcome?: RunOutcome): void;
  /** Sets what the next run's notebook returns, shown by `runs/get-output`. */
  setNextNotebookResult(result: string): void;
}

const MISSING_JOB = "GET /api/2.2/jobs/get";
/** The largest `limit` of `jobs/runs/list` (API 2.2 reference). */
const RUNS_LIMIT_MAX = 25;

/** Creates the jobs area. */
export function createJobs(ctx: WorkspaceContext): WorkspaceArea<JobControls> {
  const jobs = new Map<number, Job>();
  const book = createRunBook(ctx);
  let nextJobId = 1001;

  function find(jobId: number | string | null | undefined): Job {
    const job = jobs.get(Number(jobId));
    if (!job) throw missingPerSpec(MISSING_JOB, `Job ${jobId ?? ""} does not exist.`);
    return job;
  }

  function add(settings: JobSettings, jobId?: number): number {
    const id = jobId ?? nextJobId;
    nextJobId = Math.max(nextJobId, id + 1);
    jobs.set(id, {
      job_id: id,
      created_time: ctx.clock.now(),
      creator_user_name: ctx.me(),
      run_as_user_name: ctx.me(),
      settings: { name: "Untitled", max_concurrent_runs: 1, ...structuredClone(settings) },
    });
    return id;
  }

  function summary(job: Job, expandTasks: boolean): BaseJob {
    const { tasks, job_clusters, ...settings } = job.settings ?? {};
    if (expandTasks) return listedJob(job);
    return structuredClone({ ...job, settings: { ...settings } });
  }

  const { http } = ctx;
  const handlers = [
    http.get("/api/2.2/jobs/list", ({ query }) => {
      const name = query.get("name")?.toLowerCase();
      const all = [...jobs.values()].filter((j) => !name || j.settings?.name?.toLowerCase() === name);
      const limit = intParam(query, "limit") ?? 20;
      if (limit < 1 || limit > 100) throw invalidParameter("limit must be between 1 and 100");
      const page = pageOf(all.slice(intParam(query, "offset") ?? 0), limit, query.get("page_token"));
      const expand = query.get("expand_tasks") === "true";
      return {
        jobs: page.items.map((j) => summary(j, expand)),
        has_more: page.next !== "",
        ...(page.next ? { next_page_token: page.next } : {}),
        ...(page.prev ? { prev_page_token: page.prev } : {}),
      };
    }),
    http.get("/api/2.2/jobs/get", ({ query }) =>
      jobPage(find(requiredParam(query, "job_id")), query.get("page_token")),
    ),
    http.post("/api/2.2/jobs/create", ({ body }) => ({ job_id: add(body) })),
    http.post("/api/2.2/jobs/reset", ({ body }) => {
      find(body.job_id).settings = structuredClone(body.new_settings);
      return {};
    }),
    http.post("/api/2.2/jobs/update", ({ body }) => {
      const job = find(body.job_id);
      const settings: Record<string, unknown> = {
        ...job.settings,
        ...structuredClone(body.new_settings ?? {}),
      };
      for (const field of body.fields_to_remove ?? []) delete settings[field];
      job.settings = settings as JobSettings;
      return {};
    }),
    http.post("/api/2.2/jobs/delete", ({ body }) => {
      find(body.job_id);
      jobs.delete(body.job_id);
      return {};
    }),
    http.post("/api/2.2/jobs/run-now", ({ body }) => {
      const job = find(body.job_id);
      const record = book.start({
        jobId: body.job_id,
        runName: job.settings?.name ?? "Untitled",
        runType: "JOB_RUN",
        tasks: job.settings?.tasks ?? [],
        maxConcurrent: job.settings?.max_concurrent_runs,
        queue: job.settings?.queue?.enabled,
        idempotencyToken: body.idempotency_token,
      });
      return { run_id: record.run.run_id ?? 0, number_in_job: record.run.number_in_job ?? 0 };
    }),
    http.post("/api/2.2/jobs/runs/submit", ({ body }) => {
      const record = book.start({
        runName: body.run_name ?? "Untitled",
        runType: "SUBMIT_RUN",
        tasks: body.tasks ?? [],
        idempotencyToken: body.idempotency_token,
      });
      return { run_id: record.run.run_id ?? 0 };
    }),
    http.get("/api/2.2/jobs/runs/list", ({ query }) => {
      const jobId = query.get("job_id");
      const from = intParam(query, "start_time_from") ?? 0;
      const to = intParam(query, "start_time_to") ?? Number.POSITIVE_INFINITY;
      const all = book
        .all()
        .map((r) => r.run)
        .filter(
          (run) =>
            (jobId === null || run.job_id === Number(jobId)) &&
            (query.get("active_only") !== "true" || isActive(run)) &&
            (query.get("completed_only") !== "true" || !isActive(run)) &&
            (query.get("run_type") === null || run.run_type === query.get("run_type")) &&
            (run.start_time ?? 0) >= from &&
            (run.start_time ?? 0) <= to,
        );
      // "If a request specifies a limit of 0, the service instead uses the maximum limit."
      const asked = intParam(query, "limit") ?? 20;
      const limit = asked === 0 ? RUNS_LIMIT_MAX : asked;
      if (limit < 1 || limit > RUNS_LIMIT_MAX) throw invalidParameter("limit must be between 0 and 25");
      const page = pageOf(all.slice(intParam(query, "offset") ?? 0), limit, query.get("page_token"));
      const expand = query.get("expand_tasks") === "true";
      return {
        runs: page.items.map((run) => {
          if (expand) return listedRun(run);
          const { tasks, job_clusters, ...rest } = run;
          return structuredClone(rest);
        }),
        has_more: page.next !== "",
        ...(page.next ? { next_page_token: page.next } : {}),
        ...(page.prev ? { prev_page_token: page.prev } : {}),
      };
    }),
    http.get("/api/2.2/jobs/runs/get", ({ query }) => {
      const { record, run } = book.view(requiredParam(query, "run_id"));
      const answer = runPage(run, query.get("page_token"));
      record.progress.poll();
      return answer;
    }),
    http.get("/api/2.2/jobs/runs/get-output", ({ query }) => book.output(requiredParam(query, "run_id"))),
    http.post("/api/2.2/jobs/runs/cancel", ({ body }) => {
      book.cancel(book.find(body.run_id));
      return {};
    }),
    http.post("/api/2.2/jobs/runs/cancel-all", ({ body }) => {
      if (body.job_id === undefined && !body.all_queued_runs) {
        throw invalidParameter("Either job_id or all_queued_runs must be set");
      }
      if (body.job_id !== undefined) find(body.job_id);
      for (const r of book.all()) {
        const queued = r.run.state?.life_cycle_state === "QUEUED";
        if (body.job_id === undefined ? queued : r.run.job_id === body.job_id) book.cancel(r);
      }
      return {};
    }),
    http.post("/api/2.2/jobs/runs/repair", ({ body }) => ({
      repair_id: book.repair(book.find(body.run_id)),
    })),
    http.post("/api/2.2/jobs/runs/delete", ({ body }) => {
      book.remove(book.find(body.run_id));
      return {};
    }),
    http.get("/api/2.2/jobs/runs/export", ({ query }) => {
      const record = book.find(requiredParam(query, "run_id"));
      return {
        views: (record.run.tasks ?? []).map((task) => ({
          name: task.notebook_task?.notebook_path ?? task.task_key,
          type: "NOTEBOOK" as const,
          content: `<html><body><h1>${task.task_key}</h1></body></html>`,
        })),
      };
    }),
  ];

  return {
    handlers,
    load(seed) {
      jobs.clear();
      book.clear();
      nextJobId = 1001;
      for (const job of seed.jobs) add(job.settings, job.job_id);
    },
    controls: {
      get: (jobId) => (jobs.has(jobId) ? structuredClone(jobs.get(jobId)) : undefined),
      list: () => [...jobs.values()].map((j) => structuredClone(j)),
      add,
      run(runId) {
        try {
          return structuredClone(book.find(runId).run);
        } catch {
          return undefined;
        }
      },
      runs: (jobId) =>
        book
          .all()
          .filter((r) => jobId === undefined || r.run.job_id === jobId)
          .map((r) => structuredClone(r.run)),
      failNextRun: (outcome = { resultState: "FAILED", message: "Notebook raised an exception." }) =>
        book.setNextOutcome(outcome),
      setNextNotebookResult: (result) => book.setNextOutcome({ notebookResult: result }),
    },
  };
}
