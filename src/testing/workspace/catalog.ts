/**
 * Unity Catalog: catalogs, schemas, tables and volumes, read-only through the API (the spec whitelists
 * only list/get), seeded and changed from tests. Lists page like the real service: without
 * `max_results` everything comes back in one answer; with `max_results=0` (what the official SDKs send)
 * the server picks the page size and returns `next_page_token` while more remain. Missing objects answer
 * 404 with the catalog service's own codes (`CATALOG_DOES_NOT_EXIST`, `SCHEMA_DOES_NOT_EXIST`, …).
 * Seeded table rows are what the SQL emulator returns for `SELECT … FROM catalog.schema.table`.
 */
import type { CatalogInfo, SchemaInfo, TableInfo, VolumeInfo } from "../../generated/schema.js";
import type { WorkspaceArea, WorkspaceContext } from "./context.js";
import { intParam, invalidParameter, notFound, pathParam, requiredParam } from "./errors.js";
import { pageOf } from "./paging.js";
import type { SeedCatalog, SeedTable, SqlValue } from "./seed.js";
import type { SqlSession } from "./sql-engine.js";

/** A table as the SQL emulator sees it. */
export interface TableData {
  info: TableInfo;
  rows: SqlValue[][];
}

/** Test controls for Unity Catalog. */
export interface CatalogControls {
  /** Adds (or replaces) a catalog with its schemas, tables and rows. */
  addCatalog(catalog: SeedCatalog): void;
  /** Adds (or replaces) a table `catalog.schema.table`, creating catalog and schema as needed. */
  addTable(fullName: string, table: Omit<SeedTable, "name">): void;
  /** The table and its rows, or `undefined`. */
  table(fullName: string): TableData | undefined;
}

interface SchemaNode {
  info: SchemaInfo;
  tables: Map<string, TableData>;
  volumes: VolumeInfo[];
}
interface CatalogNode {
  info: CatalogInfo;
  schemas: Map<string, SchemaNode>;
}

/** Metastore id every emulated object reports. */
const METASTORE_ID = "0e3b7a52-8d4c-4f1e-9a6b-2c5d7e8f9a10";
/** Page size the emulated server picks when asked with `max_results=0`. */
const SERVER_PAGE = 50;

/** Creates the Unity Catalog area. */
export function createCatalog(ctx: WorkspaceContext): WorkspaceArea<CatalogControls> & {
  /** What the SQL emulator reads: table lookup and the names `SHOW …` lists. */
  session: Omit<SqlSession, "catalog" | "schema">;
} {
  const catalogs = new Map<string, CatalogNode>();

  const stamp = () => ({
    owner: ctx.me(),
    created_at: ctx.clock.now(),
    created_by: ctx.me(),
    metastore_id: METASTORE_ID,
  });

  function ensureCatalog(name: string, info: Partial<CatalogInfo> = {}): CatalogNode {
    let node = catalogs.get(name);
    if (!node) {
      node = {
        info: { ...stamp(), catalog_type: "MANAGED_CATALOG", ...info, name, full_name: name },
        schemas: new Map(),
      };
      catalogs.set(name, node);
    }
    return node;
  }

  function ensureSchema(catalog: string, name: string, info: Partial<SchemaInfo> = {}): SchemaNode {
    const parent = ensureCatalog(catalog);
    let node = parent.schemas.get(name);
    if (!node) {
      const full_name = `${catalog}.${name}`;
      node = {
        info: { ...stamp(), ...info, name, catalog_name: catalog, full_name },
        tables: new Map(),
        volumes: [],
      };
      parent.schemas.set(name, node);
    }
    return node;
  }

  function putTable(catalog: string, schema: string, { rows, ...table }: SeedTable): void {
    const full_name = `${catalog}.${schema}.${table.name}`;
    const info: TableInfo = {
      ...stamp(),
      table_type: "MANAGED",
      ...table,
      catalog_name: catalog,
      schema_name: schema,
      full_name,
    };
    ensureSchema(catalog, schema).tables.set(table.name, { info, rows: rows ?? [] });
  }

  function addCatalog({ schemas, ...catalog }: SeedCatalog): void {
    catalogs.delete(catalog.name);
    ensureCatalog(catalog.name, catalog);
    for (const { tables, volumes, ...schema } of schemas ?? []) {
      const node = ensureSchema(catalog.name, schema.name, schema);
      for (const table of tables ?? []) putTable(catalog.name, schema.name, table);
      node.volumes = (volumes ?? []).map((v) => ({
        ...v,
        catalog_name: catalog.name,
        schema_name: schema.name,
      }));
    }
  }

  function catalogNode(name: string): CatalogNode {
    const node = catalogs.get(name);
    if (!node) throw notFound(`Catalog '${name}' does not exist.`, "CATALOG_DOES_NOT_EXIST");
    return node;
  }

  function schemaNode(catalog: string, schema: string): SchemaNode {
    const node = catalogNode(catalog).schemas.get(schema);
    if (!node) throw notFound(`Schema '${catalog}.${schema}' does not exist.`, "SCHEMA_DOES_NOT_EXIST");
    return node;
  }

  /** One page in the catalog service's style; see the module comment. */
  function page<T>(items: T[], query: URLSearchParams): { items: T[]; next_page_token?: string } {
    const max = intParam(query, "max_results");
    if (max === undefined && !query.get("page_token")) return { items };
    if (max !== undefined && max < 0) throw invalidParameter("max_results must be non-negative");
    const p = pageOf(items, max ? Math.min(max, 1000) : SERVER_PAGE, query.get("page_token"));
    return { items: p.items, ...(p.next ? { next_page_token: p.next } : {}) };
  }

  function split(fullName: string, parts: number, kind: string): string[] {
    const names = fullName.split(".");
    if (names.length !== parts || names.some((n) => n === "")) {
      throw invalidParameter(`Invalid ${kind} full name '${fullName}'.`);
    }
    return names;
  }

  const { http } = ctx;
  const handlers = [
    http.get("/api/2.1/unity-catalog/catalogs", ({ query }) => {
      const { items, ...rest } = page(
        [...catalogs.values()].map((c) => structuredClone(c.info)),
        query,
      );
      return { catalogs: items, ...rest };
    }),
    http.get("/api/2.1/unity-catalog/catalogs/{name}", ({ params }) =>
      structuredClone(catalogNode(pathParam(params, "name")).info),
    ),
    http.get("/api/2.1/unity-catalog/schemas", ({ query }) => {
      const schemas = [...catalogNode(requiredParam(query, "catalog_name")).schemas.values()];
      const { items, ...rest } = page(
        schemas.map((s) => structuredClone(s.info)),
        query,
      );
      return { schemas: items, ...rest };
    }),
    http.get("/api/2.1/unity-catalog/schemas/{full_name}", ({ params }) => {
      const [catalog = "", schema = ""] = split(pathParam(params, "full_name"), 2, "schema");
      return structuredClone(schemaNode(catalog, schema).info);
    }),
    http.get("/api/2.1/unity-catalog/tables", ({ query }) => {
      const node = schemaNode(requiredParam(query, "catalog_name"), requiredParam(query, "schema_name"));
      const omitColumns = query.get("omit_columns") === "true";
      const tables = [...node.tables.values()].map(({ info: { columns, ...info } }) =>
        structuredClone(omitColumns || !columns ? info : { ...info, columns }),
      );
      const { items, ...rest } = page(tables, query);
      return { tables: items, ...rest };
    }),
    http.get("/api/2.1/unity-catalog/tables/{full_name}", ({ params }) => {
      const fullName = pathParam(params, "full_name");
      const [catalog = "", schema = "", table = ""] = split(fullName, 3, "table");
      const data = catalogs.get(catalog)?.schemas.get(schema)?.tables.get(table);
      if (!data) throw notFound(`Table '${fullName}' does not exist.`, "TABLE_DOES_NOT_EXIST");
      return structuredClone(data.info);
    }),
    http.get("/api/2.1/unity-catalog/volumes", ({ query }) => {
      const node = schemaNode(requiredParam(query, "catalog_name"), requiredParam(query, "schema_name"));
      const { items, ...rest } = page(structuredClone(node.volumes), query);
      return { volumes: items, ...rest };
    }),
  ];

  function lookup(name: string, catalog = "main", schema = "default"): TableData | undefined {
    const parts = name.replaceAll("`", "").split(".");
    const [c, s, t] =
      parts.length === 3 ? parts : parts.length === 2 ? [catalog, ...parts] : [catalog, schema, ...parts];
    return catalogs
      .get(c ?? "")
      ?.schemas.get(s ?? "")
      ?.tables.get(t ?? "");
  }

  return {
    handlers,
    session: {
      lookup,
      catalogs: () => [...catalogs.keys()],
      schemas: (catalog) => {
        const node = catalogs.get(catalog);
        return node ? [...node.schemas.keys()] : undefined;
      },
      tables: (catalog, schema) => {
        const node = catalogs.get(catalog)?.schemas.get(schema);
        return node ? [...node.tables.keys()] : undefined;
      },
    },
    load(seed) {
      catalogs.clear();
      for (const catalog of seed.catalogs) addCatalog(catalog);
    },
    controls: {
      addCatalog: (catalog) => addCatalog(structuredClone(catalog)),
      addTable(fullName, table) {
        const [catalog = "", schema = "", name = ""] = split(fullName, 3, "table");
        putTable(catalog, schema, { ...structuredClone(table), name });
      },
      table: (fullName) => {
        const data = lookup(fullName);
        return data ? structuredClone(data) : undefined;
      },
    },
  };
}
