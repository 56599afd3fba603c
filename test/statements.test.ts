/**
 * `executeStatement` against a fake `fetch` that plays a small Statement Execution API: submit,
 * polls, result chunks and cancel, each answered from a per-route script.
 */
import { describe, expect, it } from "vitest";
import { createDatabricksClient, DatabricksApimError } from "../src/index.js";
import { executeStatement, OperationFailedError, WaitTimeoutError } from "../src/waiters/index.js";

const APIM = "https://apim.example.net";
const KEY = "sk-stmt-0123456789abcdef";
const FAST = { interval: { initial: 1, max: 2 } };
const PREFIX = `${APIM}/dbw-01/api/2.0/sql/statements`;
const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;

type Reply = unknown | (() => Promise<Response>);

/** A fake Statement Execution API: `routes` maps "METHOD /suffix" to a script (the last answer repeats). */
function fakeApi(routes: Record<string, Reply[]>) {
  const sent: Array<{ route: string; body: unknown }> = [];
  const counts = new Map<string, number>();
  const client = createDatabricksClient({
    apimUrl: APIM,
    subscriptionKey: KEY,
    maxRetries: 0,
    fetch: async (request) => {
      const route = `${request.method} ${request.url.slice(PREFIX.length) || "/"}`;
      const text = await request.text();
      sent.push({ route, body: text ? JSON.parse(text) : undefined });
      const script = routes[route];
      if (!script) return Response.json({ error_code: "NOT_FOUND", message: route }, { status: 404 });
      const index = counts.get(route) ?? 0;
      counts.set(route, index + 1);
      const reply = script[Math.min(index, script.length - 1)];
      return typeof reply === "function" ? (reply as () => Promise<Response>)() : Response.json(reply);
    },
  });
  return { client, sent, routes: () => sent.map((entry) => entry.route) };
}

const manifest = (chunks: number) => ({
  format: "JSON_ARRAY",
  schema: {
    column_count: 2,
    columns: [
      { name: "id", position: 0 },
      { name: "name", position: 1 },
    ],
  },
  total_chunk_count: chunks,
});
const succeeded = (extra: Record<string, unknown> = {}) => ({
  statement_id: "st-1",
  status: { state: "SUCCEEDED" },
  ...extra,
});
const never = () => new Promise<Response>(() => undefined);
const request = { warehouse_id: "wh-1", statement: "SELECT id, name FROM t" };

describe("executeStatement", () => {
  it("submits with INLINE JSON_ARRAY defaults and reads every chunk as rows keyed by column", async () => {
    const { client, sent, routes } = fakeApi({
      "POST /": [
        succeeded({
          manifest: manifest(3),
          result: { chunk_index: 0, data_array: [["1", "a"]], next_chunk_index: 1 },
        }),
      ],
      "GET /st-1/result/chunks/1": [{ chunk_index: 1, data_array: [["2", null]], next_chunk_index: 2 }],
      "GET /st-1/result/chunks/2": [{ chunk_index: 2, data_array: [["3", "c"]] }],
    });
    const result = await executeStatement(client, request);
    expect(sent[0]!.body).toEqual({
      ...request,
      wait_timeout: "10s",
      on_wait_timeout: "CONTINUE",
      disposition: "INLINE",
      format: "JSON_ARRAY",
    });
    expect(result.statementId).toBe("st-1");
    expect(result.columns).toEqual(["id", "name"]);
    expect(routes()).toEqual(["POST /"]);
    expect(await result.toArray()).toEqual([
      { id: "1", name: "a" },
      { id: "2", name: null },
      { id: "3", name: "c" },
    ]);
    expect(routes()).toEqual(["POST /", "GET /st-1/result/chunks/1", "GET /st-1/result/chunks/2"]);
    const arrays: unknown[] = [];
    for await (const row of result.arrays()) arrays.push(row);
    expect(arrays).toEqual([
      ["1", "a"],
      ["2", null],
      ["3", "c"],
    ]);
    const ids: Array<string | null> = [];
    for await (const row of result) ids.push(row.id ?? null);
    expect(ids).toEqual(["1", "2", "3"]);
  });

  it("keeps the caller's wait_timeout and polls a statement that outlives it", async () => {
    const { client, sent, routes } = fakeApi({
      "POST /": [{ statement_id: "st-1", status: { state: "PENDING" } }],
      "GET /st-1": [
        { statement_id: "st-1", status: { state: "RUNNING" } },
        succeeded({ manifest: manifest(1), result: { data_array: [["1", "a"]] } }),
      ],
    });
    const states: Array<string | undefined> = [];
    const result = await executeStatement(
      client,
      { ...request, wait_timeout: "0s" },
      {
        ...FAST,
        onProgress: (statement) => states.push(statement.status?.state),
      },
    );
    expect((sent[0]!.body as { wait_timeout: string }).wait_timeout).toBe("0s");
    expect(states).toEqual(["PENDING", "RUNNING", "SUCCEEDED"]);
    expect(routes()).toEqual(["POST /", "GET /st-1", "GET /st-1"]);
    expect(await result.toArray()).toEqual([{ id: "1", name: "a" }]);
  });

  it("fetches chunk 0 when the final status carries a manifest but no inline result", async () => {
    const { client } = fakeApi({
      "POST /": [succeeded({ manifest: manifest(1) })],
      "GET /st-1/result/chunks/0": [{ chunk_index: 0, data_array: [["9", "z"]] }],
    });
    expect(await (await executeStatement(client, request)).toArray()).toEqual([{ id: "9", name: "z" }]);
  });

  it("yields no rows for a statement without a result", async () => {
    const { client } = fakeApi({
      "POST /": [succeeded({ manifest: { ...manifest(0), total_row_count: 0 } })],
    });
    expect(await (await executeStatement(client, request)).toArray()).toEqual([]);
  });

  it.each(["FAILED", "CANCELED", "CLOSED"])(
    "raises OperationFailedError for %s, with the server's message",
    async (state) => {
      const { client } = fakeApi({
        "POST /": [{ statement_id: "st-1", status: { state: "PENDING" } }],
        "GET /st-1": [
          {
            statement_id: "st-1",
            status: { state, error: { error_code: "BAD_REQUEST", message: "[TABLE_OR_VIEW_NOT_FOUND] t" } },
          },
        ],
      });
      const error = await executeStatement(client, request, FAST).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OperationFailedError);
      expect(error).toMatchObject({
        resource: "statement",
        resourceId: "st-1",
        state,
        stateMessage: "[TABLE_OR_VIEW_NOT_FOUND] t",
        errorCode: "BAD_REQUEST",
      });
    },
  );

  it("cancels the statement on the server when aborted while polling", async () => {
    const { client, routes } = fakeApi({
      "POST /": [{ statement_id: "st-1", status: { state: "RUNNING" } }],
      "GET /st-1": [{ statement_id: "st-1", status: { state: "RUNNING" } }],
      "POST /st-1/cancel": [{}],
    });
    const controller = new AbortController();
    const before = timers();
    const reason = new Error("user left");
    const pending = executeStatement(client, request, {
      interval: { initial: 60_000, max: 60_000 },
      signal: controller.signal,
      onProgress: () => setTimeout(() => controller.abort(reason), 5),
    });
    await expect(pending).rejects.toBe(reason);
    expect(routes()).toEqual(["POST /", "POST /st-1/cancel"]);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it("cancels the statement when the timeout passes, and still reports the timeout if the cancel fails", async () => {
    const { client, routes } = fakeApi({
      "POST /": [{ statement_id: "st-1", status: { state: "PENDING" } }],
      "GET /st-1": [{ statement_id: "st-1", status: { state: "RUNNING" } }],
      "POST /st-1/cancel": [
        async () => Response.json({ error_code: "INTERNAL_ERROR", message: "x" }, { status: 500 }),
      ],
    });
    const error = await executeStatement(client, request, {
      timeout: 60,
      interval: { initial: 5, max: 5 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ resource: "statement", resourceId: "st-1", state: "RUNNING" });
    expect(routes().at(-1)).toBe("POST /st-1/cancel");
  });

  it("cannot cancel when aborted during the submit itself (no id yet), and sends nothing more", async () => {
    const { client, routes } = fakeApi({ "POST /": [never] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    await expect(executeStatement(client, request, { signal: controller.signal })).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(routes()).toEqual(["POST /"]);
  });

  it("does not resubmit when the submit's answer has no statement_id", async () => {
    const { client, routes } = fakeApi({ "POST /": [{ status: { state: "PENDING" } }] });
    await expect(executeStatement(client, request, FAST)).rejects.toThrow(/no statement_id/);
    expect(routes()).toEqual(["POST /"]);
  });

  it("refuses dispositions and formats it cannot read, before sending anything", async () => {
    const { client, sent } = fakeApi({});
    await expect(executeStatement(client, { ...request, disposition: "EXTERNAL_LINKS" })).rejects.toThrow(
      /INLINE JSON_ARRAY/,
    );
    await expect(executeStatement(client, { ...request, format: "ARROW_STREAM" })).rejects.toThrow(TypeError);
    expect(sent).toHaveLength(0);
  });
});

// databricks-sdk-go service/sql/ext_utilities.go `ExecuteAndWait`: SUCCEEDED returns, FAILED, CANCELED
// or CLOSED is an error with the status's `error` (message, error_code), anything else polls
// `GetStatementByStatementId` again. Field shapes: StatementResponse/StatementStatus/ResultData in
// the SQL Statement Execution API (/api/2.0/sql/statements).
describe("executeStatement, what the caller is told", () => {
  const TAIL = "(GET /api/2.0/sql/statements/{statement_id}).";

  it("words a failure with the statement id and a hint, and does not cancel a statement that ended", async () => {
    const { client, routes } = fakeApi({
      "POST /": [{ statement_id: "st-1", status: { state: "PENDING" } }],
      "GET /st-1": [
        {
          statement_id: "st-1",
          status: {
            state: "FAILED",
            error: { error_code: "BAD_REQUEST", message: "[PARSE_SYNTAX_ERROR] at 'SELEC'" },
          },
        },
      ],
      "POST /st-1/cancel": [{}],
    });
    const error = await executeStatement(client, request, FAST).catch((e: unknown) => e);
    expect(error).toMatchObject({ method: "GET", path: "/api/2.0/sql/statements/{statement_id}" });
    expect((error as Error).message).toBe(
      `Statement st-1 ended in FAILED while waiting for SUCCEEDED: [PARSE_SYNTAX_ERROR] at 'SELEC' ${TAIL} ` +
        "Check the SQL and the warehouse's query history.",
    );
    expect(routes()).toEqual(["POST /", "GET /st-1"]);
  });

  it("fails on CLOSED without an error object", async () => {
    const { client } = fakeApi({ "POST /": [{ statement_id: "st-1", status: { state: "CLOSED" } }] });
    await expect(executeStatement(client, request, FAST)).rejects.toMatchObject({
      state: "CLOSED",
      stateMessage: undefined,
      errorCode: undefined,
    });
  });

  it("keeps polling while an answer has no status", async () => {
    const { client, routes } = fakeApi({
      "POST /": [{ statement_id: "st-1" }],
      "GET /st-1": [{ statement_id: "st-1" }, succeeded()],
    });
    expect((await executeStatement(client, request, FAST)).statementId).toBe("st-1");
    expect(routes()).toEqual(["POST /", "GET /st-1", "GET /st-1"]);
  });

  it("times out on a statement that never shows a status, and cancels it", async () => {
    const { client, routes } = fakeApi({
      "POST /": [{ statement_id: "st-1" }],
      "GET /st-1": [{ statement_id: "st-1" }],
      "POST /st-1/cancel": [{}],
    });
    const error = await executeStatement(client, request, {
      timeout: 150,
      interval: { initial: 5, max: 5 },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "WaitTimeoutError", state: undefined, stateMessage: undefined });
    expect(routes().at(-1)).toBe("POST /st-1/cancel");
  });

  it("names the statement as not yet submitted when the timeout passes during the submit", async () => {
    const { client, routes } = fakeApi({ "POST /": [never] });
    const error = await executeStatement(client, request, { timeout: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toBe(
      `Timed out after 30 ms waiting for statement (not yet submitted) to reach SUCCEEDED; no state was read ${TAIL} ` +
        "Raise the waiter's timeout, or check the statement in the workspace.",
    );
    expect(routes()).toEqual(["POST /"]);
  });

  it("says which call lacked the statement_id", async () => {
    const { client } = fakeApi({ "POST /": [{ status: { state: "PENDING" } }] });
    const error = await executeStatement(client, request, FAST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabricksApimError);
    expect(error).toMatchObject({ method: "POST", path: "/api/2.0/sql/statements" });
    expect((error as Error).message).toBe(
      "Failed to execute the statement: the response has no statement_id (POST /api/2.0/sql/statements). " +
        "Check the gateway's response transformation.",
    );
  });
});

describe("executeStatement, reading results", () => {
  it("has no columns and no rows when the answer has no manifest", async () => {
    const { client, routes } = fakeApi({ "POST /": [succeeded()] });
    const result = await executeStatement(client, request);
    expect([result.manifest, result.columns]).toEqual([undefined, []]);
    expect(await result.toArray()).toEqual([]);
    expect(routes()).toEqual(["POST /"]);
  });

  it("reads rows as arrays when the manifest has no schema", async () => {
    const { client } = fakeApi({
      "POST /": [succeeded({ manifest: { total_chunk_count: 1 }, result: { data_array: [["1"]] } })],
    });
    const result = await executeStatement(client, request);
    expect(result.columns).toEqual([]);
    const arrays: unknown[] = [];
    for await (const row of result.arrays()) arrays.push(row);
    expect(arrays).toEqual([["1"]]);
  });

  it("names an unnamed column by its position", async () => {
    const { client } = fakeApi({
      "POST /": [
        succeeded({
          manifest: {
            schema: { columns: [{ position: 0 }, { name: "b", position: 1 }] },
            total_chunk_count: 1,
          },
          result: { data_array: [["1", "2"]] },
        }),
      ],
    });
    const result = await executeStatement(client, request);
    expect(result.columns).toEqual(["_c0", "b"]);
    expect(await result.toArray()).toEqual([{ _c0: "1", b: "2" }]);
  });

  it("goes past a chunk without data_array", async () => {
    const { client } = fakeApi({
      "POST /": [
        succeeded({ manifest: manifest(2), result: { chunk_index: 0, row_count: 0, next_chunk_index: 1 } }),
      ],
      "GET /st-1/result/chunks/1": [{ chunk_index: 1, data_array: [["2", "b"]] }],
    });
    expect(await (await executeStatement(client, request)).toArray()).toEqual([{ id: "2", name: "b" }]);
  });

  it("fetches further chunks under the caller's signal", async () => {
    const controller = new AbortController();
    const reason = new Error("reader gone");
    const { client, routes } = fakeApi({
      "POST /": [
        succeeded({ manifest: manifest(3), result: { data_array: [["1", "a"]], next_chunk_index: 1 } }),
      ],
      "GET /st-1/result/chunks/1": [{ chunk_index: 1, data_array: [["2", "b"]], next_chunk_index: 2 }],
      "GET /st-1/result/chunks/2": [
        async () => {
          controller.abort(reason);
          return Response.json({ chunk_index: 2, data_array: [["3", "c"]] });
        },
      ],
    });
    const result = await executeStatement(client, request, { signal: controller.signal });
    const ids: unknown[] = [];
    const reading = (async () => {
      for await (const row of result) ids.push(row.id);
    })();
    await expect(reading).rejects.toBe(reason);
    expect(ids).toEqual(["1", "2"]);
    expect(routes()).toEqual(["POST /", "GET /st-1/result/chunks/1", "GET /st-1/result/chunks/2"]);
  });
});
