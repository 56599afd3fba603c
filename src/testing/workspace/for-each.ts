/**
 * ForEach tasks: a task with `for_each_task` runs its inner task once per element of `inputs` (a JSON
 * array). `jobs/runs/get` with the ForEach task's own run id answers that task run: its one task (the
 * ForEach task) and its `iterations`, which inner-pages.ts pages at 100 while the task repeats on every
 * page (databricks-sdk-go service/jobs/ext_api.go `GetRun`: "Only a single task is returned,
 * corresponding to the ForEach task itself").
 */
import type { Run, RunTask, SubmitTask } from "../../generated/schema.js";

/** The iteration task runs of `task`, or `undefined` when it is no ForEach task. */
export function iterationsOf(
  task: Pick<SubmitTask, "for_each_task">,
  nextRunId: () => number,
  startTime: number,
): RunTask[] | undefined {
  const forEach = task.for_each_task;
  if (!forEach) return undefined;
  let inputs: unknown = [];
  try {
    inputs = JSON.parse(forEach.inputs);
  } catch {
    // A `{{job.parameters.…}}` reference: the emulator does not resolve it, so there are no iterations.
  }
  return (Array.isArray(inputs) ? inputs : []).map(() => ({
    task_key: forEach.task.task_key,
    run_id: nextRunId(),
    attempt_number: 0,
    start_time: startTime,
  }));
}

/** `jobs/runs/get` of a ForEach task run: the parent's fields, the task, and its iterations in its state. */
export function forEachRunView(parent: Run, task: RunTask, iterations: readonly RunTask[]): Run {
  const { tasks, iterations: _, job_clusters, job_parameters, repair_history, ...rest } = parent;
  return structuredClone({
    ...rest,
    run_id: task.run_id ?? 0,
    tasks: [task],
    iterations: iterations.map((iteration) => ({
      ...iteration,
      ...(task.state ? { state: task.state } : {}),
      ...(task.status ? { status: task.status } : {}),
    })),
  });
}
