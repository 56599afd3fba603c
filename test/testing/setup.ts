/**
 * The kit used the way an app's test suite would: one mock, an msw server over its handlers that
 * refuses anything unhandled, a fresh workspace after every test, and a client pointed at the mock.
 */
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll } from "vitest";
import { createDatabricksClient } from "../../src/index.js";
import {
  createDatabricksMock,
  type DatabricksMockOptions,
  TEST_SUBSCRIPTION_KEY,
} from "../../src/testing/index.js";

/** Waiter pauses of zero: the emulator moves one state per poll, so tests never wait. */
export const NO_PAUSE = { initial: 0, max: 0 } as const;

/** Creates a mock + msw server for the current test file and a client that talks to it. */
export function useDatabricksMock(options: DatabricksMockOptions = {}) {
  const mock = createDatabricksMock(options);
  const server = setupServer(...mock.handlers);
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => {
    server.resetHandlers();
    mock.reset();
  });
  afterAll(() => server.close());
  const client = createDatabricksClient({
    apimUrl: mock.apimUrl,
    apiSuffix: mock.apiSuffix,
    subscriptionKey: TEST_SUBSCRIPTION_KEY,
  });
  return { mock, server, client };
}
