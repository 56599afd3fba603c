/**
 * Clusters (API 2.1): create → PENDING → RUNNING, restart/resize/edit through RESTARTING/RESIZING,
 * delete → TERMINATING → TERMINATED, with an event log; `list` and `events` queries are in
 * `cluster-queries.ts`. The clusters service answers a missing cluster with
 * 400 INVALID_PARAMETER_VALUE "Cluster … does not exist" on every call, not only on `get` (the spec's
 * `x-databricks-missing-as` records it for `get`, which is where clients need to know).
 */
import type {
  ClusterDetails,
  ClusterEvent,
  ComputeState,
  ComputeTerminationReasonCode,
  EventType,
} from "../../generated/schema.js";
import { eventsPage, listClusters } from "./cluster-queries.js";
import type { WorkspaceArea, WorkspaceContext } from "./context.js";
import {
  clusterCallerError,
  controlError,
  intParam,
  invalidParameter,
  invalidState,
  missingPerSpec,
  requiredField,
  requiredParam,
} from "./errors.js";
import { pageOf } from "./paging.js";
import type { Progress, Step } from "./progress.js";

/** Test controls for clusters. */
export interface ClusterControls {
  /** A copy of the cluster as `clusters/get` would return it now, or `undefined`. */
  get(clusterId: string): ClusterDetails | undefined;
  /** Copies of all clusters, newest first. */
  list(): ClusterDetails[];
  /** Adds a cluster directly (state defaults to TERMINATED); returns its id. */
  add(cluster: ClusterDetails & { cluster_name: string }): string;
  /** Forces a state now (e.g. `ERROR`), dropping any pending transition. */
  setState(clusterId: string, state: ComputeState, message?: string): void;
  /** Makes the next create/start/restart end in TERMINATED with a cloud-failure reason. */
  failNextStart(reason?: { message?: string; code?: ComputeTerminationReasonCode }): void;
  /** The cluster's event log, oldest first. */
  events(clusterId: string): ClusterEvent[];
}

/** A cluster as the emulator keeps it. */
export interface ClusterRecord {
  details: ClusterDetails;
  pinned: boolean;
  progress: Progress;
  events: ClusterEvent[];
}

const MISSING = "GET /api/2.1/clusters/get";
const BUSY_STATES: readonly ComputeState[] = ["PENDING", "RESTARTING", "RESIZING", "TERMINATING"];

/** Creates the clusters area. */
export function createClusters(ctx: WorkspaceContext): WorkspaceArea<ClusterControls> {
  const clusters = new Map<string, ClusterRecord>();
  let serial = 0;
  let nextFailure: { message: string; code: ComputeTerminationReasonCode } | undefined;

  function newId(): string {
    serial += 1;
    const d = new Date(ctx.clock.now());
    const mmdd = `${String(d.getUTCMonth() + 1).padStart(2, "0")}${String(d.getUTCDate()).padStart(2, "0")}`;
    return `${mmdd}-${d.toISOString().slice(11, 19).replaceAll(":", "")}-emu${String(serial).padStart(5, "0")}`;
  }

  function find(clusterId: string | undefined): ClusterRecord {
    const record = clusterId ? clusters.get(clusterId) : undefined;
    if (!record) throw missingPerSpec(MISSING, `Cluster ${clusterId ?? ""} does not exist`);
    record.progress.sync();
    return record;
  }

  function log(record: ClusterRecord, type: EventType, details: ClusterEvent["details"] = {}): void {
    record.events.push({
      cluster_id: record.details.cluster_id ?? "",
      timestamp: ctx.clock.now(),
      type,
      details,
    });
  }

  function to(record: ClusterRecord, state: ComputeState, message = "", event?: EventType): Step {
    return () => {
      record.details.state = state;
      record.details.state_message = message;
      if (state === "RUNNING") {
        record.details.spark_context_id = ctx.clock.now();
        delete record.details.termination_reason;
      }
      if (event) log(record, event);
    };
  }

  /** The steps from "asked to start" to RUNNING, or to the failure a test asked for. */
  function startSteps(record: ClusterRecord): Step[] {
    const failure = nextFailure;
    nextFailure = undefined;
    if (!failure) return [to(record, "RUNNING", "", "RUNNING")];
    return [
      () => {
        const reason = { code: failure.code, type: "CLOUD_FAILURE" as const, parameters: {} };
        Object.assign(record.details, { state: "TERMINATED", state_message: failure.message });
        record.details.termination_reason = reason;
        record.details.terminated_time = ctx.clock.now();
        log(record, "TERMINATING", { reason });
      },
    ];
  }

  function insert(details: ClusterDetails & { cluster_name: string }): ClusterRecord {
    const cluster_id = details.cluster_id ?? newId();
    const record: ClusterRecord = {
      details: {
        state: "TERMINATED",
        cluster_source: "API",
        start_time: ctx.clock.now(),
        ...details,
        cluster_id,
      },
      pinned: false,
      progress: ctx.progress(),
      events: [],
    };
    clusters.set(cluster_id, record);
    return record;
  }

  function sorted(query: URLSearchParams): ClusterDetails[] {
    const records = [...clusters.values()];
    for (const r of records) r.progress.sync();
    return listClusters(records, query).map((r) => structuredClone(r.details));
  }

  const { http } = ctx;
  const handlers = [
    http.get("/api/2.1/clusters/list", ({ query }) => {
      const page = pageOf(sorted(query), intParam(query, "page_size") || 100, query.get("page_token"));
      return page.items.length === 0
        ? { next_page_token: page.next, prev_page_token: page.prev }
        : { clusters: page.items, next_page_token: page.next, prev_page_token: page.prev };
    }),
    http.get("/api/2.1/clusters/get", ({ query }) => {
      const record = find(requiredParam(query, "cluster_id"));
      const answer = structuredClone(record.details);
      record.progress.poll();
      return answer;
    }),
    http.post("/api/2.1/clusters/create", ({ body }) => {
      const spark_version = requiredField(body.spark_version, "spark_version");
      const refused = nodeTypeRefusal(body);
      if (refused) return refused;
      const record = insert({
        ...body,
        spark_version,
        cluster_name: body.cluster_name ?? "",
        state: "PENDING",
      });
      record.details.creator_user_name = ctx.me();
      record.details.state_message = "Finding instances for new nodes, acquiring more instances if necessary";
      log(record, "CREATING", { user: ctx.me() });
      record.progress.start(startSteps(record));
      return { cluster_id: record.details.cluster_id ?? "" };
    }),
    http.post("/api/2.1/clusters/start", ({ body }) => {
      const record = find(body.cluster_id);
      if (record.details.state !== "TERMINATED") {
        throw invalidState(
          `Cluster ${body.cluster_id} is in unexpected state ${title(record.details.state)}.`,
        );
      }
      to(record, "PENDING", "Starting Spark", "STARTING")();
      record.progress.start(startSteps(record));
      return {};
    }),
    http.post("/api/2.1/clusters/restart", ({ body }) => {
      const record = find(body.cluster_id);
      if (record.details.state !== "RUNNING")
        throw invalidState(`Cluster ${body.cluster_id} is not running.`);
      to(record, "RESTARTING", "Restarting Spark", "RESTARTING")();
      record.progress.start(startSteps(record));
      return {};
    }),
    http.post("/api/2.1/clusters/edit", ({ body }) => {
      const record = find(body.cluster_id);
      requiredField(body.spark_version, "spark_version");
      if (BUSY_STATES.includes(record.details.state ?? "UNKNOWN")) {
        throw invalidState(
          `Cluster ${body.cluster_id} is in unexpected state ${title(record.details.state)}.`,
        );
      }
      const wasRunning = record.details.state === "RUNNING";
      Object.assign(record.details, body);
      log(record, "EDITED", { user: ctx.me() });
      if (wasRunning) {
        to(record, "RESTARTING", "Applying the new configuration")();
        record.progress.start([to(record, "RUNNING", "", "RUNNING")]);
      }
      return {};
    }),
    http.post("/api/2.1/clusters/resize", ({ body }) => {
      const record = find(body.cluster_id);
      if (record.details.state !== "RUNNING")
        throw invalidState(`Cluster ${body.cluster_id} is not running.`);
      if (body.num_workers === undefined && body.autoscale === undefined) {
        throw invalidParameter("Exactly one of num_workers or autoscale must be set");
      }
      to(record, "RESIZING", "", "RESIZING")();
      if (body.num_workers !== undefined) record.details.num_workers = body.num_workers;
      if (body.autoscale !== undefined) record.details.autoscale = body.autoscale;
      record.progress.start([to(record, "RUNNING", "", "UPSIZE_COMPLETED")]);
      return {};
    }),
    http.post("/api/2.1/clusters/delete", ({ body }) => {
      const record = find(body.cluster_id);
      if (record.details.state === "TERMINATED") return {};
      to(record, "TERMINATING", "Terminating at the request of the user", "TERMINATING")();
      record.progress.start([
        () => {
          to(record, "TERMINATED", "Terminated by user")();
          record.details.terminated_time = ctx.clock.now();
          record.details.termination_reason = { code: "USER_REQUEST", type: "SUCCESS", parameters: {} };
        },
      ]);
      return {};
    }),
    http.post("/api/2.1/clusters/permanent-delete", ({ body }) => {
      find(body.cluster_id).progress.stop();
      clusters.delete(body.cluster_id);
      return {};
    }),
    http.post("/api/2.1/clusters/pin", ({ body }) => {
      find(body.cluster_id).pinned = true;
      return {};
    }),
    http.post("/api/2.1/clusters/unpin", ({ body }) => {
      find(body.cluster_id).pinned = false;
      return {};
    }),
    http.post("/api/2.1/clusters/events", ({ body }) => eventsPage(find(body.cluster_id).events, body)),
  ];

  return {
    handlers,
    load(seed) {
      clusters.clear();
      serial = 0;
      nextFailure = undefined;
      for (const cluster of seed.clusters) insert(cluster);
    },
    controls: {
      get: (id) => {
        const record = clusters.get(id);
        record?.progress.sync();
        return record ? structuredClone(record.details) : undefined;
      },
      list: () => sorted(new URLSearchParams()),
      add: (cluster) => insert(structuredClone(cluster)).details.cluster_id ?? "",
      setState(id, state, message = "") {
        const record = clusters.get(id);
        if (!record) throw controlError(`set the state of cluster ${id}`, "no such cluster.");
        record.progress.stop();
        to(record, state, message)();
      },
      failNextStart(reason = {}) {
        nextFailure = {
          message: reason.message ?? "Cloud provider launch failure: the requested VM size is not available.",
          code: reason.code ?? "CLOUD_PROVIDER_LAUNCH_FAILURE",
        };
      },
      events: (id) => structuredClone(clusters.get(id)?.events ?? []),
    },
  };
}

/** "RUNNING" → "Running", as the clusters service writes states in messages. */
function title(state: string | undefined): string {
  const s = (state ?? "UNKNOWN").toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Workers need a node type: `node_type_id`, an `instance_pool_id` (whose node type is used; naming
 * both is refused), or a policy that supplies one. Messages as Databricks words them
 * (terraform-provider-databricks#2521; Nike-Inc/brickflow#43).
 */
function nodeTypeRefusal(body: { node_type_id?: string; instance_pool_id?: string; policy_id?: string }) {
  if (body.instance_pool_id && body.node_type_id) {
    return clusterCallerError(
      "The field 'node_type_id' cannot be supplied when an instance pool ID is provided.",
    );
  }
  if (!body.node_type_id && !body.instance_pool_id && !body.policy_id) {
    return clusterCallerError("Missing required field 'node_type_id'");
  }
  return undefined;
}
