// Run by test/package.test.ts inside a project that installed the packed tarball: ESM import, then
// calls to a loopback server (SMOKE_URL). Prints one JSON line for the test to check.
import {
  createDatabricksClient,
  isDatabricksApimError,
  isNotFound,
  paginate,
  unwrap,
  VERSION,
} from "databricks-apim";
import { WaitTimeoutError, waitForCluster } from "databricks-apim/waiters";

const client = createDatabricksClient({
  apimUrl: process.env.SMOKE_URL,
  subscriptionKey: process.env.SMOKE_KEY,
  maxRetries: 0,
});
const cluster = await unwrap(
  client.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: "c-1" } } }),
);
const ids = [];
for await (const item of paginate(client, "/api/2.1/clusters/list")) ids.push(item.cluster_id);
let missing;
try {
  await unwrap(client.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: "missing" } } }));
} catch (error) {
  missing = {
    notFound: isNotFound(error),
    name: error.name,
    status: error.status,
    errorCode: error.errorCode,
  };
}
// The waiters entry: a cluster already RUNNING resolves at once; its errors extend the main entry's base.
const waited = (await waitForCluster(client, "c-1")).state;
const waiterErrorsShareBase = isDatabricksApimError(
  new WaitTimeoutError("timed out", {
    resource: "cluster",
    resourceId: "c-1",
    state: undefined,
    stateMessage: undefined,
    timeout: 1,
    method: "GET",
    path: "/x",
  }),
);
console.log(
  JSON.stringify({
    waited,
    waiterErrorsShareBase,
    waitersResolved: import.meta.resolve("databricks-apim/waiters"),
    version: VERSION,
    state: cluster.state,
    ids,
    missing,
    resolved: import.meta.resolve("databricks-apim"),
  }),
);
