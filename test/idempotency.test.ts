import { describe, expect, it } from "vitest";
import { isIdempotent } from "../src/idempotency.js";

const body = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;

describe("isIdempotent", () => {
  it.each([
    ["GET", "/api/2.1/clusters/get", null, true],
    ["HEAD", "/api/2.1/clusters/get", null, true],
    ["POST", "/api/2.1/clusters/create", body({}), false],
    ["POST", "/api/2.1/clusters/start", body({ cluster_id: "c" }), false],
    ["POST", "/api/2.1/clusters/events", body({ cluster_id: "c" }), true],
    ["POST", "/api/2.1/clusters/delete", body({ cluster_id: "c" }), true],
    ["POST", "/api/2.0/sql/warehouses/wh-1/start", body({}), true],
    ["POST", "/api/2.0/sql/warehouses/wh%201/stop", body({}), true],
    ["POST", "/api/2.0/sql/warehouses/a/b/start", body({}), false],
    ["POST", "/api/2.0/sql/statements/01ef-abc/cancel", body({}), true],
    ["POST", "/api/2.0/sql/statements", body({ statement: "SELECT 1" }), false],
    ["POST", "/api/2.2/jobs/run-now", body({ job_id: 1, idempotency_token: "t-1" }), true],
    ["POST", "/api/2.2/jobs/run-now", body({ job_id: 1 }), false],
    ["POST", "/api/2.2/jobs/run-now", body({ job_id: 1, idempotency_token: "" }), false],
    ["POST", "/api/2.2/jobs/run-now", null, false],
    ["POST", "/api/2.2/jobs/runs/submit", body({ idempotency_token: "t-2" }), true],
    // A body handed over as text is read the same way.
    ["POST", "/api/2.2/jobs/run-now", JSON.stringify({ job_id: 1, idempotency_token: "t-1" }), true],
    ["POST", "/api/2.2/jobs/run-now", body({ job_id: 1, idempotency_token: null }), false],
    ["POST", "/api/2.2/jobs/run-now", "null", false],
    ["POST", "/api/2.2/jobs/run-now", "7", false],
    // An operation without a token field is never made safe by its body, whatever the body's keys.
    ["POST", "/api/2.1/clusters/create", body({ undefined: "x", idempotency_token: "t" }), false],
    ["POST", "/api/2.2/jobs/runs/submit", new TextEncoder().encode("not json").buffer as ArrayBuffer, false],
    ["POST", "/api/2.2/jobs/create", body({ idempotency_token: "t-3" }), false],
    ["PATCH", "/api/2.1/unity-catalog/catalogs/main", body({}), false],
    ["DELETE", "/api/2.1/unity-catalog/catalogs/main", null, false],
    ["PUT", "/api/2.0/permissions/x", body({}), false],
    // Only POST reads the spec's safe-POST list: another method on such a path is left to the caller.
    ["PUT", "/api/2.1/clusters/delete", body({ cluster_id: "c" }), false],
    ["PATCH", "/api/2.0/sql/warehouses/wh-1/start", body({}), false],
  ])("%s %s → %s", (method, path, requestBody, expected) => {
    expect(isIdempotent(method, path, requestBody)).toBe(expected);
  });
});
