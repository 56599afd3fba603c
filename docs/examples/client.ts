/**
 * Examples for the API reference: TypeDoc pulls each `#region` into a doc comment with
 * `{@includeCode}`. test/docs-site.test.ts compiles them and runs them against the mock, so they
 * follow the API as it changes. Imports are the package's own names, as an app writes them.
 */
import { createDatabricksClient, type DatabricksClient, isNotFound, unwrap } from "databricks-apim";

/** A client for a gateway (no request is sent until a call). */
export function connect(): DatabricksClient {
  // #region createDatabricksClient
  const client = createDatabricksClient({
    apimUrl: "https://my-apim.azure-api.net",
    apiSuffix: "dbw-01",
    subscriptionKey: "<your-subscription-key>",
  });
  // Without options, the same comes from DATABRICKS_APIM_URL,
  // DATABRICKS_APIM_API_SUFFIX and DATABRICKS_APIM_SUBSCRIPTION_KEY.
  // #endregion createDatabricksClient
  return client;
}

/** A cluster's state, or undefined when there is no such cluster. */
export async function clusterState(client: DatabricksClient, clusterId: string): Promise<string | undefined> {
  // #region unwrap
  try {
    const cluster = await unwrap(
      client.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: clusterId } } }),
    );
    return cluster.state;
  } catch (error) {
    // Databricks answers 400 for an unknown cluster id; unwrap raises it as NotFound.
    if (isNotFound(error)) return undefined;
    throw error;
  }
  // #endregion unwrap
}
