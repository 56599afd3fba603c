/**
 * SQL warehouses: list (page tokens), get, start (STOPPED → STARTING → RUNNING) and stop
 * (→ STOPPING → STOPPED). A statement sent to a stopped warehouse starts it, as the real service does.
 */
import type { EndpointInfo, SqlState } from "../../generated/schema.js";
import type { WorkspaceArea, WorkspaceContext } from "./context.js";
import { controlError, intParam, notFound, pathParam } from "./errors.js";
import { pageOf } from "./paging.js";
import type { Progress } from "./progress.js";

/** Test controls for SQL warehouses. */
export interface WarehouseControls {
  /** A copy of the warehouse, or `undefined`. */
  warehouse(id: string): EndpointInfo | undefined;
  /** Copies of all warehouses. */
  warehouses(): EndpointInfo[];
  /** Adds a warehouse (state defaults to STOPPED); returns its id. */
  addWarehouse(warehouse: EndpointInfo & { name: string }): string;
  /** Forces a state now, dropping any pending transition. */
  setWarehouseState(id: string, state: SqlState): void;
}

interface WarehouseRecord {
  info: EndpointInfo;
  progress: Progress;
}

/** Creates the warehouses area; `use(id)` is for the statements area. */
export function createWarehouses(ctx: WorkspaceContext): WorkspaceArea<WarehouseControls> & {
  /** The warehouse a statement runs on: 404 if missing, refused if deleted, started if stopped. */
  use(id: string): { running: boolean; ready(): void };
} {
  const warehouses = new Map<string, WarehouseRecord>();
  let serial = 0;

  function find(id: string): WarehouseRecord {
    const record = warehouses.get(id);
    if (!record || record.info.state === "DELETED") throw notFound(`Warehouse ${id} does not exist.`);
    record.progress.sync();
    return record;
  }

  const to = (record: WarehouseRecord, state: SqlState) => () => {
    record.info.state = state;
    record.info.num_clusters = state === "RUNNING" ? Math.max(1, record.info.min_num_clusters ?? 1) : 0;
  };

  function start(record: WarehouseRecord): void {
    if (record.info.state === "RUNNING" || record.info.state === "STARTING") return;
    to(record, "STARTING")();
    record.progress.start([to(record, "RUNNING")]);
  }

  function add(info: EndpointInfo): string {
    serial += 1;
    const id = info.id ?? `e${String(serial).padStart(15, "0")}`;
    const record: WarehouseRecord = {
      info: {
        cluster_size: "2X-Small",
        auto_stop_mins: 10,
        creator_name: ctx.me(),
        state: "STOPPED",
        ...info,
        id,
      },
      progress: ctx.progress(),
    };
    record.info.odbc_params = {
      hostname: "adb-emulated.azuredatabricks.net",
      path: `/sql/1.0/warehouses/${id}`,
      port: 443,
      protocol: "https",
    };
    to(record, record.info.state ?? "STOPPED")();
    warehouses.set(id, record);
    return id;
  }

  const { http } = ctx;
  const handlers = [
    http.get("/api/2.0/sql/warehouses", ({ query }) => {
      const all = [...warehouses.values()].filter((r) => r.info.state !== "DELETED");
      for (const r of all) r.progress.sync();
      const page = pageOf(
        all.map((r) => structuredClone(r.info)),
        intParam(query, "page_size") ?? 100,
        query.get("page_token"),
      );
      return { warehouses: page.items, ...(page.next ? { next_page_token: page.next } : {}) };
    }),
    http.get("/api/2.0/sql/warehouses/{id}", ({ params }) => {
      const record = find(pathParam(params, "id"));
      const answer = structuredClone(record.info);
      record.progress.poll();
      return answer;
    }),
    http.post("/api/2.0/sql/warehouses/{id}/start", ({ params }) => {
      start(find(pathParam(params, "id")));
      return {};
    }),
    http.post("/api/2.0/sql/warehouses/{id}/stop", ({ params }) => {
      const record = find(pathParam(params, "id"));
      if (record.info.state === "STOPPED" || record.info.state === "STOPPING") return {};
      to(record, "STOPPING")();
      record.progress.start([to(record, "STOPPED")]);
      return {};
    }),
  ];

  return {
    handlers,
    use(id) {
      const record = find(id);
      const running = record.info.state === "RUNNING";
      start(record);
      return {
        running,
        ready() {
          // The statement waited for the warehouse; once it runs, so does the warehouse.
          if (record.info.state !== "STARTING") return;
          record.progress.stop();
          to(record, "RUNNING")();
        },
      };
    },
    load(seed) {
      warehouses.clear();
      serial = 0;
      for (const warehouse of seed.warehouses) add(structuredClone(warehouse));
    },
    controls: {
      warehouse: (id) => {
        const record = warehouses.get(id);
        record?.progress.sync();
        return record ? structuredClone(record.info) : undefined;
      },
      warehouses: () =>
        [...warehouses.values()].map((r) => {
          r.progress.sync();
          return structuredClone(r.info);
        }),
      addWarehouse: (warehouse) => add(structuredClone(warehouse)),
      setWarehouseState(id, state) {
        const record = warehouses.get(id);
        if (!record) throw controlError(`set the state of warehouse ${id}`, "no such warehouse.");
        record.progress.stop();
        to(record, state)();
      },
    },
  };
}
