/**
 * The smaller compute endpoints around clusters: runtime versions, node types and zones (fixed,
 * Azure-flavoured lists), cluster policies and instance pools (seeded, read-only through the spec), and
 * cluster libraries (install/uninstall recorded per cluster; installs on a running cluster are INSTALLED,
 * otherwise PENDING until it runs).
 */
import type {
  InstancePoolAndStats,
  Library,
  LibraryFullStatus,
  NodeType,
  Policy,
} from "../../generated/schema.js";
import type { WorkspaceArea, WorkspaceContext } from "./context.js";
import { invalidParameter, requiredParam } from "./errors.js";

/** Runtime versions the emulator offers (`clusters/spark-versions`). */
export const SPARK_VERSIONS = [
  { key: "16.4.x-scala2.12", name: "16.4 LTS (includes Apache Spark 3.5.2, Scala 2.12)" },
  { key: "15.4.x-scala2.12", name: "15.4 LTS (includes Apache Spark 3.5.0, Scala 2.12)" },
  { key: "15.4.x-photon-scala2.12", name: "15.4 LTS Photon (includes Apache Spark 3.5.0, Scala 2.12)" },
];

const NODE_TYPES: NodeType[] = [
  ["Standard_DS3_v2", 4, 14336],
  ["Standard_DS4_v2", 8, 28672],
  ["Standard_E8ds_v4", 8, 65536],
].map(([id, cores, memory]) => ({
  node_type_id: String(id),
  instance_type_id: String(id),
  num_cores: Number(cores),
  memory_mb: Number(memory),
  category: "General Purpose",
  description: String(id),
}));

/** Creates the compute-extras area; `clusterState(id)` tells library installs whether the cluster runs. */
export function createComputeExtras(
  ctx: WorkspaceContext,
  clusterState: (clusterId: string) => string | undefined,
): WorkspaceArea<Record<string, never>> {
  let policies: Policy[] = [];
  let pools: InstancePoolAndStats[] = [];
  const libraries = new Map<string, Map<string, { library: Library }>>();

  function statuses(clusterId: string): LibraryFullStatus[] {
    const running = clusterState(clusterId) === "RUNNING";
    return [...(libraries.get(clusterId)?.values() ?? [])].map(({ library }) => ({
      library,
      status: running ? "INSTALLED" : "PENDING",
      is_library_for_all_clusters: false,
    }));
  }

  function knownCluster(clusterId: string | undefined): string {
    if (!clusterId || clusterState(clusterId) === undefined) {
      throw invalidParameter(`Cluster ${clusterId ?? ""} does not exist`);
    }
    return clusterId;
  }

  const { http } = ctx;
  const handlers = [
    http.get("/api/2.1/clusters/spark-versions", () => ({ versions: SPARK_VERSIONS })),
    http.get("/api/2.1/clusters/list-node-types", () => ({ node_types: structuredClone(NODE_TYPES) })),
    http.get("/api/2.1/clusters/list-zones", () => ({ zones: ["1", "2", "3"], default_zone: "1" })),
    http.get("/api/2.0/policies/clusters/list", () => ({ policies: structuredClone(policies) })),
    http.get("/api/2.0/policies/clusters/get", ({ query }) => {
      const id = requiredParam(query, "policy_id");
      const policy = policies.find((p) => p.policy_id === id);
      if (!policy) throw invalidParameter(`Cluster policy ${id} does not exist`);
      return structuredClone(policy);
    }),
    http.get("/api/2.0/instance-pools/list", () => ({ instance_pools: structuredClone(pools) })),
    http.get("/api/2.0/instance-pools/get", ({ query }) => {
      const id = requiredParam(query, "instance_pool_id");
      const pool = pools.find((p) => p.instance_pool_id === id);
      if (!pool) throw invalidParameter(`Instance pool ${id} does not exist`);
      return { ...structuredClone(pool), instance_pool_id: id };
    }),
    http.get("/api/2.0/libraries/cluster-status", ({ query }) => {
      const clusterId = knownCluster(requiredParam(query, "cluster_id"));
      return { cluster_id: clusterId, library_statuses: statuses(clusterId) };
    }),
    http.get("/api/2.0/libraries/all-cluster-statuses", () => ({
      statuses: [...libraries.keys()].map((id) => ({ cluster_id: id, library_statuses: statuses(id) })),
    })),
    http.post("/api/2.0/libraries/install", ({ body }) => {
      const clusterId = knownCluster(body.cluster_id);
      const installed = libraries.get(clusterId) ?? new Map();
      for (const library of body.libraries ?? []) installed.set(JSON.stringify(library), { library });
      libraries.set(clusterId, installed);
      return {};
    }),
    http.post("/api/2.0/libraries/uninstall", ({ body }) => {
      const installed = libraries.get(knownCluster(body.cluster_id));
      for (const library of body.libraries ?? []) installed?.delete(JSON.stringify(library));
      return {};
    }),
  ];

  return {
    handlers,
    load(seed) {
      policies = structuredClone(seed.clusterPolicies);
      pools = structuredClone(seed.instancePools);
      libraries.clear();
    },
    controls: {},
  };
}
