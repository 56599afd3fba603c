/**
 * databricks-apim: a typed client for the Azure Databricks workspace REST API through Azure API Management.
 * This module only re-exports the public surface. Waiters for long-running operations (clusters, runs,
 * warehouses, SQL statements) are a separate entry, `databricks-apim/waiters`, so that apps which
 * never wait do not load them.
 * @packageDocumentation
 */

export type { CallOptions } from "./call.js";
export { createDatabricksClient, type DatabricksClient } from "./client.js";
export {
  type ApimOptions,
  AZURE_DATABRICKS_RESOURCE,
  AZURE_DATABRICKS_SCOPE,
  type CommonOptions,
  type DatabricksClientOptions,
  DEFAULTS,
  type DirectOptions,
  ENV,
  type FetchLike,
  type RetryEvent,
  type TokenCredential,
} from "./config.js";
export * from "./errors.js";
export type * from "./generated/schema.js";
export * from "./inner-pages.js";
export { DEFAULT_MAX_EMPTY_PAGES, type PagingLimits } from "./page-guard.js";
export {
  collect,
  type ItemOf,
  type Page,
  type PaginatedPath,
  type PaginateInit,
  pages,
  paginate,
} from "./paginate.js";
export { encodeQuery } from "./query.js";
export { type CallResult, toError, unwrap } from "./unwrap.js";
export { VERSION } from "./version.js";
