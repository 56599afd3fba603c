/** Example for `createDatabricksMock` in the API reference (see client.ts for how examples are checked). */
import { createDatabricksClient, unwrap } from "databricks-apim";
import { createDatabricksMock, TEST_SUBSCRIPTION_KEY } from "databricks-apim/testing";
import { setupServer } from "msw/node";

/** An app's test setup: the gateway and workspace emulated in-process. */
export async function warehouseNamesFromMock(): Promise<string[]> {
  // #region createDatabricksMock
  // Long-running resources settle at once; the default seed has one running SQL warehouse.
  const mock = createDatabricksMock({ timing: { pollsPerStep: 0 } });
  const server = setupServer(...mock.handlers);
  server.listen({ onUnhandledRequest: "error" });
  try {
    const client = createDatabricksClient({
      apimUrl: mock.apimUrl,
      apiSuffix: mock.apiSuffix,
      subscriptionKey: TEST_SUBSCRIPTION_KEY,
    });
    const { warehouses = [] } = await unwrap(client.GET("/api/2.0/sql/warehouses"));
    return warehouses.map((warehouse) => warehouse.name ?? "");
  } finally {
    server.close(); // in a test file: beforeAll/afterAll, and mock.reset() after each test
  }
  // #endregion createDatabricksMock
}
