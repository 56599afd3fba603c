/**
 * `databricks-apim/testing`: an APIM gateway and a stateful Databricks workspace, emulated as msw
 * request handlers, for testing apps that use databricks-apim without Azure.
 *
 * ```ts
 * const mock = createDatabricksMock();
 * const server = setupServer(...mock.handlers);
 * ```
 *
 * Needs `msw` (an optional peer dependency of databricks-apim). Public surface: re-exports only.
 * @packageDocumentation
 */
export { type Clock, createTestClock, systemClock, TEST_CLOCK_START, type TestClock } from "./clock.js";
export type { GatewayControls, GatewayOutcome, GatewayRequest, Quota, RateLimit } from "./gateway.js";
export {
  createDatabricksHttp,
  type DatabricksHttp,
  type SpecMethod,
  type SpecPath,
  type SpecRequestBody,
  type SpecRequestInfo,
  type SpecResolver,
  type SpecResponse,
} from "./http.js";
export {
  createDatabricksMock,
  type DatabricksMock,
  type DatabricksMockOptions,
  TEST_APIM_URL,
  TEST_SUBSCRIPTION_KEY,
} from "./mock.js";
export {
  APIM_MESSAGES,
  type ApimErrorBody,
  apimError,
  apimRateLimited,
  type DatabricksErrorBody,
  databricksError,
} from "./responses.js";
export { type MockGatewayServer, type MockGatewayServerOptions, startMockGateway } from "./server.js";
export type { CatalogControls, TableData } from "./workspace/catalog.js";
export type { ClusterControls } from "./workspace/clusters.js";
export type { DbfsControls } from "./workspace/dbfs.js";
export type { WorkspaceFileControls } from "./workspace/files.js";
export type { WorkspaceControls } from "./workspace/index.js";
export type { JobControls } from "./workspace/jobs.js";
export { DEFAULT_TIMING, type Timing } from "./workspace/progress.js";
export type { RunOutcome } from "./workspace/runs.js";
export type { IdentityControls } from "./workspace/scim.js";
export type { SecretControls } from "./workspace/secrets.js";
export {
  defaultSeed,
  type SeedCatalog,
  type SeedDbfsEntry,
  type SeedJob,
  type SeedSchema,
  type SeedSecretScope,
  type SeedTable,
  type SeedWorkspaceObject,
  type SqlValue,
  type WorkspaceSeed,
} from "./workspace/seed.js";
export type { ColumnSpec, SqlOutcome } from "./workspace/sql-engine.js";
export type {
  ExecutedStatement,
  StatementControls,
  StatementOptions,
  StatementTiming,
} from "./workspace/statements.js";
export type { WarehouseControls } from "./workspace/warehouses.js";
