/**
 * databricks-apim/waiters: wait for long-running operations to settle (clusters, job runs, SQL
 * warehouses) and run SQL statements to completion. A separate entry from the client: apps that only
 * send requests never load it. Errors here extend the main entry's `DatabricksApimError`.
 * @packageDocumentation
 */
export {
  isOperationFailedError,
  isWaitTimeoutError,
  OperationFailedError,
  type WaitedResource,
  WaitTimeoutError,
} from "./errors.js";
export { WAIT_DEFAULTS, type WaitOptions, type WaitProgress } from "./poll.js";
export {
  type WaitForClusterOptions,
  type WaitForRunOptions,
  type WaitForWarehouseOptions,
  waitForCluster,
  waitForRun,
  waitForWarehouse,
} from "./resources.js";
export {
  type ExecuteStatementOptions,
  executeStatement,
  type StatementResult,
  type StatementRow,
} from "./statements.js";
