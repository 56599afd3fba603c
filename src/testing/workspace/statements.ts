/**
 * SQL statement execution (API 2.0): execute → PENDING → RUNNING → SUCCEEDED with rows split into
 * result chunks (`INLINE` / `JSON_ARRAY`, cells as strings), or FAILED with the SQL error. By default an
 * emulated statement is "slow": it outlives any `wait_timeout`, so execute answers PENDING (or CANCELED
 * under `on_wait_timeout: "CANCEL"`) and the client polls; `completeWithinWait` makes statements with a
 * non-zero `wait_timeout` finish inside the execute call instead, as short queries do on a warm warehouse.
 * `next_chunk_internal_link` is relative to the workspace host, exactly as Databricks writes it, so a
 * client behind APIM must not follow it verbatim (the `/dbw-01` prefix is missing).
 */
import type { ColumnInfoTypeName, StatementResponse, StatementState } from "../../generated/schema.js";
import type { WorkspaceArea, WorkspaceContext } from "./context.js";
import { intParam, invalidParameter, notFound, pathParam, requiredField } from "./errors.js";
import type { Progress } from "./progress.js";
import type { SqlValue } from "./seed.js";
import { evaluateSql, normalizeSql, type SqlOutcome, type SqlSession } from "./sql-engine.js";

/** Options of the statement emulator. */
export interface StatementOptions {
  /** Rows per result chunk. @default 1000 */
  rowsPerChunk?: number;
  /** Finish statements inside `execute` when `wait_timeout` is not `0s`. @default false */
  completeWithinWait?: boolean;
}

/** A statement the app executed, for assertions. */
export interface ExecutedStatement {
  statement_id: string;
  statement: string;
  warehouse_id: string;
  state: StatementState;
}

/** Test controls for SQL statements. */
export interface StatementControls {
  /** Registers what statements matching `match` return (newest registration wins). */
  onStatement(match: string | RegExp, outcome: SqlOutcome): void;
  /** Every statement executed so far, oldest first. */
  statements(): ExecutedStatement[];
}

interface StatementRecord {
  id: string;
  text: string;
  warehouseId: string;
  state: StatementState;
  outcome: SqlOutcome;
  rowLimit: number | undefined;
  progress: Progress;
}

const TYPE_TEXT: Partial<Record<ColumnInfoTypeName, string>> = {
  INT: "int",
  LONG: "bigint",
  SHORT: "smallint",
  BYTE: "tinyint",
  DECIMAL: "decimal(38,18)",
  NULL: "void",
};

/** Creates the statements area over the given warehouses and table lookup. */
export function createStatements(
  ctx: WorkspaceContext,
  warehouses: { use(id: string): { ready(): void } },
  session: Omit<SqlSession, "catalog" | "schema">,
  options: StatementOptions = {},
): WorkspaceArea<StatementControls> {
  const rowsPerChunk = Math.max(1, options.rowsPerChunk ?? 1000);
  const statements = new Map<string, StatementRecord>();
  let registered: Array<{ match: string | RegExp; outcome: SqlOutcome }> = [];
  let serial = 0;

  function outcomeFor(text: string, catalog?: string, schema?: string): SqlOutcome {
    const normal = normalizeSql(text).toLowerCase();
    const hit = registered.find(({ match }) =>
      typeof match === "string" ? normalizeSql(match).toLowerCase() === normal : match.test(text),
    );
    return hit ? structuredClone(hit.outcome) : evaluateSql(text, { ...session, catalog, schema });
  }

  function find(id: string): StatementRecord {
    const record = statements.get(id);
    if (!record) throw notFound(`Statement ${id} not found.`);
    record.progress.sync();
    return record;
  }

  function rows(record: StatementRecord): SqlValue[][] {
    if (!("rows" in record.outcome)) return [];
    return record.rowLimit === undefined
      ? record.outcome.rows
      : record.outcome.rows.slice(0, record.rowLimit);
  }

  function chunk(record: StatementRecord, index: number) {
    const all = rows(record);
    const offset = index * rowsPerChunk;
    const data = all.slice(offset, offset + rowsPerChunk);
    const last = offset + data.length >= all.length;
    return {
      chunk_index: index,
      row_offset: offset,
      row_count: data.length,
      ...(data.length > 0 ? { data_array: data.map((row) => row.map(cell)) as string[][] } : {}),
      ...(last
        ? {}
        : {
            next_chunk_index: index + 1,
            next_chunk_internal_link: `/api/2.0/sql/statements/${record.id}/result/chunks/${index + 1}`,
          }),
    };
  }

  function view(record: StatementRecord): StatementResponse {
    const { outcome, state } = record;
    if (state === "FAILED" && "error" in outcome) {
      const { message, errorCode = "BAD_REQUEST", sqlState } = outcome.error;
      return {
        statement_id: record.id,
        status: {
          state,
          error: { error_code: errorCode, message },
          ...(sqlState ? { sql_state: sqlState } : {}),
        },
      };
    }
    if (state !== "SUCCEEDED" || !("rows" in outcome)) return { statement_id: record.id, status: { state } };
    const total = rows(record).length;
    const count = Math.ceil(total / rowsPerChunk);
    const columns = outcome.columns.map((c, position) => {
      const { name, type = "STRING" } = typeof c === "string" ? { name: c } : c;
      return { name, type_name: type, type_text: TYPE_TEXT[type] ?? type.toLowerCase(), position };
    });
    const chunks = Array.from({ length: count }, (_, i) => {
      const { chunk_index, row_offset, row_count } = chunk(record, i);
      return { chunk_index, row_offset, row_count };
    });
    return {
      statement_id: record.id,
      status: { state },
      manifest: {
        format: "JSON_ARRAY",
        schema: { column_count: columns.length, columns },
        total_chunk_count: count,
        chunks,
        total_row_count: total,
        truncated: record.rowLimit !== undefined && outcome.rows.length > record.rowLimit,
      },
      result: chunk(record, 0),
    };
  }

  const { http } = ctx;
  const handlers = [
    http.post("/api/2.0/sql/statements", ({ body }) => {
      const text = requiredField(body.statement, "statement");
      const warehouse = warehouses.use(requiredField(body.warehouse_id, "warehouse_id"));
      const wait = /^(\d+)s$/.exec(body.wait_timeout ?? "10s");
      const waitSeconds = Number(wait?.[1] ?? -1);
      if (!(waitSeconds === 0 || (waitSeconds >= 5 && waitSeconds <= 50))) {
        throw invalidParameter("wait_timeout must be 0s (asynchronous) or between 5s and 50s.");
      }
      if ((body.disposition ?? "INLINE") !== "INLINE") {
        throw invalidParameter("The databricks-apim emulator supports only disposition INLINE.");
      }
      if ((body.format ?? "JSON_ARRAY") !== "JSON_ARRAY") {
        throw invalidParameter("Inline disposition only supports JSON_ARRAY format.");
      }
      serial += 1;
      const record: StatementRecord = {
        id: `01f00000-0000-4000-8000-${String(serial).padStart(12, "0")}`,
        text,
        warehouseId: body.warehouse_id,
        state: "PENDING",
        outcome: outcomeFor(text, body.catalog, body.schema),
        rowLimit: body.row_limit,
        progress: ctx.progress(),
      };
      const done = () => {
        record.state = "error" in record.outcome ? "FAILED" : "SUCCEEDED";
      };
      const running = () => {
        warehouse.ready();
        record.state = "RUNNING";
      };
      statements.set(record.id, record);
      if (waitSeconds > 0 && options.completeWithinWait) {
        running();
        done();
      } else if (waitSeconds > 0 && body.on_wait_timeout === "CANCEL") {
        record.state = "CANCELED";
      } else {
        record.progress.start([running, done]);
      }
      return view(record);
    }),
    http.get("/api/2.0/sql/statements/{statement_id}", ({ params }) => {
      const record = find(pathParam(params, "statement_id"));
      const answer = view(record);
      record.progress.poll();
      return answer;
    }),
    http.post("/api/2.0/sql/statements/{statement_id}/cancel", ({ params }) => {
      const record = find(pathParam(params, "statement_id"));
      if (record.state === "PENDING" || record.state === "RUNNING") {
        record.progress.stop();
        record.state = "CANCELED";
      }
      return {};
    }),
    http.get("/api/2.0/sql/statements/{statement_id}/result/chunks/{chunk_index}", ({ params }) => {
      const record = find(pathParam(params, "statement_id"));
      if (record.state !== "SUCCEEDED") {
        throw invalidParameter(
          `Statement ${record.id} is in state ${record.state}; results are not available.`,
        );
      }
      const index = intParam(
        new URLSearchParams({ chunk_index: pathParam(params, "chunk_index") }),
        "chunk_index",
      );
      const count = Math.ceil(rows(record).length / rowsPerChunk);
      if (index === undefined || index < 0 || index >= count) {
        throw invalidParameter(
          `Chunk index ${pathParam(params, "chunk_index")} is out of range (0..${count - 1}).`,
        );
      }
      return chunk(record, index);
    }),
  ];

  return {
    handlers,
    load() {
      statements.clear();
      registered = [];
      serial = 0;
    },
    controls: {
      onStatement(match, outcome) {
        registered.unshift({ match, outcome: structuredClone(outcome) });
      },
      statements: () =>
        [...statements.values()].map((r) => {
          r.progress.sync();
          return { statement_id: r.id, statement: r.text, warehouse_id: r.warehouseId, state: r.state };
        }),
    },
  };
}

/** A JSON_ARRAY cell: every value is a string, NULL is `null`. */
function cell(value: SqlValue): string | null {
  return value === null ? null : String(value);
}
