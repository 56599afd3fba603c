/**
 * A deliberately tiny SQL evaluator for the statement-execution emulator. It is not a database: it
 * answers the handful of shapes tests and the demo need, and says so plainly for anything else.
 *
 * Understood, in this order:
 * 1. results a test registered with `mock.workspace.sql.onStatement(match, result)`;
 * 2. `SELECT <literals>` without FROM (`SELECT 1 AS n, 'a' AS s`);
 * 3. `SELECT * | id FROM range(n)` (a BIGINT column `id`, 0…n-1);
 * 4. `SELECT * | col, … FROM [catalog.][schema.]table [LIMIT n]` over seeded Unity Catalog rows;
 * 5. `SHOW CATALOGS`, `SHOW SCHEMAS IN c`, `SHOW TABLES IN c.s`.
 * Text that does not start with a SQL keyword fails like Databricks does, with `[PARSE_SYNTAX_ERROR]`
 * and SQLSTATE 42601; valid-looking SQL beyond the list above fails with a message naming `onStatement`.
 */
import type { ColumnInfoTypeName, ColumnTypeName, ServiceErrorCode } from "../../generated/schema.js";
import type { TableData } from "./catalog.js";
import type { SqlValue } from "./seed.js";

/** A column of a result: a bare name (type STRING) or a name with a Databricks type name. */
export type ColumnSpec = string | { name: string; type?: ColumnInfoTypeName };

/** What a statement evaluates to: rows, or a SQL error. */
export type SqlOutcome =
  | { columns: ColumnSpec[]; rows: SqlValue[][] }
  | { error: { message: string; sqlState?: string; errorCode?: ServiceErrorCode } };

/** Where the session looks up tables and which catalog/schema it is in. */
export interface SqlSession {
  lookup(name: string, catalog?: string, schema?: string): TableData | undefined;
  catalogs(): string[];
  schemas(catalog: string): string[] | undefined;
  tables(catalog: string, schema: string): string[] | undefined;
  catalog?: string | undefined;
  schema?: string | undefined;
}

const KEYWORDS = new Set(
  "SELECT WITH VALUES SHOW DESCRIBE DESC EXPLAIN USE SET INSERT UPDATE DELETE MERGE CREATE DROP ALTER TRUNCATE OPTIMIZE VACUUM COPY GRANT REVOKE REFRESH CACHE UNCACHE ANALYZE MSCK LIST".split(
    " ",
  ),
);

/** Normalises SQL text for matching: no comments, single spaces, no trailing semicolon. */
export function normalizeSql(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, " ")
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/;$/, "")
    .trim();
}

/** Evaluates `sql`; see the module comment for what is understood. */
export function evaluateSql(sql: string, session: SqlSession): SqlOutcome {
  const text = normalizeSql(sql);
  const first = /^[A-Za-z]+/.exec(text)?.[0] ?? "";
  if (!KEYWORDS.has(first.toUpperCase())) {
    const near = first || text.slice(0, 1) || "end of input";
    return syntaxError(
      `[PARSE_SYNTAX_ERROR] Syntax error at or near '${near}'. SQLSTATE: 42601 (line 1, pos 0)`,
    );
  }
  let m = /^select (.+?) from range\((\d+)\)(?: limit (\d+))?$/i.exec(text);
  if (m) {
    const rows = Array.from({ length: Number(m[2]) }, (_, i) => [i]);
    return project([{ name: "id", type: "LONG" }], rows, m[1] ?? "*", m[3]);
  }
  m = /^select (.+?) from ([\w`.]+)(?: limit (\d+))?$/i.exec(text);
  if (m) {
    const name = m[2] ?? "";
    const table = session.lookup(name, session.catalog, session.schema);
    if (!table) {
      return sqlError(
        `[TABLE_OR_VIEW_NOT_FOUND] The table or view \`${name.replaceAll("`", "")}\` cannot be found. ` +
          "Verify the spelling and correctness of the schema and catalog. SQLSTATE: 42P01",
        "42P01",
      );
    }
    const columns = (table.info.columns ?? []).map((c) => ({
      name: c.name ?? "",
      type: resultType(c.type_name),
    }));
    return project(columns, table.rows, m[1] ?? "*", m[3]);
  }
  m = /^select (.+)$/i.exec(text);
  if (m && !/\bfrom\b/i.test(m[1] ?? "")) return literals(m[1] ?? "");
  if (/^show catalogs$/i.test(text))
    return { columns: ["catalog"], rows: session.catalogs().map((c) => [c]) };
  m = /^show (?:schemas|databases) (?:in|from) (\w+)$/i.exec(text);
  if (m) return listing(["databaseName"], session.schemas(m[1] ?? ""), `catalog \`${m[1]}\``);
  m = /^show tables (?:in|from) (\w+)\.(\w+)$/i.exec(text);
  if (m) {
    const names = session.tables(m[1] ?? "", m[2] ?? "");
    const outcome = listing(["tableName"], names, `schema \`${m[1]}\`.\`${m[2]}\``);
    if ("error" in outcome) return outcome;
    return {
      columns: ["database", "tableName", "isTemporary"],
      rows: outcome.rows.map(([t]) => [m?.[2] ?? "", t ?? null, false]),
    };
  }
  return sqlError(
    "The databricks-apim emulator cannot evaluate this statement. " +
      "Register its result with mock.workspace.sql.onStatement(sql, { columns, rows }).",
  );
}

/** A catalog column type as the statement API reports it (it has no names for the newest types). */
function resultType(type: ColumnTypeName | undefined): ColumnInfoTypeName {
  if (type === "TIMESTAMP_NTZ") return "TIMESTAMP";
  if (type === undefined || ["GEOGRAPHY", "GEOMETRY", "TABLE_TYPE", "VARIANT"].includes(type))
    return "STRING";
  return type as ColumnInfoTypeName;
}

function syntaxError(message: string): SqlOutcome {
  return { error: { message, sqlState: "42601", errorCode: "BAD_REQUEST" } };
}

function sqlError(message: string, sqlState?: string): SqlOutcome {
  return { error: { message, errorCode: "BAD_REQUEST", ...(sqlState ? { sqlState } : {}) } };
}

function listing(columns: string[], names: string[] | undefined, what: string): SqlOutcome {
  if (!names) return sqlError(`[SCHEMA_NOT_FOUND] The ${what} cannot be found. SQLSTATE: 42704`, "42704");
  return { columns, rows: names.map((n) => [n]) };
}

/** Picks the selected columns (`*` or a list) and applies LIMIT. */
function project(
  columns: Array<{ name: string; type: ColumnInfoTypeName }>,
  rows: SqlValue[][],
  selectList: string,
  limit: string | undefined,
): SqlOutcome {
  const limited = limit === undefined ? rows : rows.slice(0, Number(limit));
  if (selectList.trim() === "*") return { columns, rows: limited };
  const picks = selectList.split(",").map((c) => c.trim().replaceAll("`", ""));
  const indexes: number[] = [];
  for (const pick of picks) {
    const index = columns.findIndex((c) => c.name.toLowerCase() === pick.toLowerCase());
    if (index < 0) {
      return sqlError(
        `[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name \`${pick}\` ` +
          `cannot be resolved. Did you mean one of the following? [${columns.map((c) => `\`${c.name}\``).join(", ")}]. SQLSTATE: 42703`,
        "42703",
      );
    }
    indexes.push(index);
  }
  return {
    columns: indexes.map((i) => columns[i] ?? "?"),
    rows: limited.map((row) => indexes.map((i) => row[i] ?? null)),
  };
}

/** `SELECT 1 AS n, 'x' AS s, true, NULL`: one row of literals. */
function literals(list: string): SqlOutcome {
  const parts = list.match(/'(?:[^']|'')*'(?:\s+as\s+\w+)?|[^,]+/gi) ?? [];
  const columns: ColumnSpec[] = [];
  const row: SqlValue[] = [];
  for (const raw of parts.map((p) => p.trim()).filter(Boolean)) {
    const m = /^(.+?)(?:\s+as\s+(\w+))?$/i.exec(raw);
    const expr = (m?.[1] ?? raw).trim();
    const alias = m?.[2];
    if (/^'(?:[^']|'')*'$/.test(expr)) {
      const value = expr.slice(1, -1).replaceAll("''", "'");
      columns.push({ name: alias ?? value, type: "STRING" });
      row.push(value);
    } else if (/^-?\d+$/.test(expr)) {
      columns.push({ name: alias ?? expr, type: "INT" });
      row.push(Number(expr));
    } else if (/^-?\d*\.\d+$/.test(expr)) {
      columns.push({ name: alias ?? expr, type: "DECIMAL" });
      row.push(expr);
    } else if (/^(true|false)$/i.test(expr)) {
      columns.push({ name: alias ?? expr.toLowerCase(), type: "BOOLEAN" });
      row.push(expr.toLowerCase() === "true");
    } else if (/^null$/i.test(expr)) {
      columns.push({ name: alias ?? "NULL", type: "NULL" });
      row.push(null);
    } else {
      return sqlError(
        `The databricks-apim emulator evaluates only literals without FROM, not \`${expr}\`. ` +
          "Register the result with mock.workspace.sql.onStatement(sql, { columns, rows }).",
      );
    }
  }
  return { columns, rows: [row] };
}
