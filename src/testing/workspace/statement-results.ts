/**
 * What a statement's result looks like on the wire: the manifest (schema, chunk list, `truncated`)
 * and JSON_ARRAY chunks of `rowsPerChunk` rows, cells as strings. `row_limit` and `byte_limit` cut
 * the rows and set `truncated` (databricks-sdk-go service/sql/model.go `ExecuteStatementRequest`).
 * `byte_count` / `total_byte_count` are left out: the same model says they are "not available when
 * using `INLINE` disposition", the only one the emulator serves.
 */
import type {
  ColumnInfoTypeName,
  ResultData,
  ResultManifest,
  StatementResponse,
  StatementState,
} from "../../generated/schema.js";
import type { SqlValue } from "./seed.js";
import type { SqlOutcome } from "./sql-engine.js";

/** The parts of a statement its result depends on. */
export interface ResultSource {
  id: string;
  state: StatementState;
  outcome: SqlOutcome;
  rowLimit: number | undefined;
  byteLimit: number | undefined;
}

const TYPE_TEXT: Partial<Record<ColumnInfoTypeName, string>> = {
  INT: "int",
  LONG: "bigint",
  SHORT: "smallint",
  BYTE: "tinyint",
  DECIMAL: "decimal(38,18)",
  NULL: "void",
};

/** The rows after `row_limit` and `byte_limit`, and whether either cut any. */
export function limitedRows(source: ResultSource): { rows: SqlValue[][]; truncated: boolean } {
  if (!("rows" in source.outcome)) return { rows: [], truncated: false };
  const all = source.outcome.rows;
  let rows = source.rowLimit === undefined ? all : all.slice(0, source.rowLimit);
  if (source.byteLimit !== undefined) {
    let bytes = 0;
    const fit = rows.findIndex((row) => {
      bytes += rowBytes(row);
      return bytes > (source.byteLimit ?? 0);
    });
    if (fit >= 0) rows = rows.slice(0, fit);
  }
  return { rows, truncated: rows.length < all.length };
}

/** Chunk `index` of the result. */
export function resultChunk(source: ResultSource, rowsPerChunk: number, index: number): ResultData {
  const { rows } = limitedRows(source);
  const offset = index * rowsPerChunk;
  const data = rows.slice(offset, offset + rowsPerChunk);
  const last = offset + data.length >= rows.length;
  return {
    chunk_index: index,
    row_offset: offset,
    row_count: data.length,
    ...(data.length > 0 ? { data_array: data.map((row) => row.map(cell)) as string[][] } : {}),
    ...(last
      ? {}
      : {
          next_chunk_index: index + 1,
          next_chunk_internal_link: `/api/2.0/sql/statements/${source.id}/result/chunks/${index + 1}`,
        }),
  };
}

/** Number of chunks of the result. */
export function chunkCount(source: ResultSource, rowsPerChunk: number): number {
  return Math.ceil(limitedRows(source).rows.length / rowsPerChunk);
}

/** The statement as execute / get answer it: status, and manifest plus first chunk once SUCCEEDED. */
export function statementView(source: ResultSource, rowsPerChunk: number): StatementResponse {
  const { outcome, state } = source;
  if (state === "FAILED" && "error" in outcome) {
    const { message, errorCode = "BAD_REQUEST", sqlState } = outcome.error;
    return {
      statement_id: source.id,
      status: {
        state,
        error: { error_code: errorCode, message },
        ...(sqlState ? { sql_state: sqlState } : {}),
      },
    };
  }
  if (state !== "SUCCEEDED" || !("rows" in outcome)) return { statement_id: source.id, status: { state } };
  const { rows, truncated } = limitedRows(source);
  const count = chunkCount(source, rowsPerChunk);
  const columns = outcome.columns.map((c, position) => {
    const { name, type = "STRING" } = typeof c === "string" ? { name: c } : c;
    return { name, type_name: type, type_text: TYPE_TEXT[type] ?? type.toLowerCase(), position };
  });
  const manifest: ResultManifest = {
    format: "JSON_ARRAY",
    schema: { column_count: columns.length, columns },
    total_chunk_count: count,
    chunks: Array.from({ length: count }, (_, i) => ({
      chunk_index: i,
      row_offset: i * rowsPerChunk,
      row_count: Math.min(rowsPerChunk, rows.length - i * rowsPerChunk),
    })),
    total_row_count: rows.length,
    truncated,
  };
  return {
    statement_id: source.id,
    status: { state },
    manifest,
    result: resultChunk(source, rowsPerChunk, 0),
  };
}

/** A row's size as the emulator counts it for `byte_limit`: its JSON_ARRAY encoding, in UTF-8. */
function rowBytes(row: readonly SqlValue[]): number {
  return new TextEncoder().encode(JSON.stringify(row.map(cell))).length;
}

/** A JSON_ARRAY cell: every value is a string, NULL is `null`. */
function cell(value: SqlValue): string | null {
  return value === null ? null : String(value);
}
