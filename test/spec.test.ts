import { describe, expect, it } from "vitest";
import { checkApimRules, findSchemaCycles, normalizeOperationName } from "../scripts/lib/apim-rules.js";
import { listOperations, loadSpec } from "../scripts/lib/spec.js";

const { doc } = loadSpec();
const ops = listOperations(doc);
const signatures = new Set(ops.map(({ method, path }) => `${method} ${path}`));

/** The operations the product promises (method + path as the official SDKs call them). */
const REQUIRED = `
GET /api/2.1/clusters/list|GET /api/2.1/clusters/get|POST /api/2.1/clusters/create|POST /api/2.1/clusters/edit
POST /api/2.1/clusters/start|POST /api/2.1/clusters/restart|POST /api/2.1/clusters/delete|POST /api/2.1/clusters/permanent-delete
POST /api/2.1/clusters/resize|POST /api/2.1/clusters/events|GET /api/2.1/clusters/spark-versions|GET /api/2.1/clusters/list-node-types
POST /api/2.1/clusters/pin|POST /api/2.1/clusters/unpin|GET /api/2.1/clusters/list-zones
GET /api/2.0/policies/clusters/list|GET /api/2.0/policies/clusters/get|GET /api/2.0/instance-pools/list|GET /api/2.0/instance-pools/get
GET /api/2.0/libraries/cluster-status|GET /api/2.0/libraries/all-cluster-statuses|POST /api/2.0/libraries/install|POST /api/2.0/libraries/uninstall
GET /api/2.2/jobs/list|GET /api/2.2/jobs/get|POST /api/2.2/jobs/create|POST /api/2.2/jobs/reset|POST /api/2.2/jobs/update
POST /api/2.2/jobs/delete|POST /api/2.2/jobs/run-now|POST /api/2.2/jobs/runs/submit|GET /api/2.2/jobs/runs/list|GET /api/2.2/jobs/runs/get
GET /api/2.2/jobs/runs/get-output|POST /api/2.2/jobs/runs/cancel|POST /api/2.2/jobs/runs/cancel-all|POST /api/2.2/jobs/runs/repair
POST /api/2.2/jobs/runs/delete|GET /api/2.2/jobs/runs/export
POST /api/2.0/sql/statements|GET /api/2.0/sql/statements/{statement_id}|POST /api/2.0/sql/statements/{statement_id}/cancel
GET /api/2.0/sql/statements/{statement_id}/result/chunks/{chunk_index}
GET /api/2.0/sql/warehouses|GET /api/2.0/sql/warehouses/{id}|POST /api/2.0/sql/warehouses/{id}/start|POST /api/2.0/sql/warehouses/{id}/stop
GET /api/2.0/workspace/list|GET /api/2.0/workspace/get-status|GET /api/2.0/workspace/export|POST /api/2.0/workspace/import
POST /api/2.0/workspace/mkdirs|POST /api/2.0/workspace/delete
GET /api/2.0/dbfs/list|GET /api/2.0/dbfs/get-status|GET /api/2.0/dbfs/read|POST /api/2.0/dbfs/mkdirs|POST /api/2.0/dbfs/delete|POST /api/2.0/dbfs/put
GET /api/2.0/secrets/scopes/list|GET /api/2.0/secrets/list|POST /api/2.0/secrets/scopes/create|POST /api/2.0/secrets/scopes/delete
POST /api/2.0/secrets/put|POST /api/2.0/secrets/delete|GET /api/2.0/secrets/acls/list
GET /api/2.1/unity-catalog/catalogs|GET /api/2.1/unity-catalog/catalogs/{name}|GET /api/2.1/unity-catalog/schemas
GET /api/2.1/unity-catalog/schemas/{full_name}|GET /api/2.1/unity-catalog/tables|GET /api/2.1/unity-catalog/tables/{full_name}
GET /api/2.1/unity-catalog/volumes
GET /api/2.0/preview/scim/v2/Me|GET /api/2.0/preview/scim/v2/Users|GET /api/2.0/preview/scim/v2/Groups|GET /api/2.0/preview/scim/v2/ServicePrincipals
`
  .split(/[|\n]/)
  .map((line) => line.trim())
  .filter(Boolean);

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  enum?: string[];
  $ref?: string;
  format?: string;
};
const schemas = doc.components?.schemas as Record<string, Schema>;

describe("curated spec", () => {
  it("is OpenAPI 3.0.3 with a gateway server template", () => {
    expect(doc.openapi).toBe("3.0.3");
    expect(doc.servers?.[0]?.url).toBe("https://{apim}.azure-api.net/{apiSuffix}");
  });

  it.each(REQUIRED)("has %s", (signature) => {
    expect(signatures.has(signature)).toBe(true);
  });

  it("passes every APIM import rule (only the known recursive schema is a warning)", () => {
    const findings = checkApimRules(doc);
    expect(findings.filter((f) => f.level === "error")).toEqual([]);
    expect(findSchemaCycles(doc)).toEqual([["ForEachTask", "Task"]]);
  });

  it("gives every operation a short, unique operationId, a summary and a tag", () => {
    const names = ops.map(({ op }) => normalizeOperationName(op.operationId ?? ""));
    expect(new Set(names).size).toBe(ops.length);
    for (const { op } of ops) {
      expect(op.operationId?.length).toBeLessThanOrEqual(40);
      expect(op.summary).toBeTruthy();
      expect(op.tags?.length).toBe(1);
    }
  });

  it("describes both error shapes", () => {
    expect(Object.keys(schemas.DatabricksErrorBody?.properties ?? {})).toEqual([
      "error_code",
      "message",
      "details",
    ]);
    expect(Object.keys(schemas.ApimGatewayErrorBody?.properties ?? {})).toEqual([
      "statusCode",
      "message",
      "activityId",
    ]);
  });

  it("keeps exact wire names, types and enums for key models", () => {
    const cluster = schemas.ClusterDetails?.properties ?? {};
    expect(cluster.cluster_id?.type).toBe("string");
    expect(cluster.cluster_memory_mb).toMatchObject({ type: "integer", format: "int64" });
    expect(cluster.state?.$ref).toBe("#/components/schemas/ComputeState");
    expect(schemas.ComputeState?.enum).toEqual([
      "ERROR",
      "PENDING",
      "RESIZING",
      "RESTARTING",
      "RUNNING",
      "TERMINATED",
      "TERMINATING",
      "UNKNOWN",
    ]);
    expect(schemas.RunLifeCycleState?.enum).toContain("INTERNAL_ERROR");
    expect(Object.keys(schemas.ListUsersResponse?.properties ?? {})).toContain("Resources");
    expect(schemas.ReadResponse?.properties?.data).toMatchObject({ type: "string", format: "byte" });
  });

  it("uses no parameter style/explode and no cookie parameters", () => {
    for (const { op } of ops) {
      for (const param of op.parameters ?? []) {
        expect(param.in).not.toBe("cookie");
        expect(param).not.toHaveProperty("style");
        expect(param).not.toHaveProperty("explode");
      }
    }
  });
});
