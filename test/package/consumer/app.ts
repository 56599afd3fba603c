/**
 * A small consumer app, type-checked against the packed package's `.d.ts` (strict, with
 * exactOptionalPropertyTypes, noUncheckedIndexedAccess and skipLibCheck off). Never run: the
 * `@ts-expect-error` lines prove that the types are real, not `any`.
 */
import {
  type ClusterDetails,
  collect,
  createDatabricksClient,
  type DatabricksClient,
  isDatabricksApimError,
  isNotFound,
  paginate,
  unwrap,
} from "databricks-apim";
import { isOperationFailedError, type WaitProgress, waitForRun } from "databricks-apim/waiters";

const client: DatabricksClient = createDatabricksClient({
  apimUrl: "https://my-apim.azure-api.net",
  subscriptionKey: "0123456789abcdef",
  userAgent: "consumer-app/1.0",
});

export async function clusterState(clusterId: string): Promise<string | undefined> {
  const cluster: ClusterDetails = await unwrap(
    client.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: clusterId } } }),
  );
  return cluster.state;
}

export async function clusterNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const cluster of paginate(client, "/api/2.1/clusters/list", {
    params: { query: { page_size: 100 } },
  })) {
    names.push(cluster.cluster_name ?? cluster.cluster_id ?? "?");
  }
  return names;
}

export async function startIfPresent(clusterId: string): Promise<"started" | "missing" | number | undefined> {
  try {
    await unwrap(client.POST("/api/2.1/clusters/start", { body: { cluster_id: clusterId } }));
    return "started";
  } catch (error) {
    if (isNotFound(error)) return "missing";
    if (isDatabricksApimError(error)) return error.status;
    throw error;
  }
}

export const allJobs = () => collect(client, "/api/2.2/jobs/list");

export function wrongCalls(): void {
  // @ts-expect-error cluster_id is required by clusters/get
  void client.GET("/api/2.1/clusters/get", { params: { query: {} } });
  // @ts-expect-error not an operation of the spec (and so not routed by the gateway)
  void client.GET("/api/2.1/clusters/no-such-operation");
  // @ts-expect-error clusters/start takes a cluster_id string
  void client.POST("/api/2.1/clusters/start", { body: { cluster_id: 42 } });
}

export async function runResult(runId: number): Promise<string | undefined> {
  const progress: WaitProgress[] = [];
  try {
    const run = await waitForRun(client, runId, {
      requireSuccess: true,
      onProgress: (_run, p) => progress.push(p),
    });
    return run.state?.result_state;
  } catch (error) {
    if (isOperationFailedError(error)) return error.state;
    throw error;
  }
}
