/**
 * `executeStatement`: run SQL on a warehouse and read its rows, the whole Statement Execution API
 * flow in one call:
 * - submit with a server-side `wait_timeout` (default `10s`, so short queries finish in one round
 *   trip) and `on_wait_timeout: CONTINUE`; results come INLINE as JSON_ARRAY, because EXTERNAL_LINKS
 *   point at cloud storage outside the gateway;
 * - poll `sql/statements/{id}` until SUCCEEDED, or FAILED/CANCELED/CLOSED (`OperationFailedError`);
 * - when the caller aborts or the timeout passes, cancel the statement on the server before
 *   rejecting, so a forgotten query does not keep a warehouse busy (an abort during the submit
 *   itself cannot: there is no statement id yet);
 * - rows come from every result chunk (`next_chunk_index`), fetched as the caller iterates.
 */
import type { DatabricksClient } from "../client.js";
import { DatabricksApimError } from "../errors.js";
import { longRunning } from "../generated/operations.js";
import type {
  ExecuteStatementRequest,
  ResultData,
  ResultManifest,
  StatementResponse,
} from "../generated/schema.js";
import { unwrap } from "../unwrap.js";
import { isWaitTimeoutError } from "./errors.js";
import { type PollSpec, poll, type WaitOptions } from "./poll.js";

/** Options of `executeStatement`: the waiter options (`timeout` default 20 min, `signal`, `onProgress`). */
export type ExecuteStatementOptions = WaitOptions<StatementResponse>;

/** One row, keyed by column name (JSON_ARRAY values are strings or null). */
export type StatementRow = Record<string, string | null>;

/** A finished statement and its rows. */
export interface StatementResult {
  /** The statement's id. */
  readonly statementId: string;
  /** The final response: status SUCCEEDED, the manifest and the first result chunk. */
  readonly response: StatementResponse;
  /** The result manifest (schema, chunk and row counts, `truncated`). */
  readonly manifest: ResultManifest | undefined;
  /** Column names, in order, from the manifest. */
  readonly columns: readonly string[];
  /** Rows as objects keyed by column name, across all chunks (later duplicate names win; see `arrays`). */
  rows(): AsyncGenerator<StatementRow, void, undefined>;
  /** Rows as arrays in column order, across all chunks. */
  arrays(): AsyncGenerator<(string | null)[], void, undefined>;
  /** Every row, as objects. */
  toArray(): Promise<StatementRow[]>;
  /** Same as `rows()`: `for await (const row of result)`. */
  [Symbol.asyncIterator](): AsyncGenerator<StatementRow, void, undefined>;
}

const STATEMENT = "/api/2.0/sql/statements/{statement_id}";
const CHUNK = "/api/2.0/sql/statements/{statement_id}/result/chunks/{chunk_index}";
/** Bounds on the best-effort cancel sent after an abort or a timeout. */
const CANCEL_CALL = { maxRetries: 1, timeout: 5_000, totalTimeout: 10_000 } as const;

/**
 * Executes `request.statement` on `request.warehouse_id`, waits for it and returns its result.
 *
 *   const result = await executeStatement(client, { warehouse_id, statement: "SELECT 1 AS one" });
 *   for await (const row of result) console.log(row.one);
 * @example
 * {@includeCode ../../docs/examples/waiters.ts#executeStatement}
 */
export async function executeStatement(
  client: DatabricksClient,
  request: ExecuteStatementRequest,
  options: ExecuteStatementOptions = {},
): Promise<StatementResult> {
  if ((request.disposition ?? "INLINE") !== "INLINE" || (request.format ?? "JSON_ARRAY") !== "JSON_ARRAY") {
    throw new TypeError(
      "executeStatement reads INLINE JSON_ARRAY results only; for EXTERNAL_LINKS or ARROW_STREAM call POST /api/2.0/sql/statements directly.",
    );
  }
  const body: ExecuteStatementRequest = {
    wait_timeout: "10s",
    on_wait_timeout: "CONTINUE",
    ...request,
    disposition: "INLINE",
    format: "JSON_ARRAY",
  };
  const states = longRunning[STATEMENT];
  let statementId: string | undefined;
  const spec: PollSpec<StatementResponse> = {
    resource: "statement",
    resourceId: "(not yet submitted)",
    method: "GET",
    path: STATEMENT,
    target: states.target,
    failure: states.failure,
    get: async (signal) => {
      if (statementId !== undefined) {
        return unwrap(client.GET(STATEMENT, { params: { path: { statement_id: statementId } }, signal }));
      }
      const submitted = await unwrap(client.POST("/api/2.0/sql/statements", { body, signal }));
      if (!submitted.statement_id) {
        // Without an id there is nothing to poll, and submitting again would run the statement twice.
        throw new DatabricksApimError(
          "Failed to execute the statement: the response has no statement_id (POST /api/2.0/sql/statements). Check the gateway's response transformation.",
          { method: "POST", path: "/api/2.0/sql/statements" },
        );
      }
      statementId = submitted.statement_id;
      spec.resourceId = statementId;
      return submitted;
    },
    state: (statement) => statement.status?.state,
    message: (statement) => statement.status?.error?.message || undefined,
    errorCode: (statement) => statement.status?.error?.error_code,
    hint: "Check the SQL and the warehouse's query history.",
  };

  let final: StatementResponse;
  try {
    final = await poll(spec, options);
  } catch (error) {
    const stopped = options.signal?.aborted === true || isWaitTimeoutError(error);
    if (stopped && statementId !== undefined) await cancel(client, statementId);
    throw error;
  }
  return resultOf(client, final, statementId ?? "", options.signal);
}

/** Best effort: the caller is already on its way out with an error, so a failed cancel is ignored. */
async function cancel(client: DatabricksClient, statementId: string): Promise<void> {
  try {
    await client.POST("/api/2.0/sql/statements/{statement_id}/cancel", {
      params: { path: { statement_id: statementId } },
      ...CANCEL_CALL,
    });
  } catch {
    // Nothing more to do: the statement ends on its own when the warehouse's timeout passes.
  }
}

function resultOf(
  client: DatabricksClient,
  response: StatementResponse,
  statementId: string,
  signal: AbortSignal | undefined,
): StatementResult {
  const manifest = response.manifest;
  const columns = (manifest?.schema?.columns ?? []).map((column, index) => column.name ?? `_c${index}`);
  const fetchChunk = (index: number): Promise<ResultData> => {
    const params = { path: { statement_id: statementId, chunk_index: index } };
    return unwrap(client.GET(CHUNK, signal ? { params, signal } : { params }));
  };

  async function* arrays(): AsyncGenerator<(string | null)[], void, undefined> {
    let chunk = response.result;
    if (chunk === undefined && (manifest?.total_chunk_count ?? 0) > 0) chunk = await fetchChunk(0);
    const seen = new Set<number>();
    while (chunk !== undefined) {
      for (const row of chunk.data_array ?? []) yield row;
      const next = chunk.next_chunk_index;
      // A chunk index seen twice would loop forever; the server never sends one, so stop if it does.
      if (next === undefined || seen.has(next)) return;
      seen.add(next);
      chunk = await fetchChunk(next);
    }
  }

  async function* rows(): AsyncGenerator<StatementRow, void, undefined> {
    for await (const values of arrays()) {
      const row: StatementRow = {};
      for (const [index, name] of columns.entries()) row[name] = values[index] ?? null;
      yield row;
    }
  }

  return {
    statementId,
    response,
    manifest,
    columns,
    rows,
    arrays,
    async toArray() {
      const out: StatementRow[] = [];
      for await (const row of rows()) out.push(row);
      return out;
    },
    [Symbol.asyncIterator]: rows,
  };
}
