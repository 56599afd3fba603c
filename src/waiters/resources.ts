/**
 * Waiters for long-running operations: a cluster starting or stopping, a job run finishing, a SQL
 * warehouse starting or stopping. Target and failure states come from the spec
 * (`x-databricks-long-running`, generated into `longRunning`). Each waiter takes the client first and
 * `{ timeout, signal, onProgress }` last; see poll.ts for the loop.
 *
 * Unlike the official SDKs, `waitForRun` can treat a run that terminated without SUCCESS as a failure
 * (`requireSuccess`): they return such runs as if all went well, and the caller has to remember to look.
 */
import type { DatabricksClient } from "../client.js";
import { longRunning } from "../generated/operations.js";
import type { ClusterDetails, GetWarehouseResponse, Run } from "../generated/schema.js";
import { completeRunPages } from "../inner-pages.js";
import { unwrap } from "../unwrap.js";
import { failed, type PollSpec, poll, type WaitOptions } from "./poll.js";

/** Options of `waitForCluster`. */
export interface WaitForClusterOptions extends WaitOptions<ClusterDetails> {
  /** The state to wait for: RUNNING fails on ERROR or TERMINATED, TERMINATED fails on ERROR. @default "RUNNING" */
  until?: "RUNNING" | "TERMINATED";
}

/**
 * Polls `clusters/get` until the cluster is RUNNING (or TERMINATED); resolves with its details.
 * Throws `OperationFailedError` on a failure state, `WaitTimeoutError` after `timeout`.
 * @example
 * {@includeCode ../../docs/examples/waiters.ts#waitForCluster}
 */
export function waitForCluster(
  client: DatabricksClient,
  clusterId: string,
  options: WaitForClusterOptions = {},
): Promise<ClusterDetails> {
  const states =
    longRunning[options.until === "TERMINATED" ? "/api/2.1/clusters/delete" : "/api/2.1/clusters/start"];
  return poll<ClusterDetails>(
    {
      resource: "cluster",
      resourceId: clusterId,
      method: "GET",
      path: "/api/2.1/clusters/get",
      target: states.target,
      failure: states.failure,
      get: (signal) =>
        unwrap(client.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: clusterId } }, signal })),
      state: (cluster) => cluster.state,
      message: (cluster) => cluster.state_message || undefined,
      errorCode: (cluster) => cluster.termination_reason?.code,
      hint: "The cluster's event log (POST /api/2.1/clusters/events) has the details.",
    },
    options,
  );
}

/** Options of `waitForRun`. */
export interface WaitForRunOptions extends WaitOptions<Run> {
  /**
   * Throw `OperationFailedError` when the run terminates with a result state other than SUCCESS
   * (FAILED, TIMEDOUT, CANCELED …) or is SKIPPED. @default false (the run is returned, as the official SDKs do)
   */
  requireSuccess?: boolean;
}

/**
 * Polls `jobs/runs/get` until the run's life cycle is TERMINATED or SKIPPED; resolves with the whole
 * run, its further pages merged as `getWholeRun` merges them (a ForEach task run's iterations, never
 * its repeated task). Throws `OperationFailedError` on
 * INTERNAL_ERROR (or a non-SUCCESS result with `requireSuccess`), `WaitTimeoutError` after `timeout`.
 * @example
 * {@includeCode ../../docs/examples/waiters.ts#waitForRun}
 */
export async function waitForRun(
  client: DatabricksClient,
  runId: number,
  options: WaitForRunOptions = {},
): Promise<Run> {
  const states = longRunning["/api/2.2/jobs/run-now"];
  const spec: PollSpec<Run> = {
    resource: "run",
    resourceId: String(runId),
    method: "GET",
    path: "/api/2.2/jobs/runs/get",
    target: states.target,
    failure: states.failure,
    get: (signal) =>
      unwrap(client.GET("/api/2.2/jobs/runs/get", { params: { query: { run_id: runId } }, signal })),
    state: (run) => run.state?.life_cycle_state,
    message: (run) => run.state?.state_message || run.status?.termination_details?.message || undefined,
    errorCode: (run) => run.status?.termination_details?.code,
    hint: "The run page (run_page_url) and jobs/runs/get-output have the details.",
  };
  const run = await completeRunPages(client, runId, await poll(spec, options), { signal: options.signal });
  const result = run.state?.result_state;
  if (options.requireSuccess && result !== "SUCCESS") {
    throw failed({ ...spec, target: ["SUCCESS"] }, run, result ?? run.state?.life_cycle_state ?? "UNKNOWN");
  }
  return run;
}

/** Options of `waitForWarehouse`. */
export interface WaitForWarehouseOptions extends WaitOptions<GetWarehouseResponse> {
  /** The state to wait for: RUNNING fails on STOPPED or DELETED. @default "RUNNING" */
  until?: "RUNNING" | "STOPPED";
}

/**
 * Polls `sql/warehouses/{id}` until the warehouse is RUNNING (or STOPPED); resolves with its details.
 * Throws `OperationFailedError` on a failure state, `WaitTimeoutError` after `timeout`.
 * @example
 * {@includeCode ../../docs/examples/waiters.ts#waitForWarehouse}
 */
export function waitForWarehouse(
  client: DatabricksClient,
  warehouseId: string,
  options: WaitForWarehouseOptions = {},
): Promise<GetWarehouseResponse> {
  const states =
    longRunning[
      options.until === "STOPPED" ? "/api/2.0/sql/warehouses/{id}/stop" : "/api/2.0/sql/warehouses/{id}/start"
    ];
  return poll<GetWarehouseResponse>(
    {
      resource: "warehouse",
      resourceId: warehouseId,
      method: "GET",
      path: "/api/2.0/sql/warehouses/{id}",
      target: states.target,
      failure: states.failure,
      get: (signal) =>
        unwrap(client.GET("/api/2.0/sql/warehouses/{id}", { params: { path: { id: warehouseId } }, signal })),
      state: (warehouse) => warehouse.state,
      message: (warehouse) => warehouse.health?.summary || warehouse.health?.message || undefined,
      errorCode: (warehouse) => warehouse.health?.failure_reason?.code,
      hint: "The warehouse's monitoring page in the workspace has the details.",
    },
    options,
  );
}
