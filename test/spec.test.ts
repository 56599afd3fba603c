import { readFileSync } from "node:fs";
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

  // Deprecations as the official SDK models mark them (databricks-sdk-go v0.175 service/jobs,
  // compute and sql model.go: "Deprecated. Please use the `status` field instead." on Run.State,
  // RunTask.State; "Deprecated: use page_token in combination with page_size instead." on GetEvents;
  // "Deprecated. URI of the egg library …" on Library.Egg; "Deprecated since June 2023" on list offsets).
  it("marks the fields Databricks deprecates, so editors strike them through", () => {
    const deprecated = [
      "Run.state",
      "BaseRun.state",
      "RunTask.state",
      "RepairHistoryItem.state",
      "GetEvents.limit",
      "GetEvents.offset",
      "GetEventsResponse.next_page",
      "GetEventsResponse.total_count",
      "Library.egg",
      "SparkJarTask.jar_uri",
      "EndpointHealth.message",
    ];
    for (const name of deprecated) {
      const [schema = "", field = ""] = name.split(".");
      const property = schemas[schema]?.properties?.[field] as Schema & {
        deprecated?: boolean;
        description?: string;
      };
      expect({ name, deprecated: property?.deprecated }).toEqual({ name, deprecated: true });
      expect(property?.description).toMatch(/^Deprecated/);
    }
    for (const path of ["/api/2.2/jobs/list", "/api/2.2/jobs/runs/list"]) {
      const offset = doc.paths[path]?.get?.parameters?.find((p) => p.name === "offset");
      expect(offset).toMatchObject({ deprecated: true });
    }
    // The generated types carry it as JSDoc, which is what editors read.
    const schemaTs = readFileSync(new URL("../src/generated/schema.ts", import.meta.url), "utf8");
    expect(schemaTs).toMatch(
      /@deprecated\s*\n\s*\* @description Deprecated: read `status` instead[^\n]*\n\s*\*\/\n\s*state\?:/,
    );
  });

  // Constraints from the same models: ExecuteStatementRequest.WaitTimeout ("0 or … between 5 and 50"),
  // Disposition ("larger than 25 MiB … aborted"), ListCatalogsRequest.MaxResults rules,
  // ListJobsRequest.Limit (1–100, default 20), ListRunsRequest.Limit ("limit of 0 … maximum").
  it("states the limits users need in descriptions", () => {
    const statement = schemas.ExecuteStatementRequest?.properties as Record<string, { description?: string }>;
    expect(statement.wait_timeout?.description).toMatch(/`0s`.*5 to 50 seconds; default `10s`/);
    expect(statement.disposition?.description).toContain("25 MiB");
    const param = (path: string, name: string) =>
      (doc.paths[path]?.get?.parameters?.find((p) => p.name === name) as { description?: string })
        ?.description;
    expect(param("/api/2.1/unity-catalog/catalogs", "max_results")).toMatch(
      /0: pages of a size the server picks/,
    );
    expect(param("/api/2.2/jobs/list", "limit")).toContain("1 to 100");
    expect(param("/api/2.2/jobs/runs/list", "limit")).toContain("0 means the maximum");
    expect(param("/api/2.2/jobs/runs/get", "page_token")).toContain("iterations of a ForEach task run");
  });
});
