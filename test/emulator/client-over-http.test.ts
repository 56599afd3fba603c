/**
 * The client against the emulator through real sockets: the same flows an app runs, with waiters,
 * pagination and chunked SQL results, so nothing depends on in-process interception.
 */
import { describe, expect, it } from "vitest";
import { collect, ResourceDoesNotExist, unwrap } from "../../src/index.js";
import { defaultSeed } from "../../src/testing/index.js";
import { executeStatement, waitForCluster, waitForRun, waitForWarehouse } from "../../src/waiters/index.js";
import { useEmulator } from "./setup.js";

const NO_PAUSE = { initial: 0, max: 0 } as const;
const WAREHOUSE = defaultSeed.warehouses[0]?.id ?? "";
const { mock, client } = useEmulator({ sql: { rowsPerChunk: 2 } });

describe("the client over HTTP", () => {
  it("creates a cluster and waits for RUNNING, one state per poll", async () => {
    const api = client();
    const { cluster_id } = await unwrap(
      api.POST("/api/2.1/clusters/create", {
        body: { cluster_name: "http", spark_version: "15.4.x-scala2.12", node_type_id: "Standard_DS3_v2" },
      }),
    );
    const seen: string[] = [];
    const cluster = await waitForCluster(api, cluster_id ?? "", {
      interval: NO_PAUSE,
      onProgress: (c) => seen.push(c.state ?? "?"),
    });
    expect(seen).toEqual(["PENDING", "RUNNING"]);
    expect(cluster.state).toBe("RUNNING");
    expect((await collect(api, "/api/2.1/clusters/list")).map((c) => c.cluster_id)).toEqual([cluster_id]);
  });

  it("runs the seeded job to a result", async () => {
    const api = client();
    const { run_id } = await unwrap(api.POST("/api/2.2/jobs/run-now", { body: { job_id: 1001 } }));
    const run = await waitForRun(api, run_id ?? 0, { interval: NO_PAUSE, requireSuccess: true });
    expect(run.state).toMatchObject({ life_cycle_state: "TERMINATED", result_state: "SUCCESS" });
  });

  it("executes SQL and follows result chunks by index (the internal link lacks the /dbw-01 prefix)", async () => {
    const result = await executeStatement(
      client(),
      { warehouse_id: WAREHOUSE, statement: "SELECT * FROM samples.nyctaxi.trips" },
      { interval: NO_PAUSE },
    );
    expect(result.response.result?.next_chunk_internal_link).toMatch(
      /^\/api\/2\.0\/sql\/statements\/.+\/chunks\/1$/,
    );
    const rows = await result.toArray();
    expect(rows).toHaveLength(defaultSeed.catalogs[0]?.schemas?.[0]?.tables?.[0]?.rows?.length ?? -1);
    expect(result.manifest?.total_chunk_count).toBe(3);
  });

  it("stops and starts a warehouse", async () => {
    const api = client();
    await unwrap(api.POST("/api/2.0/sql/warehouses/{id}/stop", { params: { path: { id: WAREHOUSE } } }));
    await waitForWarehouse(api, WAREHOUSE, { until: "STOPPED", interval: NO_PAUSE });
    await unwrap(api.POST("/api/2.0/sql/warehouses/{id}/start", { params: { path: { id: WAREHOUSE } } }));
    await expect(waitForWarehouse(api, WAREHOUSE, { interval: NO_PAUSE })).resolves.toMatchObject({
      state: "RUNNING",
    });
  });

  it("moves resources on by the mock's clock as well", async () => {
    const api = client();
    const { run_id } = await unwrap(api.POST("/api/2.2/jobs/run-now", { body: { job_id: 1001 } }));
    mock.clock.advance(60_000);
    const run = await unwrap(
      api.GET("/api/2.2/jobs/runs/get", { params: { query: { run_id: run_id ?? 0 } } }),
    );
    expect(run.state?.life_cycle_state).toBe("TERMINATED");
  });

  it("round-trips files and reports missing resources as typed errors", async () => {
    const api = client();
    const contents = Buffer.from("hello over http").toString("base64");
    await unwrap(api.POST("/api/2.0/dbfs/put", { body: { path: "/tmp/hello.txt", contents } }));
    const read = await unwrap(
      api.GET("/api/2.0/dbfs/read", { params: { query: { path: "/tmp/hello.txt" } } }),
    );
    expect(Buffer.from(read.data ?? "", "base64").toString()).toBe("hello over http");
    await expect(
      unwrap(api.GET("/api/2.2/jobs/get", { params: { query: { job_id: 404 } } })),
    ).rejects.toBeInstanceOf(ResourceDoesNotExist);
  });
});
