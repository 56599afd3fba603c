/**
 * SQL statement execution (API 2.0). As on Databricks, execute waits up to `wait_timeout` (default
 * 10 s): a statement that finishes in that time is answered in the POST's own response with its
 * terminal state, manifest and first chunk; `0s` answers PENDING at once; a statement that outlives
 * the wait is answered PENDING/RUNNING (`on_wait_timeout: CONTINUE`) or CANCELED (`CANCEL`) and the
 * client polls. Emulated statements are fast unless a test registers one as slow
 * (`onStatement(match, outcome, { polls } | { durationMs })`) or the warehouse must start first.
 * Request checks live in statement-request.ts, result shapes in statement-results.ts.
 * `next_chunk_internal_link` is relative to the workspace host, exactly as Databricks writes it, so a
 * client behind APIM must not follow it verbatim (the `/dbw-01` prefix is missing).
 */
import type { StatementResponse, StatementState } from "../../generated/schema.js";
import type { WorkspaceArea, WorkspaceContext } from "./context.js";
import { intParam, invalidParameter, notFound, pathParam, requiredField } from "./errors.js";
import type { Progress } from "./progress.js";
import { evaluateSql, normalizeSql, type SqlOutcome, type SqlSession } from "./sql-engine.js";
import { readStatementRequest } from "./statement-request.js";
import { chunkCount, type ResultSource, resultChunk, statementView } from "./statement-results.js";

/** Options of the statement emulator. */
export interface StatementOptions {
  /** Rows per result chunk. @default 1000 */
  rowsPerChunk?: number;
  /**
   * Finish statements inside `execute` when `wait_timeout` is not `0s`, as Databricks does for a
   * statement shorter than the wait. `false` makes every statement slow (PENDING → RUNNING →
   * done by polls or clock steps, see progress.ts). @default true
   */
  completeWithinWait?: boolean;
}

/** How long a registered statement runs. */
export type StatementTiming =
  /** It is still running for the first `polls` reads of `sql/statements/{id}` and done on the next. */
  | { polls: number; durationMs?: never }
  /** It runs for this much time on the mock's clock (finishing in execute if that fits the wait). */
  | { durationMs: number; polls?: never };

/** A statement the app executed, for assertions. */
export interface ExecutedStatement {
  statement_id: string;
  statement: string;
  warehouse_id: string;
  state: StatementState;
}

/** Test controls for SQL statements. */
export interface StatementControls {
  /**
   * Registers what statements matching `match` return (newest registration wins) and, optionally,
   * how long they run; without `timing` they finish within any non-zero `wait_timeout`.
   */
  onStatement(match: string | RegExp, outcome: SqlOutcome, timing?: StatementTiming): void;
  /** Every statement executed so far, oldest first. */
  statements(): ExecutedStatement[];
}

interface StatementRecord extends ResultSource {
  text: string;
  warehouseId: string;
  progress: Progress;
  /** Tells the warehouse the statement runs (a stopped one has started by then). */
  ready: () => void;
  /** Reads left before a `polls` statement is done. */
  pollsLeft: number | undefined;
  /** Clock time a `durationMs` statement is done. */
  doneAt: number | undefined;
}

interface Registration {
  match: string | RegExp;
  outcome: SqlOutcome;
  timing: StatementTiming | undefined;
}

/** Creates the statements area over the given warehouses and table lookup. */
export function createStatements(
  ctx: WorkspaceContext,
  warehouses: { use(id: string): { running: boolean; ready(): void } },
  session: Omit<SqlSession, "catalog" | "schema">,
  options: StatementOptions = {},
): WorkspaceArea<StatementControls> {
  const rowsPerChunk = Math.max(1, options.rowsPerChunk ?? 1000);
  const statements = new Map<string, StatementRecord>();
  let registered: Registration[] = [];
  let serial = 0;

  function registration(text: string, catalog?: string, schema?: string): Omit<Registration, "match"> {
    const normal = normalizeSql(text).toLowerCase();
    const hit = registered.find(({ match }) =>
      typeof match === "string" ? normalizeSql(match).toLowerCase() === normal : match.test(text),
    );
    if (hit) return { outcome: structuredClone(hit.outcome), timing: hit.timing };
    return { outcome: evaluateSql(text, { ...session, catalog, schema }), timing: undefined };
  }

  function finish(record: StatementRecord): void {
    record.ready();
    record.state = "error" in record.outcome ? "FAILED" : "SUCCEEDED";
  }

  function find(id: string): StatementRecord {
    const record = statements.get(id);
    if (!record) throw notFound(`Statement ${id} not found.`);
    record.progress.sync();
    if (record.doneAt !== undefined && isActive(record) && ctx.clock.now() >= record.doneAt) finish(record);
    return record;
  }

  const view = (record: StatementRecord): StatementResponse => statementView(record, rowsPerChunk);

  const { http } = ctx;
  const handlers = [
    http.post("/api/2.0/sql/statements", ({ body }) => {
      const statement = requiredField(body.statement, "statement");
      const request = readStatementRequest(body, statement);
      const warehouse = warehouses.use(requiredField(body.warehouse_id, "warehouse_id"));
      const { outcome, timing } = registration(request.text, body.catalog, body.schema);
      serial += 1;
      const record: StatementRecord = {
        id: `01f00000-0000-4000-8000-${String(serial).padStart(12, "0")}`,
        text: statement,
        warehouseId: body.warehouse_id,
        state: "PENDING",
        outcome: request.unbound === undefined ? outcome : unboundParameter(request.unbound),
        rowLimit: body.row_limit,
        byteLimit: body.byte_limit,
        progress: ctx.progress(),
        ready: () => warehouse.ready(),
        pollsLeft: timing?.polls === undefined ? undefined : Math.max(1, timing.polls),
        doneAt: timing?.durationMs === undefined ? undefined : ctx.clock.now() + timing.durationMs,
      };
      statements.set(record.id, record);
      const fast = options.completeWithinWait ?? true;
      const fits =
        request.waitMs > 0 &&
        warehouse.running &&
        (timing === undefined ? fast : (timing.durationMs ?? Number.POSITIVE_INFINITY) <= request.waitMs);
      if (fits) {
        finish(record);
      } else if (request.cancelOnTimeout) {
        record.state = "CANCELED";
      } else if (timing === undefined) {
        // Slow by option, or waiting for its warehouse to start: moves on like any long-running resource.
        record.progress.start([
          () => {
            record.ready();
            record.state = "RUNNING";
          },
          () => finish(record),
        ]);
      } else if (request.waitMs > 0) {
        record.ready();
        record.state = "RUNNING";
      }
      return view(record);
    }),
    http.get("/api/2.0/sql/statements/{statement_id}", ({ params }) => {
      const record = find(pathParam(params, "statement_id"));
      const answer = view(record);
      record.progress.poll();
      if (record.pollsLeft !== undefined && isActive(record)) {
        record.pollsLeft -= 1;
        record.ready();
        record.state = "RUNNING";
        if (record.pollsLeft === 0) finish(record);
      }
      return answer;
    }),
    http.post("/api/2.0/sql/statements/{statement_id}/cancel", ({ params }) => {
      const record = find(pathParam(params, "statement_id"));
      if (isActive(record)) {
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
      const count = chunkCount(record, rowsPerChunk);
      if (index === undefined || index < 0 || index >= count) {
        throw invalidParameter(
          `Chunk index ${pathParam(params, "chunk_index")} is out of range (0..${count - 1}).`,
        );
      }
      return resultChunk(record, rowsPerChunk, index);
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
      onStatement(match, outcome, timing) {
        registered.unshift({ match, outcome: structuredClone(outcome), timing: timing && { ...timing } });
      },
      statements: () =>
        [...statements.values()].map((r) => {
          r.progress.sync();
          return { statement_id: r.id, statement: r.text, warehouse_id: r.warehouseId, state: r.state };
        }),
    },
  };
}

function isActive(record: StatementRecord): boolean {
  return record.state === "PENDING" || record.state === "RUNNING";
}

/** Spark's answer to a `:name` marker without a parameter (error class UNBOUND_SQL_PARAMETER). */
function unboundParameter(name: string): SqlOutcome {
  return {
    error: {
      message: `[UNBOUND_SQL_PARAMETER] Found the unbound parameter: ${name}. Please, fix \`args\` and provide a mapping of the parameter to either a SQL literal or collection constructor functions such as \`map()\`, \`array()\`, \`struct()\`. SQLSTATE: 42P02`,
      sqlState: "42P02",
    },
  };
}
