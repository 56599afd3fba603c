/**
 * A run's `status` (Jobs API 2.2), kept consistent with the deprecated `state`: the V2 life-cycle
 * state, `termination_details { code, type, message }` once it terminates, `queue_details` while it
 * is queued. Codes and types as databricks-sdk-go service/jobs/model.go documents them
 * (`TerminationCodeCode`, `TerminationTypeType`, `QueueDetailsCodeCode`).
 */
import type {
  Run,
  RunLifeCycleState,
  RunLifecycleStateV2State,
  RunResultState,
  RunStatus,
  TerminationCodeCode,
  TerminationTypeType,
} from "../../generated/schema.js";

/** Why a run ended, where the legacy state alone does not say (e.g. a user's cancel). */
export type TerminationCause = TerminationCodeCode | undefined;

const V2: Record<RunLifeCycleState, RunLifecycleStateV2State> = {
  QUEUED: "QUEUED",
  PENDING: "PENDING",
  RUNNING: "RUNNING",
  TERMINATING: "TERMINATING",
  TERMINATED: "TERMINATED",
  SKIPPED: "TERMINATED",
  INTERNAL_ERROR: "TERMINATED",
  BLOCKED: "BLOCKED",
  WAITING_FOR_RETRY: "WAITING",
};

const BY_RESULT: Partial<Record<RunResultState, [TerminationCodeCode, TerminationTypeType]>> = {
  SUCCESS: ["SUCCESS", "SUCCESS"],
  SUCCESS_WITH_FAILURES: ["SUCCESS_WITH_FAILURES", "SUCCESS"],
  FAILED: ["RUN_EXECUTION_ERROR", "CLIENT_ERROR"],
  // TIMEDOUT: "canceled … by the Databricks platform; for example, if the maximum run duration was exceeded".
  TIMEDOUT: ["CANCELED", "CLIENT_ERROR"],
  CANCELED: ["USER_CANCELED", "SUCCESS"],
  UPSTREAM_FAILED: ["SKIPPED", "CLIENT_ERROR"],
  UPSTREAM_CANCELED: ["SKIPPED", "CLIENT_ERROR"],
  EXCLUDED: ["SKIPPED", "SUCCESS"],
};

const TYPE_OF: Partial<Record<TerminationCodeCode, TerminationTypeType>> = {
  MAX_CONCURRENT_RUNS_EXCEEDED: "CLIENT_ERROR",
  SKIPPED: "SUCCESS",
  INTERNAL_ERROR: "INTERNAL_ERROR",
  USER_CANCELED: "SUCCESS",
};

/** The `status` matching a legacy `state`. */
export function runStatus(
  life: RunLifeCycleState,
  result: RunResultState | undefined,
  message: string,
  cause?: TerminationCause,
): RunStatus {
  const state = V2[life];
  if (life === "QUEUED") {
    return { state, queue_details: { code: "MAX_CONCURRENT_RUNS_REACHED", message } };
  }
  if (state !== "TERMINATED") return { state };
  const [byCode, byType] =
    life === "INTERNAL_ERROR"
      ? (["INTERNAL_ERROR", "INTERNAL_ERROR"] as const)
      : life === "SKIPPED"
        ? (["SKIPPED", "SUCCESS"] as const)
        : (BY_RESULT[result ?? "SUCCESS"] ?? (["SUCCESS", "SUCCESS"] as const));
  const code = cause ?? byCode;
  return { state, termination_details: { code, type: TYPE_OF[code] ?? byType, message } };
}

const ACTIVE: readonly RunLifeCycleState[] = ["PENDING", "QUEUED", "RUNNING", "TERMINATING", "BLOCKED"];

/** True while a run has not reached a final state. */
export function isActive(run: Run): boolean {
  return ACTIVE.includes(run.state?.life_cycle_state ?? "TERMINATED");
}
