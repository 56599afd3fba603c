/**
 * `createDatabricksMock()`: one APIM gateway plus one emulated workspace, as msw handlers. Pass
 * `mock.handlers` to `setupServer` (tests) or to `startMockGateway` (real HTTP); drive and inspect the
 * state through `mock.gateway`, `mock.workspace` and `mock.clock`; call `mock.reset()` between tests.
 */
import type { HttpHandler } from "msw";
import { createDatabricksClient, type DatabricksClient } from "../client.js";
import type { CommonOptions } from "../config.js";
import { createIdentityGrant, idMaker } from "./admin.js";
import { type Clock, createTestClock, type TestClock } from "./clock.js";
import { createDirectWorkspace } from "./direct.js";
import { createGateway, type GatewayControls, type Quota, type RateLimit } from "./gateway.js";
import { createWorkspace, type WorkspaceControls } from "./workspace/index.js";
import { DEFAULT_TIMING, type Timing } from "./workspace/progress.js";
import { resolveSeed, type WorkspaceSeed } from "./workspace/seed.js";
import type { StatementOptions } from "./workspace/statements.js";

/** The subscription key a mock accepts unless told otherwise. Not a real key. */
export const TEST_SUBSCRIPTION_KEY = "test-subscription-key";

/** The gateway URL a mock answers on unless told otherwise (`.test` never resolves to a real host). */
export const TEST_APIM_URL = "https://apim.databricks-apim.test";

/** Options of {@link createDatabricksMock}; every field is optional. */
export interface DatabricksMockOptions<C extends Clock = TestClock> {
  /** Gateway URL the app calls. @default TEST_APIM_URL */
  apimUrl?: string;
  /** APIM API URL suffix. @default "dbw-01" */
  apiSuffix?: string;
  /** Subscription keys the gateway accepts. @default [TEST_SUBSCRIPTION_KEY] */
  keys?: readonly string[];
  /** Initial workspace contents; each area given replaces the default seed's. */
  seed?: WorkspaceSeed;
  /** Clock that moves long-running resources. @default createTestClock() */
  clock?: C;
  /**
   * When long-running resources take their next step. `{ pollsPerStep: 0 }` makes them instant.
   * @default { pollsPerStep: 1, stepMs: 30_000 }
   */
  timing?: Partial<Timing>;
  /**
   * `false` starts without a service principal for the gateway's managed identity in the workspace
   * ("managed identity not added to the workspace": Databricks answers 401). @default true
   */
  managedIdentityGranted?: boolean;
  /**
   * Application (client) id of the gateway's managed identity; calls through the gateway succeed iff an
   * active service principal with it exists. @default the seed's `me.userName`
   */
  managedIdentityAppId?: string;
  /** The bearer token that is a workspace admin for direct calls. @default any non-empty token */
  adminToken?: string;
  /** Turn on APIM's `rate-limit-by-key` policy. @default undefined (off) */
  rateLimit?: RateLimit;
  /** Turn on APIM's `quota-by-key` policy. @default undefined (off) */
  quota?: Quota;
  /** Forward any GET under the suffix, like a hand-wired `GET /*` operation. @default false */
  wildcard?: boolean;
  /** Every call gets APIM's backend-failure 500. @default false */
  backendDown?: boolean;
  /** SQL statement emulation options. */
  sql?: StatementOptions;
}

/** A gateway plus workspace emulator. */
export interface DatabricksMock<C extends Clock = TestClock> {
  /** msw handlers: gateway first, then the workspace. `setupServer(...mock.handlers)`. */
  readonly handlers: HttpHandler[];
  /** The gateway URL the handlers answer (`apimUrl` option). */
  readonly apimUrl: string;
  /** The API suffix (`apiSuffix` option). */
  readonly apiSuffix: string;
  /** `apimUrl` + `/` + `apiSuffix`: where the workspace API starts. */
  readonly baseUrl: string;
  /** The clock that moves long-running resources (a {@link TestClock} by default). */
  readonly clock: C;
  /** Gateway controls: keys, managed identity, rate limits, recorded requests. */
  readonly gateway: GatewayControls;
  /** Application id of the gateway's managed identity. */
  readonly managedIdentityAppId: string;
  /** Workspace controls per area: inspect and change state. */
  readonly workspace: WorkspaceControls;
  /** Back to the seed and the initial gateway settings; recorded requests are cleared. */
  reset(): void;
  /**
   * A real client for this mock: its gateway URL, suffix and the first of `keys`, and `maxRetries: 0`,
   * so a 429 or 503 reaches the test at once as its typed error instead of after real backoff sleeps.
   * Options given here win (e.g. `{ maxRetries: 3 }` to test the app's own handling of retries).
   */
  client(options?: CommonOptions): DatabricksClient;
}

/**
 * Creates an APIM gateway + Databricks workspace emulator.
 * @example
 * {@includeCode ../../docs/examples/testing.ts#createDatabricksMock}
 */
export function createDatabricksMock<C extends Clock = TestClock>(
  options: DatabricksMockOptions<C> = {},
): DatabricksMock<C> {
  const apimUrl = (options.apimUrl ?? TEST_APIM_URL).replace(/\/+$/, "");
  const apiSuffix = (options.apiSuffix ?? "dbw-01").replace(/^\/+|\/+$/g, "");
  const clock = options.clock ?? (createTestClock() as unknown as C);
  const timing: Timing = { ...DEFAULT_TIMING, ...options.timing };
  if (!Number.isInteger(timing.pollsPerStep) || timing.pollsPerStep < 0 || !(timing.stepMs > 0)) {
    throw new RangeError(
      "Failed to create the mock: timing.pollsPerStep must be an integer ≥ 0 and timing.stepMs a number > 0.",
    );
  }
  const baseUrl = `${apimUrl}/${apiSuffix}`;
  const workspace = createWorkspace({ baseUrl, clock, timing, sql: options.sql });
  const seed = resolveSeed(options.seed);
  const appId = options.managedIdentityAppId ?? seed.me.userName ?? "00000000-0000-4000-8000-00000000a9e1";
  const nextId = idMaker();
  const identity = createIdentityGrant(workspace.directory, appId, nextId);
  const granted = options.managedIdentityGranted ?? true;
  const load = () => {
    workspace.load(structuredClone(seed));
    identity.set(granted);
  };
  load();
  const keys = options.keys ?? [TEST_SUBSCRIPTION_KEY];
  const gateway = createGateway({
    apimUrl,
    apiSuffix,
    keys,
    clock,
    identity,
    rateLimit: options.rateLimit,
    quota: options.quota,
    wildcard: options.wildcard ?? false,
    backendDown: options.backendDown ?? false,
  });
  const direct = createDirectWorkspace({
    apimUrl,
    apiSuffix,
    baseUrl,
    adminToken: options.adminToken,
    directory: workspace.directory,
    nextId,
    workspaceHandlers: () => workspace.handlers,
  });

  return {
    handlers: [direct, gateway.handler, ...workspace.handlers],
    apimUrl,
    apiSuffix,
    baseUrl,
    clock,
    gateway: gateway.controls,
    managedIdentityAppId: appId,
    workspace: workspace.controls,
    reset() {
      gateway.reset();
      load();
    },
    client(clientOptions = {}) {
      const [subscriptionKey] = keys;
      if (subscriptionKey === undefined) {
        throw new RangeError("Failed to create a client for the mock: it accepts no key (keys: []).");
      }
      return createDatabricksClient({ maxRetries: 0, ...clientOptions, apimUrl, apiSuffix, subscriptionKey });
    },
  };
}
