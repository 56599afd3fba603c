/**
 * Issue 12, item 3: the official SDKs' not-found remaps. Source: databricks-sdk-go v0.175.0
 * `apierr/error_overrides.go` (`allOverrides`, matched in `apierr/error_override.go`), the same table
 * as databricks-sdk-py `databricks/sdk/errors/overrides.py`: GET, path `^/api/2\.\d/<op>`, status
 * `^400$`, error code `INVALID_PARAMETER_VALUE`, and a per-operation message regex.
 */
import { describe, expect, it } from "vitest";
import { isNotFound } from "../src/errors.js";
import { errorFromResponse } from "../src/response-errors.js";

type Row = [method: string, path: string, status: number, code: string, message: string, name: string];

const RDNE = "ResourceDoesNotExist";
const IPV = "InvalidParameterValue";

describe("not-found overrides (databricks-sdk-go apierr/error_overrides.go)", () => {
  it.each<Row>([
    ["GET", "/api/2.1/clusters/get", 400, "INVALID_PARAMETER_VALUE", "Cluster 0101-abc does not exist", RDNE],
    ["GET", "/api/2.2/jobs/get", 400, "INVALID_PARAMETER_VALUE", "Job 5 does not exist.", RDNE],
    ["GET", "/api/2.2/jobs/runs/get", 400, "INVALID_PARAMETER_VALUE", "Run 5 does not exist.", RDNE],
    // The case the issue reports: the second alternative of Go's runs/get message regex.
    ["GET", "/api/2.2/jobs/runs/get", 400, "INVALID_PARAMETER_VALUE", "Run: 5 in job: 6 doesn't exist", RDNE],
    // Any 2.x version, as Go's `^/api/2\.\d/` path regex.
    ["GET", "/api/2.0/jobs/runs/get", 400, "INVALID_PARAMETER_VALUE", "Run 5 does not exist", RDNE],
    // Go's path regex is a prefix, so runs/get-output is covered too.
    ["GET", "/api/2.2/jobs/runs/get-output", 400, "INVALID_PARAMETER_VALUE", "Run 5 does not exist", RDNE],
    // Each operation has its own message: a job message on clusters/get is not remapped.
    ["GET", "/api/2.1/clusters/get", 400, "INVALID_PARAMETER_VALUE", "Job 5 does not exist", IPV],
    ["GET", "/api/2.2/jobs/get", 400, "INVALID_PARAMETER_VALUE", "Run: 5 in job: 6 doesn't exist", IPV],
    ["GET", "/api/2.1/clusters/get", 400, "INVALID_PARAMETER_VALUE", "cluster_id is malformed", IPV],
    // Case-sensitive, as Go's regexp.
    ["GET", "/api/2.1/clusters/get", 400, "INVALID_PARAMETER_VALUE", "cluster c does not exist", IPV],
    // Method, status and error code must match as well.
    ["POST", "/api/2.1/clusters/get", 400, "INVALID_PARAMETER_VALUE", "Cluster c does not exist", IPV],
    ["GET", "/api/2.1/clusters/get", 500, "INVALID_PARAMETER_VALUE", "Cluster c does not exist", IPV],
    ["GET", "/api/2.1/clusters/get", 400, "INVALID_STATE", "Cluster c does not exist", "InvalidState"],
    // Other operations keep their code.
    ["GET", "/api/2.0/instance-pools/get", 400, "INVALID_PARAMETER_VALUE", "Pool p does not exist", IPV],
    ["GET", "/api/3.0/clusters/get", 400, "INVALID_PARAMETER_VALUE", "Cluster c does not exist", IPV],
  ])("%s %s %i %s %j → %s", (method, path, status, code, message, name) => {
    const response = new Response(null, { status });
    const error = errorFromResponse(response, { error_code: code, message }, { method, path, secrets: [] });
    expect(error.name).toBe(name);
    expect(error.errorCode).toBe(name === RDNE ? "RESOURCE_DOES_NOT_EXIST" : code);
    expect(isNotFound(error)).toBe(name === RDNE);
    expect(error.message).toContain(message);
  });
});
