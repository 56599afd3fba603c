/**
 * Compile-time checks only (type-checked by `npm run typecheck`, never executed): the client rejects
 * wrong paths, params and bodies, and helpers infer item types from the spec.
 */
import {
  type ClusterDetails,
  collect,
  createDatabricksClient,
  type ItemOf,
  paginate,
  type User,
  unwrap,
} from "../src/index.js";

const client = createDatabricksClient({ apimUrl: "https://apim.example.net", subscriptionKey: "k" });

export async function checks(): Promise<void> {
  // Correct calls compile and infer response types.
  const cluster = await unwrap(
    client.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: "c" } } }),
  );
  const state: ClusterDetails["state"] = cluster.state;
  void state;
  const run = await unwrap(client.POST("/api/2.2/jobs/run-now", { body: { job_id: 1 } }));
  const runId: number | undefined = run.run_id;
  void runId;

  // @ts-expect-error unknown path
  await client.GET("/api/2.1/clusters/nope");
  // @ts-expect-error missing required query param cluster_id
  await client.GET("/api/2.1/clusters/get", { params: { query: {} } });
  // @ts-expect-error cluster_id must be a string
  await client.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: 1 } } });
  // @ts-expect-error clusters/get is a GET, not a POST
  await client.POST("/api/2.1/clusters/get", { body: {} });
  // @ts-expect-error body of run-now requires job_id
  await client.POST("/api/2.2/jobs/run-now", { body: {} });
  // @ts-expect-error job_id is an integer, not a string
  await client.POST("/api/2.2/jobs/run-now", { body: { job_id: "1" } });
  const badStates = { query: { filter_by: { cluster_states: ["RUNING" as const] } } };
  // @ts-expect-error wrong enum value in a nested query object
  await client.GET("/api/2.1/clusters/list", { params: badStates });
  // @ts-expect-error missing path parameter
  await client.GET("/api/2.0/sql/warehouses/{id}", { params: { path: {} } });

  // Pagination infers items.
  for await (const item of paginate(client, "/api/2.1/clusters/list")) {
    const id: string | undefined = item.cluster_id;
    void id;
  }
  const users: User[] = await collect(client, "/api/2.0/preview/scim/v2/Users");
  void users;
  const event: ItemOf<"/api/2.1/clusters/events"> = { cluster_id: "c", type: "RUNNING" };
  void event;
  // @ts-expect-error not a list operation
  paginate(client, "/api/2.1/clusters/get");
  // @ts-expect-error workspace/list requires params.query.path
  paginate(client, "/api/2.0/workspace/list");
  // @ts-expect-error wrong item type
  const wrong: User[] = await collect(client, "/api/2.1/clusters/list");
  void wrong;
}

/**
 * Options accept `undefined` (issue 14): under exactOptionalPropertyTypes (tsconfig.json) an app can
 * pass `process.env.X` straight through, and an unset variable means "fall back".
 */
export function optionsAcceptUndefined(env: Record<string, string | undefined>): void {
  createDatabricksClient({
    apimUrl: env.GATEWAY,
    subscriptionKey: env.APIM_KEY,
    apiSuffix: env.SUFFIX,
    userAgent: env.APP,
    maxRetries: undefined,
    credential: undefined,
    scopes: undefined,
    headers: { "X-Tenant": env.TENANT },
  });
  createDatabricksClient({ workspaceUrl: env.HOST, token: env.TOKEN, timeout: undefined });
  createDatabricksClient({ subscriptionKey: env.APIM_KEY });
  createDatabricksClient({
    apimUrl: "https://apim.example.net",
    // @ts-expect-error one mode or the other, not both
    workspaceUrl: "https://adb-1.1.azuredatabricks.net",
  });
  // @ts-expect-error a token is for direct mode, not alongside an APIM subscription key
  createDatabricksClient({ subscriptionKey: "0123456789abcdef", token: "dapi0123456789" });
  // @ts-expect-error maxRetries is a number
  createDatabricksClient({ apimUrl: "https://apim.example.net", maxRetries: "3" });
}
