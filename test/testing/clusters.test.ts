import { describe, expect, it } from "vitest";
import { collect, InvalidState, pages, paginate, ResourceDoesNotExist, unwrap } from "../../src/index.js";
import { isOperationFailedError, waitForCluster } from "../../src/waiters/index.js";
import { NO_PAUSE, useDatabricksMock } from "./setup.js";

const { mock, client } = useDatabricksMock();
const SPEC = { spark_version: "15.4.x-scala2.12", node_type_id: "Standard_DS3_v2", num_workers: 1 };

async function create(name: string): Promise<string> {
  const { cluster_id } = await unwrap(
    client.POST("/api/2.1/clusters/create", { body: { ...SPEC, cluster_name: name } }),
  );
  return cluster_id ?? "";
}

const get = (id: string) =>
  unwrap(client.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: id } } }));

describe("cluster lifecycle", () => {
  it("answers an empty workspace the way the seed write-up saw it", async () => {
    const { data, response } = await client.GET("/api/2.1/clusters/list");
    expect(response.status).toBe(200);
    expect(data).toEqual({ next_page_token: "", prev_page_token: "" });
  });

  it("create → PENDING → RUNNING, one state per poll, and waitForCluster sees both", async () => {
    const id = await create("etl");
    const seen: string[] = [];
    const cluster = await waitForCluster(client, id, {
      interval: NO_PAUSE,
      onProgress: (c) => seen.push(c.state ?? "?"),
    });
    expect(seen).toEqual(["PENDING", "RUNNING"]);
    expect(cluster).toMatchObject({
      cluster_id: id,
      cluster_name: "etl",
      state: "RUNNING",
      cluster_source: "API",
    });
    expect(cluster.creator_user_name).toBe(mock.workspace.identity.me().userName);
  });

  it("moves on with the clock too, without any poll", async () => {
    const id = await create("clocked");
    expect(mock.workspace.clusters.get(id)?.state).toBe("PENDING");
    mock.clock.advance(30_000);
    expect(mock.workspace.clusters.get(id)?.state).toBe("RUNNING");
  });

  it("terminates through TERMINATING, and delete of a terminated cluster is a no-op", async () => {
    const id = await create("short-lived");
    await waitForCluster(client, id, { interval: NO_PAUSE });
    await unwrap(client.POST("/api/2.1/clusters/delete", { body: { cluster_id: id } }));
    expect((await get(id)).state).toBe("TERMINATING");
    const done = await waitForCluster(client, id, { until: "TERMINATED", interval: NO_PAUSE });
    expect(done.termination_reason).toMatchObject({ code: "USER_REQUEST", type: "SUCCESS" });
    await unwrap(client.POST("/api/2.1/clusters/delete", { body: { cluster_id: id } }));
    expect(mock.workspace.clusters.get(id)?.state).toBe("TERMINATED");
  });

  it("refuses to start a running cluster with INVALID_STATE", async () => {
    const id = await create("busy");
    await waitForCluster(client, id, { interval: NO_PAUSE });
    const error = await unwrap(client.POST("/api/2.1/clusters/start", { body: { cluster_id: id } })).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(InvalidState);
    expect(error.message).toContain("unexpected state Running");
  });

  it("fails the next start on request, and waitForCluster reports why", async () => {
    mock.workspace.clusters.failNextStart({ message: "Quota exceeded for Standard_DS3_v2" });
    const id = await create("doomed");
    const error = await waitForCluster(client, id, { interval: NO_PAUSE }).catch((e) => e);
    expect(isOperationFailedError(error)).toBe(true);
    expect(error).toMatchObject({ state: "TERMINATED", errorCode: "CLOUD_PROVIDER_LAUNCH_FAILURE" });
    expect(error.message).toContain("Quota exceeded");
  });

  it("puts a cluster in ERROR from the test", async () => {
    const id = await create("broken");
    mock.workspace.clusters.setState(id, "ERROR", "Spark driver crashed");
    await expect(waitForCluster(client, id, { interval: NO_PAUSE })).rejects.toMatchObject({
      state: "ERROR",
    });
  });

  it("restarts and resizes through RESTARTING and RESIZING", async () => {
    const id = await create("elastic");
    await waitForCluster(client, id, { interval: NO_PAUSE });
    await unwrap(client.POST("/api/2.1/clusters/resize", { body: { cluster_id: id, num_workers: 4 } }));
    expect(await get(id)).toMatchObject({ state: "RESIZING", num_workers: 4 });
    await waitForCluster(client, id, { interval: NO_PAUSE });
    await unwrap(client.POST("/api/2.1/clusters/restart", { body: { cluster_id: id } }));
    expect((await get(id)).state).toBe("RESTARTING");
    const types = mock.workspace.clusters.events(id).map((e) => e.type);
    // The poll that saw RESTARTING moved the cluster on: every state is seen once.
    expect(types).toEqual(["CREATING", "RUNNING", "RESIZING", "UPSIZE_COMPLETED", "RESTARTING", "RUNNING"]);
  });

  it("answers a missing cluster with 400 INVALID_PARAMETER_VALUE, which the client maps to ResourceDoesNotExist", async () => {
    const { error, response } = await client.GET("/api/2.1/clusters/get", {
      params: { query: { cluster_id: "nope" } },
    });
    expect(response.status).toBe(400);
    expect(error).toEqual({ error_code: "INVALID_PARAMETER_VALUE", message: "Cluster nope does not exist" });
    await expect(get("nope")).rejects.toBeInstanceOf(ResourceDoesNotExist);
  });
});

describe("cluster queries", () => {
  it("lists newest first across pages, honouring filter_by and sort_by", async () => {
    for (const name of ["a", "b", "c"]) {
      await create(name);
      mock.clock.advance(1_000);
    }
    mock.workspace.clusters.setState(
      (await collect(client, "/api/2.1/clusters/list"))[0]?.cluster_id ?? "",
      "RUNNING",
    );
    const sizes: number[] = [];
    for await (const page of pages(client, "/api/2.1/clusters/list", {
      params: { query: { page_size: 2 } },
    })) {
      sizes.push(page.clusters?.length ?? 0);
    }
    expect(sizes).toEqual([2, 1]);
    const names = (await collect(client, "/api/2.1/clusters/list")).map((c) => c.cluster_name);
    expect(names).toEqual(["c", "b", "a"]);
    const running = await collect(client, "/api/2.1/clusters/list", {
      params: { query: { filter_by: { cluster_states: ["RUNNING"] } } },
    });
    expect(running.map((c) => c.cluster_name)).toEqual(["c"]);
    const byName = paginate(client, "/api/2.1/clusters/list", {
      params: { query: { sort_by: { field: "CLUSTER_NAME", direction: "ASC" } } },
    });
    const sorted: string[] = [];
    for await (const c of byName) sorted.push(c.cluster_name ?? "");
    expect(sorted).toEqual(["a", "b", "c"]);
  });

  it("filters pinned clusters and refuses a foreign page token", async () => {
    const id = await create("pinned");
    await create("loose");
    await unwrap(client.POST("/api/2.1/clusters/pin", { body: { cluster_id: id } }));
    const pinned = await collect(client, "/api/2.1/clusters/list", {
      params: { query: { filter_by: { is_pinned: true } } },
    });
    expect(pinned.map((c) => c.cluster_id)).toEqual([id]);
    const { response, error } = await client.GET("/api/2.1/clusters/list", {
      params: { query: { page_token: "bogus" } },
    });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE" });
  });

  it("pages cluster events through next_page bodies", async () => {
    const id = await create("eventful");
    await waitForCluster(client, id, { interval: NO_PAUSE });
    const events = await collect(client, "/api/2.1/clusters/events", { body: { cluster_id: id, limit: 1 } });
    expect(events.map((e) => e.type)).toEqual(["RUNNING", "CREATING"]);
  });
});
