import { describe, expect, it } from "vitest";
import { InvalidParameterValue, NotFound, unwrap } from "../../src/index.js";
import { createDatabricksMock, defaultSeed } from "../../src/testing/index.js";
import { executeStatement, isOperationFailedError, waitForWarehouse } from "../../src/waiters/index.js";
import { NO_PAUSE, useDatabricksMock } from "./setup.js";

const WAREHOUSE = defaultSeed.warehouses[0]?.id ?? "";
const { mock, server, client } = useDatabricksMock({ sql: { rowsPerChunk: 2 } });

describe("statement execution", () => {
  // Statement Execution API (databricks-sdk-go service/sql/model.go `ExecuteStatementRequest.WaitTimeout`):
  // "If the statement execution finishes within this time, the call returns immediately with a
  // manifest and result data (or a FAILED state in case of an execution error)."
  it("answers a statement that finishes within wait_timeout in the POST itself, rows in chunks", async () => {
    const states: string[] = [];
    const result = await executeStatement(
      client,
      {
        warehouse_id: WAREHOUSE,
        statement: "SELECT trip_distance, fare_amount FROM samples.nyctaxi.trips LIMIT 5",
      },
      { interval: NO_PAUSE, onProgress: (s) => states.push(s.status?.state ?? "?") },
    );
    expect(states).toEqual(["SUCCEEDED"]);
    expect(result.columns).toEqual(["trip_distance", "fare_amount"]);
    expect(result.manifest).toMatchObject({ total_row_count: 5, total_chunk_count: 3, truncated: false });
    const rows = await result.toArray();
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual({ trip_distance: "1.4", fare_amount: "8" });
  });

  // Same source: "When set to 0s, the statement will execute in asynchronous mode and the call will not
  // wait for the execution to finish. In this case, the call returns directly with PENDING state".
  it("answers wait_timeout 0s at once with PENDING; a short statement is not canceled by CANCEL", async () => {
    const post = (body: Record<string, unknown>) =>
      unwrap(
        client.POST("/api/2.0/sql/statements", {
          body: { warehouse_id: WAREHOUSE, statement: "SELECT 1 AS one", ...body },
        }),
      );
    const async = await post({ wait_timeout: "0s", on_wait_timeout: "CANCEL" });
    expect(async.status?.state).toBe("PENDING");
    expect(async.result).toBeUndefined();
    const quick = await post({ wait_timeout: "5s", on_wait_timeout: "CANCEL" });
    expect(quick.status?.state).toBe("SUCCEEDED");
    expect(quick.result?.data_array).toEqual([["1"]]);
  });

  it("runs a statement registered as slow (polls) past the wait; CANCEL cancels it at the wait", async () => {
    mock.workspace.sql.onStatement("SELECT 2", { columns: ["n"], rows: [[2]] }, { polls: 2 });
    const states: string[] = [];
    const result = await executeStatement(
      client,
      { warehouse_id: WAREHOUSE, statement: "SELECT 2" },
      { interval: NO_PAUSE, onProgress: (s) => states.push(s.status?.state ?? "?") },
    );
    expect(states).toEqual(["RUNNING", "RUNNING", "RUNNING", "SUCCEEDED"]);
    expect(await result.toArray()).toEqual([{ n: "2" }]);
    const canceled = await unwrap(
      client.POST("/api/2.0/sql/statements", {
        body: { warehouse_id: WAREHOUSE, statement: "SELECT 2", on_wait_timeout: "CANCEL" },
      }),
    );
    expect(canceled.status?.state).toBe("CANCELED");
  });

  it("finishes a statement registered with durationMs inside the wait when it fits, else by the clock", async () => {
    mock.workspace.sql.onStatement("SELECT 3", { columns: ["n"], rows: [[3]] }, { durationMs: 20_000 });
    const execute = (wait_timeout: string) =>
      unwrap(
        client.POST("/api/2.0/sql/statements", {
          body: { warehouse_id: WAREHOUSE, statement: "SELECT 3", wait_timeout },
        }),
      );
    expect((await execute("30s")).status?.state).toBe("SUCCEEDED");
    const slow = await execute("10s");
    expect(slow.status?.state).toBe("RUNNING");
    const get = () =>
      unwrap(
        client.GET("/api/2.0/sql/statements/{statement_id}", {
          params: { path: { statement_id: slow.statement_id ?? "" } },
        }),
      );
    expect((await get()).status?.state).toBe("RUNNING");
    mock.clock.advance(20_000);
    expect((await get()).result?.data_array).toEqual([["3"]]);
  });

  // Enum values from the SDK models (`ExecuteStatementRequestOnWaitTimeout`, `Disposition`, `Format`).
  it.each([
    [{ on_wait_timeout: "WAIT" }, /on_wait_timeout 'WAIT'/],
    [{ disposition: "ATTACHED" }, /disposition 'ATTACHED'/],
    [{ format: "PARQUET" }, /format 'PARQUET'/],
    [{ wait_timeout: "60s" }, /between 5s and 50s/],
    [{ format: "CSV" }, /only supports JSON_ARRAY/],
  ])("refuses %j with 400 INVALID_PARAMETER_VALUE", async (extra, message) => {
    const error = await unwrap(
      client.POST("/api/2.0/sql/statements", {
        body: { warehouse_id: WAREHOUSE, statement: "SELECT 1", ...extra } as never,
      }),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidParameterValue);
    expect(error.message).toMatch(message);
  });

  // `byte_limit`: "If the result was truncated due to the byte limit, then truncated in the response
  // is set to true" (Statement Execution API reference; SDK models' ExecuteStatementRequest.ByteLimit).
  it("truncates at byte_limit and sets truncated", async () => {
    const rowBytes = JSON.stringify(["0"]).length;
    const { manifest, result } = await unwrap(
      client.POST("/api/2.0/sql/statements", {
        body: { warehouse_id: WAREHOUSE, statement: "SELECT id FROM range(10)", byte_limit: 3 * rowBytes },
      }),
    );
    expect(manifest).toMatchObject({ total_row_count: 3, truncated: true });
    expect(manifest).not.toHaveProperty("total_byte_count"); // "not available when using INLINE disposition"
    expect(result?.data_array).toEqual([["0"], ["1"]]);
  });

  // Parameter markers: `StatementParameterListItem` (name, value, type default STRING, missing value = NULL).
  it("binds :name parameter markers from parameters, and fails an unbound marker", async () => {
    const result = await executeStatement(
      client,
      {
        warehouse_id: WAREHOUSE,
        statement: "SELECT :n AS n, :s AS s, ':n' AS quoted, :nothing AS missing",
        parameters: [
          { name: "n", value: "42", type: "INT" },
          { name: "s", value: "it's" },
          { name: "nothing" },
        ],
      },
      { interval: NO_PAUSE },
    );
    expect(await result.toArray()).toEqual([{ n: "42", s: "it's", quoted: ":n", missing: null }]);
    const error = await executeStatement(
      client,
      { warehouse_id: WAREHOUSE, statement: "SELECT :who" },
      { interval: NO_PAUSE },
    ).catch((e) => e);
    expect(error.message).toContain("[UNBOUND_SQL_PARAMETER] Found the unbound parameter: who");
  });

  it("fails bad SQL the way Databricks does, with the SQL state", async () => {
    const error = await executeStatement(
      client,
      { warehouse_id: WAREHOUSE, statement: "SELEC 1" },
      { interval: NO_PAUSE },
    ).catch((e) => e);
    expect(isOperationFailedError(error)).toBe(true);
    expect(error).toMatchObject({ state: "FAILED", errorCode: "BAD_REQUEST" });
    expect(error.message).toContain("[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'");
    const { data } = await client.GET("/api/2.0/sql/statements/{statement_id}", {
      params: { path: { statement_id: error.resourceId } },
    });
    expect(data?.status).toMatchObject({ state: "FAILED", sql_state: "42601" });
  });

  it.each([
    [
      "SELECT 1 AS one, 'a' AS letter, true, NULL",
      ["one", "letter", "true", "NULL"],
      [["1", "a", "true", null]],
    ],
    ["SELECT id FROM range(3)", ["id"], [["0"], ["1"], ["2"]]],
    ["SHOW CATALOGS", ["catalog"], [["samples"], ["main"]]],
    [
      "SHOW TABLES IN samples.nyctaxi",
      ["database", "tableName", "isTemporary"],
      [["nyctaxi", "trips", "false"]],
    ],
  ])("evaluates %s", async (statement, columns, expected) => {
    const result = await executeStatement(
      client,
      { warehouse_id: WAREHOUSE, statement },
      { interval: NO_PAUSE },
    );
    expect(result.columns).toEqual(columns);
    const rows: (string | null)[][] = [];
    for await (const row of result.arrays()) rows.push(row);
    expect(rows).toEqual(expected);
  });

  it("names a missing table the way Databricks does", async () => {
    const error = await executeStatement(
      client,
      { warehouse_id: WAREHOUSE, statement: "SELECT * FROM main.default.nope" },
      { interval: NO_PAUSE },
    ).catch((e) => e);
    expect(error.message).toContain("[TABLE_OR_VIEW_NOT_FOUND]");
  });

  it("returns what a test registered, and records what the app executed", async () => {
    mock.workspace.sql.onStatement(/FROM sales\.orders/i, {
      columns: [
        { name: "region", type: "STRING" },
        { name: "total", type: "DOUBLE" },
      ],
      rows: [
        ["EMEA", 1200.5],
        ["APAC", 980],
      ],
    });
    mock.workspace.sql.onStatement("select 1", { error: { message: "[INSUFFICIENT_PERMISSIONS] nope" } });
    const sql = "SELECT region, sum(amount) AS total FROM sales.orders GROUP BY region";
    const result = await executeStatement(
      client,
      { warehouse_id: WAREHOUSE, statement: sql },
      { interval: NO_PAUSE },
    );
    expect(await result.toArray()).toEqual([
      { region: "EMEA", total: "1200.5" },
      { region: "APAC", total: "980" },
    ]);
    await expect(
      executeStatement(client, { warehouse_id: WAREHOUSE, statement: "SELECT 1;" }, { interval: NO_PAUSE }),
    ).rejects.toThrow("INSUFFICIENT_PERMISSIONS");
    expect(mock.workspace.sql.statements().map((s) => [s.statement, s.state])).toEqual([
      [sql, "SUCCEEDED"],
      ["SELECT 1;", "FAILED"],
    ]);
  });

  it("truncates at row_limit and reports it in the manifest", async () => {
    const result = await executeStatement(
      client,
      { warehouse_id: WAREHOUSE, statement: "SELECT * FROM range(10)", row_limit: 3 },
      { interval: NO_PAUSE },
    );
    expect(result.manifest).toMatchObject({ total_row_count: 3, truncated: true });
  });

  it("makes every statement slow with completeWithinWait: false", async () => {
    // A second mock on the same origin, put in front the msw way; resetHandlers() removes it.
    const slow = createDatabricksMock({ sql: { completeWithinWait: false } });
    server.use(...slow.handlers);
    const states: string[] = [];
    await executeStatement(
      client,
      { warehouse_id: WAREHOUSE, statement: "SELECT 1" },
      { interval: NO_PAUSE, onProgress: (s) => states.push(s.status?.state ?? "?") },
    );
    expect(states).toEqual(["PENDING", "PENDING", "RUNNING", "SUCCEEDED"]);
    expect(slow.workspace.sql.statements()).toHaveLength(1);
    expect(mock.workspace.sql.statements()).toHaveLength(0);
  });
});

describe("warehouses", () => {
  it("starts a stopped warehouse through STARTING, and stops it again", async () => {
    mock.workspace.sql.setWarehouseState(WAREHOUSE, "STOPPED");
    await unwrap(client.POST("/api/2.0/sql/warehouses/{id}/start", { params: { path: { id: WAREHOUSE } } }));
    const seen: string[] = [];
    await waitForWarehouse(client, WAREHOUSE, {
      interval: NO_PAUSE,
      onProgress: (w) => seen.push(w.state ?? "?"),
    });
    expect(seen).toEqual(["STARTING", "RUNNING"]);
    await unwrap(client.POST("/api/2.0/sql/warehouses/{id}/stop", { params: { path: { id: WAREHOUSE } } }));
    const stopped = await waitForWarehouse(client, WAREHOUSE, { until: "STOPPED", interval: NO_PAUSE });
    expect(stopped).toMatchObject({ state: "STOPPED", num_clusters: 0 });
  });

  it("starts a stopped warehouse when a statement arrives", async () => {
    mock.workspace.sql.setWarehouseState(WAREHOUSE, "STOPPED");
    await executeStatement(
      client,
      { warehouse_id: WAREHOUSE, statement: "SELECT 1" },
      { interval: NO_PAUSE },
    );
    expect(mock.workspace.sql.warehouse(WAREHOUSE)?.state).toBe("RUNNING");
  });

  it("answers an unknown warehouse with 404", async () => {
    const error = await unwrap(
      client.GET("/api/2.0/sql/warehouses/{id}", { params: { path: { id: "nope" } } }),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(NotFound);
  });
});
