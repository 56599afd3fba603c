/**
 * Requests Databricks refuses, refused the same way by the emulator, and list shapes it honours.
 */
import { describe, expect, it } from "vitest";
import { collect, InvalidParameterValue, unwrap } from "../../src/index.js";
import { waitForCluster } from "../../src/waiters/index.js";
import { NO_PAUSE, useDatabricksMock } from "./setup.js";

const { client } = useDatabricksMock();

const ERROR_INFO = {
  "@type": "type.googleapis.com/google.rpc.ErrorInfo",
  domain: "",
  reason: "CM_API_ERROR_SOURCE_CALLER_ERROR",
};

describe("clusters/create needs a node type", () => {
  // Wire body logged in databricks/terraform-provider-databricks#2521 (POST clusters/create without a
  // node type): 400 INVALID_PARAMETER_VALUE "Missing required field 'node_type_id'" with an ErrorInfo.
  it("refuses a cluster with neither node_type_id, instance_pool_id nor policy_id, with details[]", async () => {
    const { response, error } = await client.POST("/api/2.1/clusters/create", {
      body: { spark_version: "15.4.x-scala2.12", num_workers: 1 },
    });
    expect(response.status).toBe(400);
    expect(error).toEqual({
      error_code: "INVALID_PARAMETER_VALUE",
      message: "Missing required field 'node_type_id'",
      details: [ERROR_INFO],
    });
    const thrown = await unwrap(
      client.POST("/api/2.1/clusters/create", { body: { spark_version: "15.4.x-scala2.12" } }),
    ).catch((e) => e);
    expect(thrown).toBeInstanceOf(InvalidParameterValue);
    expect(thrown.details).toEqual([ERROR_INFO]);
  });

  // Nike-Inc/brickflow#43 quotes Databricks: "The field 'node_type_id' cannot be supplied when an
  // instance pool ID is provided."
  it("refuses node_type_id together with instance_pool_id, and accepts a pool or a policy alone", async () => {
    const both = await client.POST("/api/2.1/clusters/create", {
      body: {
        spark_version: "15.4.x-scala2.12",
        node_type_id: "Standard_DS3_v2",
        instance_pool_id: "pool-1",
      },
    });
    expect(both.error?.message).toBe(
      "The field 'node_type_id' cannot be supplied when an instance pool ID is provided.",
    );
    for (const extra of [{ instance_pool_id: "pool-1" }, { policy_id: "policy-1" }]) {
      const created = await unwrap(
        client.POST("/api/2.1/clusters/create", { body: { spark_version: "15.4.x-scala2.12", ...extra } }),
      );
      expect(created.cluster_id).toBeTruthy();
    }
  });
});

describe("secrets/put limits", () => {
  // secrets/put reference (databricks-sdk-go service/workspace/api.go `PutSecret` doc): "The maximum
  // allowed secret value size is 128 KB" and "Throws INVALID_PARAMETER_VALUE if the key name or value
  // length is invalid."
  it("refuses a value over 128 KB (string or bytes) and accepts one of exactly 128 KB", async () => {
    await unwrap(client.POST("/api/2.0/secrets/scopes/create", { body: { scope: "big" } }));
    const put = (body: { string_value?: string; bytes_value?: string }) =>
      client.POST("/api/2.0/secrets/put", { body: { scope: "big", key: "k", ...body } });
    expect((await put({ string_value: "x".repeat(128 * 1024) })).error).toBeUndefined();
    const tooLong = await put({ string_value: "x".repeat(128 * 1024 + 1) });
    expect(tooLong.response.status).toBe(400);
    expect(tooLong.error).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE" });
    expect(tooLong.error?.message).toContain("131073 bytes");
    const bytes = btoa("b".repeat(128 * 1024 + 1));
    expect((await put({ bytes_value: bytes })).error).toMatchObject({
      error_code: "INVALID_PARAMETER_VALUE",
    });
  });
});

describe("clusters/events paging", () => {
  // databricks-sdk-go service/compute/model.go `GetEvents`: `page_token` / `page_size` replace the
  // deprecated `offset` / `limit` ("Use next_page_token or prev_page_token returned from the previous
  // request to list the next or previous page of events respectively").
  it("pages by page_token and page_size, with next_page_token and prev_page_token", async () => {
    const { cluster_id = "" } = await unwrap(
      client.POST("/api/2.1/clusters/create", {
        body: { spark_version: "15.4.x-scala2.12", node_type_id: "Standard_DS3_v2" },
      }),
    );
    await waitForCluster(client, cluster_id, { interval: NO_PAUSE });
    const all = await collect(client, "/api/2.1/clusters/events", { body: { cluster_id } });
    expect(all.length).toBeGreaterThan(1);
    const events = (body: { page_size?: number; page_token?: string }) =>
      unwrap(client.POST("/api/2.1/clusters/events", { body: { cluster_id, ...body } }));
    const first = await events({ page_size: 1 });
    expect(first.events).toEqual([all[0]]);
    expect(first.next_page).toBeUndefined();
    expect(first.prev_page_token).toBeUndefined();
    const second = await events({ page_size: 1, page_token: first.next_page_token ?? "" });
    expect(second.events).toEqual([all[1]]);
    expect(second.prev_page_token).toBeTruthy();
    const rest = await events({ page_size: 500, page_token: first.next_page_token ?? "" });
    expect(rest.events).toEqual(all.slice(1));
    expect(rest.next_page_token).toBeUndefined();
  });
});

describe("documented request size limits", () => {
  // SDK models (databricks-sdk-go service/workspace/model.go `Import.Content`): "The base64-encoded
  // content. This has a limit of 10 MB. If the limit (10MB) is exceeded, exception with error code
  // MAX_NOTEBOOK_SIZE_EXCEEDED is thrown." service/sql/model.go `ExecuteStatementRequest.Statement`:
  // "The maximum query text size is 16 MiB."
  it("refuses workspace/import content over 10 MB and statements over 16 MiB", async () => {
    const content = "A".repeat(10 * 1024 * 1024 + 4);
    const imported = await client.POST("/api/2.0/workspace/import", {
      body: { path: "/Shared/big.py", content, format: "AUTO" },
    });
    expect(imported.response.status).toBe(400);
    expect(imported.error).toMatchObject({ error_code: "MAX_NOTEBOOK_SIZE_EXCEEDED" });
    const statement = `SELECT '${"x".repeat(16 * 1024 * 1024)}'`;
    const executed = await client.POST("/api/2.0/sql/statements", {
      body: { warehouse_id: "5c4f3e2d1a0b9c8d", statement },
    });
    expect(executed.error).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE" });
    expect(executed.error?.message).toContain("16 MiB");
  });
});
