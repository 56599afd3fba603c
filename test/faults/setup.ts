/**
 * Shared set-up for the fault-injection suites: one fault server per file, a client bound to it, and
 * the checks every fault test makes (no secret anywhere in the error, no timer left running, no
 * connection left open).
 */
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { createDatabricksClient, type DatabricksClientOptions } from "../../src/index.js";
import { type FaultServer, startFaultServer } from "./fault-server.js";

/** A fake subscription key, long enough to be redacted if it ever leaked. */
export const KEY = "sk-fault-0123456789abcdef";

/** Starts a fault server for the current file; `faults.server` is ready inside tests. */
export function useFaultServer() {
  const faults = { server: undefined as unknown as FaultServer };
  beforeAll(async () => {
    faults.server = await startFaultServer();
  });
  afterEach(() => faults.server.reset());
  afterAll(() => faults.server.close());
  return faults;
}

/** A client for the fault server (APIM mode, key `KEY`); options override. */
export function clientFor(server: FaultServer, options: Partial<DatabricksClientOptions> = {}) {
  return createDatabricksClient({
    apimUrl: server.url,
    subscriptionKey: KEY,
    ...options,
  } as DatabricksClientOptions);
}

/** Number of active, ref'd timers: what would keep the process alive. */
export function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;
}

/** Runs `call`, expecting it to reject; returns the error and the elapsed ms. */
export async function failure(call: () => Promise<unknown>): Promise<{ error: unknown; elapsed: number }> {
  const started = Date.now();
  try {
    await call();
  } catch (error) {
    return { error, elapsed: Date.now() - started };
  }
  throw new Error("expected the call to fail, and it succeeded");
}

/** Asserts that no secret appears in any rendering of `error` (message, stack, inspect, JSON). */
export function expectNoSecrets(error: unknown, secrets: readonly string[] = [KEY]): void {
  const renderings = [
    String(error),
    error instanceof Error ? (error.stack ?? "") : "",
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    JSON.stringify(error) ?? "",
  ];
  for (const secret of secrets) {
    for (const text of renderings) expect(text).not.toContain(secret);
  }
}

/** The checks after every fault: timers back to where they were, no connection left hanging. */
export async function expectNothingLeftBehind(server: FaultServer, timersBefore: number): Promise<void> {
  await server.clientHungUp();
  expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
}
