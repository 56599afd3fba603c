/**
 * The stateful in-memory workspace: every area's handlers behind one shared context, plus a last
 * handler for spec operations no area emulates (501 NOT_IMPLEMENTED naming the operation, so a test
 * knows to add its own handler instead of getting a confusing 404).
 */
import type { HttpHandler } from "msw";
import type { Clock } from "../clock.js";
import { createDatabricksHttp } from "../http.js";
import { http } from "../msw.js";
import { databricksError } from "../responses.js";
import { type CatalogControls, createCatalog } from "./catalog.js";
import { type ClusterControls, createClusters } from "./clusters.js";
import { createComputeExtras } from "./compute-extras.js";
import { createContext } from "./context.js";
import { createDbfs, type DbfsControls } from "./dbfs.js";
import { createWorkspaceFiles, type WorkspaceFileControls } from "./files.js";
import { createJobs, type JobControls } from "./jobs.js";
import type { Timing } from "./progress.js";
import { createRepos } from "./repos.js";
import { createScim, type IdentityControls, type ScimDirectory } from "./scim.js";
import { createSecrets, type SecretControls } from "./secrets.js";
import type { WorkspaceSeed } from "./seed.js";
import { createStatements, type StatementControls, type StatementOptions } from "./statements.js";
import { createWarehouses, type WarehouseControls } from "./warehouses.js";

/** Everything a test can inspect or change in the emulated workspace. */
export interface WorkspaceControls {
  clusters: ClusterControls;
  jobs: JobControls;
  /** SQL warehouses and statements. */
  sql: WarehouseControls & StatementControls;
  /** Workspace objects (notebooks, files, folders). */
  files: WorkspaceFileControls;
  dbfs: DbfsControls;
  secrets: SecretControls;
  catalog: CatalogControls;
  identity: IdentityControls;
}

/** The emulated workspace: its handlers, its controls and how to (re)load a seed. */
export interface Workspace {
  handlers: HttpHandler[];
  controls: WorkspaceControls;
  load(seed: Required<WorkspaceSeed>): void;
  /** The SCIM directory (live arrays), for admin operations and the gateway's grant check. */
  directory: ScimDirectory;
}

/** Builds the workspace for the gateway at `baseUrl` (APIM URL plus API suffix). */
export function createWorkspace(options: {
  baseUrl: string;
  clock: Clock;
  timing: Timing;
  sql?: StatementOptions | undefined;
}): Workspace {
  const typed = createDatabricksHttp({ baseUrl: options.baseUrl });
  const ctx = createContext(options.clock, options.timing, typed, () => scim.userName());
  const scim = createScim(ctx);
  const clusters = createClusters(ctx);
  const jobs = createJobs(ctx);
  const catalog = createCatalog(ctx);
  const warehouses = createWarehouses(ctx);
  const statements = createStatements(ctx, warehouses, catalog.session, options.sql);
  const files = createWorkspaceFiles(ctx);
  const dbfs = createDbfs(ctx);
  const secrets = createSecrets(ctx);
  const extras = createComputeExtras(ctx, (id) => clusters.controls.get(id)?.state);
  const areas = [
    scim,
    clusters,
    extras,
    jobs,
    warehouses,
    statements,
    files,
    dbfs,
    secrets,
    catalog,
    createRepos(ctx),
  ];

  const notEmulated = http.all(`${typed.baseUrl}/*`, ({ request }) =>
    databricksError(
      501,
      "NOT_IMPLEMENTED",
      `The databricks-apim emulator does not emulate ${request.method} ${new URL(request.url).pathname}; ` +
        "add a handler for it with server.use(...).",
    ),
  );

  return {
    handlers: [...areas.flatMap((area) => area.handlers), notEmulated],
    directory: scim.directory,
    load(seed) {
      for (const area of areas) area.load(seed);
    },
    controls: {
      clusters: clusters.controls,
      jobs: jobs.controls,
      sql: { ...warehouses.controls, ...statements.controls },
      files: files.controls,
      dbfs: dbfs.controls,
      secrets: secrets.controls,
      catalog: catalog.controls,
      identity: scim.controls,
    },
  };
}
