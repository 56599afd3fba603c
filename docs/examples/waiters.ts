/** Examples for the waiters in the API reference (see client.ts for how examples are checked). */
import { type DatabricksClient, unwrap } from "databricks-apim";
import {
  executeStatement,
  type StatementRow,
  waitForCluster,
  waitForRun,
  waitForWarehouse,
} from "databricks-apim/waiters";

/** Creates a cluster and waits until it runs. */
export async function createCluster(client: DatabricksClient): Promise<string | undefined> {
  // #region waitForCluster
  const { cluster_id } = await unwrap(
    client.POST("/api/2.1/clusters/create", {
      body: {
        cluster_name: "etl",
        spark_version: "15.4.x-scala2.12",
        node_type_id: "Standard_DS3_v2",
        num_workers: 1,
      },
    }),
  );
  const cluster = await waitForCluster(client, cluster_id!, { timeout: 30 * 60_000 });
  // cluster.state === "RUNNING"; ERROR or TERMINATED would have thrown OperationFailedError.
  // #endregion waitForCluster
  return cluster.state;
}

/** Runs a job and waits for its outcome. */
export async function runJob(client: DatabricksClient, jobId: number): Promise<string | undefined> {
  // #region waitForRun
  const { run_id } = await unwrap(
    // The token makes the POST safe to retry: a repeat does not start a second run.
    client.POST("/api/2.2/jobs/run-now", { body: { job_id: jobId, idempotency_token: crypto.randomUUID() } }),
  );
  const run = await waitForRun(client, run_id!, { requireSuccess: true });
  // #endregion waitForRun
  return run.state?.result_state;
}

/** Starts a SQL warehouse and waits until it runs. */
export async function startWarehouse(client: DatabricksClient, id: string): Promise<string | undefined> {
  // #region waitForWarehouse
  await unwrap(client.POST("/api/2.0/sql/warehouses/{id}/start", { params: { path: { id } } }));
  const warehouse = await waitForWarehouse(client, id, {
    onProgress: (current, { attempt }) => console.debug(`poll ${attempt}: ${current.state}`),
  });
  // #endregion waitForWarehouse
  return warehouse.state;
}

/** Reads a few rows through a SQL warehouse. */
export async function firstTrips(client: DatabricksClient, warehouseId: string): Promise<StatementRow[]> {
  // #region executeStatement
  const result = await executeStatement(client, {
    warehouse_id: warehouseId,
    statement: "SELECT * FROM samples.nyctaxi.trips LIMIT 3",
  });
  const rows: StatementRow[] = [];
  for await (const row of result) rows.push(row); // every chunk, as objects keyed by column
  // #endregion executeStatement
  return rows;
}
