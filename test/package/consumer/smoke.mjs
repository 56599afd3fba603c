// Run by test/package.test.ts inside a project that installed the packed tarball: ESM import, then
// calls to a loopback server (SMOKE_URL). Prints one JSON line for the test to check.
import { createDatabricksClient, isNotFound, paginate, unwrap, VERSION } from "databricks-apim";

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
console.log(
  JSON.stringify({
    version: VERSION,
    state: cluster.state,
    ids,
    missing,
    resolved: import.meta.resolve("databricks-apim"),
  }),
);
