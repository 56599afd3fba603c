/**
 * The Databricks errors the emulated workspace raises, with the status codes and `error_code`s the real
 * service uses. Three "get" endpoints report a missing resource as 400 INVALID_PARAMETER_VALUE instead of
 * 404; which ones is a fact of the spec (`x-databricks-missing-as`, generated into `missingResourceQuirks`),
 * so {@link notFound} reads it from there rather than from a second hand-kept list.
 */
import { missingResourceQuirks } from "../../generated/operations.js";
import { WorkspaceError } from "../http.js";
import { databricksError } from "../responses.js";

/** 400 INVALID_PARAMETER_VALUE. */
export function invalidParameter(message: string): WorkspaceError {
  return new WorkspaceError(400, "INVALID_PARAMETER_VALUE", message);
}

/** 400 INVALID_STATE: the resource exists but is in the wrong state for the call. */
export function invalidState(message: string): WorkspaceError {
  return new WorkspaceError(400, "INVALID_STATE", message);
}

/** 400 RESOURCE_ALREADY_EXISTS. */
export function alreadyExists(message: string): WorkspaceError {
  return new WorkspaceError(400, "RESOURCE_ALREADY_EXISTS", message);
}

/** 404 for a missing resource, with `errorCode` (default RESOURCE_DOES_NOT_EXIST). */
export function notFound(message: string, errorCode = "RESOURCE_DOES_NOT_EXIST"): WorkspaceError {
  return new WorkspaceError(404, errorCode, message);
}

/**
 * A missing resource, answered the way `route` ("GET /api/2.1/clusters/get") answers it: the spec's
 * `x-databricks-missing-as` quirk when it has one, else a plain 404.
 */
export function missingPerSpec(route: string, message: string): WorkspaceError {
  const quirk = missingResourceQuirks[route];
  return quirk ? new WorkspaceError(quirk.status, quirk.errorCode, message) : notFound(message);
}

/** A required query parameter, or 400 the way Databricks words it. */
export function requiredParam(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value === "") throw invalidParameter(`Missing required field: ${name}`);
  return value;
}

/** A required body field, or 400 the way Databricks words it. */
export function requiredField<T>(value: T | undefined | null, name: string): T {
  if (value === undefined || value === null || value === "")
    throw invalidParameter(`Missing required field: ${name}`);
  return value;
}

/** An optional integer query parameter; 400 when it is not a number. */
export function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value))
    throw invalidParameter(`Invalid value for ${name}: '${raw}' is not an integer`);
  return value;
}

/** A path parameter; msw only calls a handler whose pattern matched, so it is always there. */
export function pathParam(params: Readonly<Record<string, string>>, name: string): string {
  return decodeURIComponent(params[name] ?? "");
}

/** A test called a control wrongly (unknown id, …): a plain error, never an HTTP answer. */
export function controlError(what: string, why: string): Error {
  return new Error(`[databricks-apim/testing] Failed to ${what}: ${why}`);
}

/**
 * The cluster manager's 400 for a caller mistake, with the `details[]` it attaches: one
 * `google.rpc.ErrorInfo` whose reason is CM_API_ERROR_SOURCE_CALLER_ERROR. Wire body as logged in
 * databricks/terraform-provider-databricks#2521 for "Missing required field 'node_type_id'".
 */
export function clusterCallerError(message: string): Response {
  return databricksError(400, "INVALID_PARAMETER_VALUE", message, [
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      domain: "",
      reason: "CM_API_ERROR_SOURCE_CALLER_ERROR",
    },
  ]);
}
