// Run by test/package.test.ts: require() of the ESM-only package (require(esm), Node ≥ 20.19).
const { createDatabricksClient, unwrap, VERSION } = require("databricks-apim");

const client = createDatabricksClient({
  apimUrl: process.env.SMOKE_URL,
  subscriptionKey: process.env.SMOKE_KEY,
  maxRetries: 0,
});
unwrap(client.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: "c-1" } } })).then((cluster) => {
  console.log(
    JSON.stringify({ version: VERSION, state: cluster.state, resolved: require.resolve("databricks-apim") }),
  );
});
