import { describe, expect, it } from "vitest";
import { NotFound, unwrap } from "../../src/index.js";
import { createDatabricksMock, defaultSeed } from "../../src/testing/index.js";
import { executeStatement, isOperationFailedError, waitForWarehouse } from "../../src/waiters/index.js";
import { NO_PAUSE, useDatabricksMock } from "./setup.js";

const WAREHOUSE = defaultSeed.warehouses[0]?.id ?? "";
const { mock, server, client } = useDatabricksMock({ sql: { rowsPerChunk: 2 } });

describe("statement execution", () => {
  it("execute → PENDING → RUNNING → SUCCEEDED, rows split into result chunks", async () => {
    const states: string[] = [];
    const result = await executeStatement(
      client,
      {
        warehouse_id: WAREHOUSE,
        statement: "SELECT trip_distance, fare_amount FROM samples.nyctaxi.trips LIMIT 5",
      },
      { interval: NO_PAUSE, onProgress: (s) => states.push(s.status?.state ?? "?") },
    );
    expect(states).toEqual(["PENDING", "PENDING", "RUNNING", "SUCCEEDED"]);
    expect(result.columns).toEqual(["trip_distance", "fare_amount"]);
    expect(result.manifest).toMatchObject({ total_row_count: 5, total_chunk_count: 3, truncated: false });
    const rows = await result.toArray();
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual({ trip_distance: "1.4", fare_amount: "8" });
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

  it("finishes inside execute with completeWithinWait", async () => {
    // A second mock on the same origin, put in front the msw way; resetHandlers() removes it.
    const fast = createDatabricksMock({ sql: { completeWithinWait: true } });
    server.use(...fast.handlers);
    const states: string[] = [];
    await executeStatement(
      client,
      { warehouse_id: WAREHOUSE, statement: "SELECT 1" },
      { onProgress: (s) => states.push(s.status?.state ?? "?") },
    );
    expect(states).toEqual(["SUCCEEDED"]);
    expect(fast.workspace.sql.statements()).toHaveLength(1);
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
