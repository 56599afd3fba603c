/**
 * `jobs/runs/get-output`: the run's metadata with the one task asked for, the notebook's exit value
 * once it succeeded, or the error once it failed. A run of several tasks has no output of its own;
 * Databricks refuses it and asks for each task run's id instead.
 */
import type { Run, RunOutput } from "../../generated/schema.js";
import { invalidParameter } from "./errors.js";
import { isActive } from "./run-status.js";

/** The parts of a run record the output reads. */
interface OutputSource {
  run: Run;
  outcome: { message?: string; notebookResult?: string };
}

/** The output of `record`, for its task run `runId` when `isTask`, else for the run itself. */
export function runOutput(record: OutputSource, runId: number, isTask: boolean): RunOutput {
  const tasks = record.run.tasks ?? [];
  if (!isTask && tasks.length > 1) {
    throw invalidParameter(
      "Retrieving the output of runs with multiple tasks is not supported. " +
        "Please retrieve the output of each individual task run instead.",
    );
  }
  const task = tasks.find((t) => t.run_id === runId) ?? tasks[0];
  const { state } = record.run;
  const out: RunOutput = {
    metadata: { ...structuredClone(record.run), ...(task ? { tasks: [task] } : {}) },
  };
  if (state?.result_state === "SUCCESS") {
    out.notebook_output = { result: record.outcome.notebookResult ?? "", truncated: false };
  } else if (!isActive(record.run)) {
    out.error = record.outcome.message ?? state?.state_message ?? "Run failed.";
  }
  return out;
}
