/**
 * The emulator over real HTTP: a mock served by `startMockGateway` on 127.0.0.1 for the current test
 * file, reset after every test. Clients reach it through real sockets; nothing is intercepted.
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import { createDatabricksClient, type DatabricksClientOptions } from "../../src/index.js";
import {
  createDatabricksMock,
  type DatabricksMockOptions,
  type MockGatewayServer,
  startMockGateway,
  TEST_SUBSCRIPTION_KEY,
} from "../../src/testing/index.js";

/** Starts the emulator for this file; `url()` and `client()` are valid inside tests. */
export function useEmulator(options: DatabricksMockOptions = {}) {
  const mock = createDatabricksMock({ apimUrl: "http://127.0.0.1", ...options });
  let server: MockGatewayServer | undefined;
  beforeAll(async () => {
    server = await startMockGateway(mock);
  });
  afterEach(() => mock.reset());
  afterAll(async () => {
    await server?.close();
  });
  const url = () => {
    if (!server) throw new Error("The emulator is not running yet: call url() inside a test.");
    return server.url;
  };
  const client = (overrides: Partial<DatabricksClientOptions> = {}) =>
    createDatabricksClient({
      apimUrl: url(),
      subscriptionKey: TEST_SUBSCRIPTION_KEY,
      ...overrides,
    } as DatabricksClientOptions);
  return { mock, url, client };
}
