/**
 * What the emulated workspace holds before the first call. {@link defaultSeed} is a small, believable
 * workspace: the gateway's managed identity as the caller, one running SQL warehouse, one job, the
 * `samples.nyctaxi.trips` table with a few rows, and no clusters, so the first `clusters/list` answers
 * exactly what the seed write-up saw from a fresh workspace: `{"next_page_token":"","prev_page_token":""}`.
 * A test passes its own `seed`; each area it names replaces that area of the default.
 */
import type {
  CatalogInfo,
  ClusterDetails,
  EndpointInfo,
  Group,
  InstancePoolAndStats,
  JobSettings,
  Policy,
  RepoInfo,
  SchemaInfo,
  ServicePrincipal,
  TableInfo,
  User,
  VolumeInfo,
} from "../../generated/schema.js";

/** A SQL cell value as a seed or a registered statement result gives it. */
export type SqlValue = string | number | boolean | null;

/** A Unity Catalog table, optionally with rows that `SELECT … FROM catalog.schema.table` returns. */
export type SeedTable = TableInfo & { name: string; rows?: SqlValue[][] };
/** A Unity Catalog schema with its tables and volumes. */
export type SeedSchema = SchemaInfo & { name: string; tables?: SeedTable[]; volumes?: VolumeInfo[] };
/** A Unity Catalog catalog with its schemas. */
export type SeedCatalog = CatalogInfo & { name: string; schemas?: SeedSchema[] };

/** A workspace object: a folder, or a notebook/file with source text. */
export interface SeedWorkspaceObject {
  path: string;
  object_type?: "DIRECTORY" | "NOTEBOOK" | "FILE";
  language?: "PYTHON" | "SQL" | "SCALA" | "R";
  /** Source text (notebooks, files). */
  content?: string;
}

/** A DBFS file (text or bytes) or directory. */
export interface SeedDbfsEntry {
  path: string;
  is_dir?: boolean;
  contents?: string | Uint8Array;
}

/** A secret scope and its secrets (`key → value`). */
export interface SeedSecretScope {
  name: string;
  secrets?: Record<string, string>;
}

/** A job as stored: its id (assigned when absent) and settings. */
export interface SeedJob {
  job_id?: number;
  settings: JobSettings;
}

/** Initial contents of the emulated workspace; every field is optional and replaces the default's. */
export interface WorkspaceSeed {
  /** The caller, as SCIM `Me` returns it (behind APIM: the gateway's managed identity). */
  me?: User;
  users?: User[];
  groups?: Group[];
  servicePrincipals?: ServicePrincipal[];
  clusters?: Array<ClusterDetails & { cluster_name: string }>;
  clusterPolicies?: Policy[];
  instancePools?: InstancePoolAndStats[];
  jobs?: SeedJob[];
  warehouses?: EndpointInfo[];
  catalogs?: SeedCatalog[];
  workspaceObjects?: SeedWorkspaceObject[];
  dbfs?: SeedDbfsEntry[];
  secretScopes?: SeedSecretScope[];
  repos?: RepoInfo[];
}

/** Application id of the default caller: a service principal standing for APIM's managed identity. */
const GATEWAY_APP_ID = "00000000-0000-4000-8000-00000000a9e1";

const TRIP_COLUMNS = [
  ["tpep_pickup_datetime", "TIMESTAMP", "timestamp"],
  ["tpep_dropoff_datetime", "TIMESTAMP", "timestamp"],
  ["trip_distance", "DOUBLE", "double"],
  ["fare_amount", "DOUBLE", "double"],
  ["pickup_zip", "INT", "int"],
  ["dropoff_zip", "INT", "int"],
] as const;

const TRIP_ROWS: SqlValue[][] = [
  ["2016-02-13T21:47:53.000Z", "2016-02-13T21:57:15.000Z", 1.4, 8.0, 10103, 10110],
  ["2016-02-13T18:29:09.000Z", "2016-02-13T18:37:23.000Z", 1.31, 7.5, 10023, 10023],
  ["2016-02-06T19:40:58.000Z", "2016-02-06T19:52:32.000Z", 1.8, 9.5, 10001, 10018],
  ["2016-02-12T19:06:43.000Z", "2016-02-12T19:20:54.000Z", 2.3, 11.5, 10044, 10111],
  ["2016-02-23T10:27:56.000Z", "2016-02-23T10:58:33.000Z", 2.6, 18.5, 10199, 10022],
  ["2016-02-13T00:03:45.000Z", "2016-02-13T00:11:17.000Z", 1.1, 6.5, 10012, 10003],
];

/** The workspace every mock starts from unless a test says otherwise. */
export const defaultSeed: Required<WorkspaceSeed> = {
  me: {
    id: "4812573609114127",
    userName: GATEWAY_APP_ID,
    displayName: "apim-managed-identity",
    active: true,
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
    groups: [{ display: "admins", value: "1000000000000001", type: "direct" }],
  },
  users: [
    {
      id: "6021746390287431",
      userName: "ada@example.com",
      displayName: "Ada Lovelace",
      active: true,
      emails: [{ value: "ada@example.com", primary: true, type: "work" }],
    },
  ],
  groups: [
    { id: "1000000000000001", displayName: "admins" },
    { id: "1000000000000002", displayName: "users" },
  ],
  servicePrincipals: [
    {
      id: "4812573609114127",
      applicationId: GATEWAY_APP_ID,
      displayName: "apim-managed-identity",
      active: true,
    },
  ],
  clusters: [],
  clusterPolicies: [],
  instancePools: [],
  jobs: [
    {
      job_id: 1001,
      settings: {
        name: "nightly-etl",
        max_concurrent_runs: 1,
        tasks: [{ task_key: "ingest", notebook_task: { notebook_path: "/Shared/etl/ingest" } }],
      },
    },
  ],
  warehouses: [
    {
      id: "5c4f3e2d1a0b9c8d",
      name: "Starter Warehouse",
      cluster_size: "2X-Small",
      state: "RUNNING",
      auto_stop_mins: 10,
      enable_serverless_compute: true,
      warehouse_type: "PRO",
    },
  ],
  catalogs: [
    {
      name: "samples",
      catalog_type: "SYSTEM_CATALOG",
      comment: "Sample datasets",
      schemas: [
        {
          name: "nyctaxi",
          tables: [
            {
              name: "trips",
              table_type: "MANAGED",
              data_source_format: "DELTA",
              columns: TRIP_COLUMNS.map(([name, type_name, type_text], position) => ({
                name,
                type_name,
                type_text,
                position,
                nullable: true,
              })),
              rows: TRIP_ROWS,
            },
          ],
        },
      ],
    },
    { name: "main", catalog_type: "MANAGED_CATALOG", schemas: [{ name: "default" }] },
  ],
  workspaceObjects: [
    { path: `/Users/${GATEWAY_APP_ID}`, object_type: "DIRECTORY" },
    { path: "/Shared/etl/ingest", object_type: "NOTEBOOK", language: "PYTHON", content: 'print("ingest")\n' },
  ],
  dbfs: [
    { path: "/FileStore", is_dir: true },
    { path: "/tmp", is_dir: true },
  ],
  secretScopes: [],
  repos: [],
};

/** The default seed with each area `seed` names replaced by the seed's own. */
export function resolveSeed(seed: WorkspaceSeed | undefined): Required<WorkspaceSeed> {
  const merged = { ...defaultSeed };
  for (const [key, value] of Object.entries(seed ?? {}) as Array<[keyof WorkspaceSeed, unknown]>) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return structuredClone(merged);
}
