import { describe, expect, it } from "vitest";
import { ArmError, type ArmEvent, createArmClient } from "../../scripts/apim/arm.js";

const ORIGIN = "https://management.azure.com";
const PATH = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim/apis/dbw-01";

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

/** A client over a scripted fetch: replies are consumed in order; every call is recorded. */
function scripted(replies: Reply[], extra: { lroTimeoutMs?: number; token?: string } = {}) {
  const calls: Array<{ method: string; url: string; authorization: string | null }> = [];
  const sleeps: number[] = [];
  const events: ArmEvent[] = [];
  let clock = 0;
  const fetch = (async (input: URL | RequestInfo, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    calls.push({
      method: init?.method ?? "GET",
      url: String(input),
      authorization: headers.get("authorization"),
    });
    const reply = replies.shift();
    if (!reply) throw new TypeError("fetch failed");
    const body =
      reply.body === undefined
        ? null
        : typeof reply.body === "string"
          ? reply.body
          : JSON.stringify(reply.body);
    return new Response(body, { status: reply.status, headers: reply.headers ?? {} });
  }) as typeof globalThis.fetch;
  const arm = createArmClient({
    origin: ORIGIN,
    scope: `${ORIGIN}/.default`,
    credential: {
      getToken: async () => ({ token: extra.token ?? "test-token", expiresOnTimestamp: 3600e3 }),
    },
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    random: () => 0,
    onEvent: (event) => events.push(event),
    ...(extra.lroTimeoutMs ? { lroTimeoutMs: extra.lroTimeoutMs } : {}),
  });
  return { arm, calls, sleeps, events };
}

const accepted = (headers: Record<string, string>): Reply => ({ status: 202, headers });

describe("ARM client", () => {
  it("sends the token and api-version, and reads 404 as absent", async () => {
    const { arm, calls } = scripted([{ status: 404, body: { error: { code: "ResourceNotFound" } } }]);
    expect(await arm.get(PATH, { format: "rawxml" })).toBeUndefined();
    expect(calls[0]).toEqual({
      method: "GET",
      url: `${ORIGIN}${PATH}?api-version=2024-05-01&format=rawxml`,
      authorization: "Bearer test-token",
    });
  });

  it("retries 429 and 5xx honouring Retry-After, else exponential backoff", async () => {
    const { arm, sleeps, events } = scripted([
      { status: 429, headers: { "Retry-After": "7" } },
      { status: 503 },
      { status: 200, body: { ok: true } },
    ]);
    expect(await arm.get(PATH)).toEqual({ ok: true });
    expect(sleeps).toEqual([7000, 2000]);
    expect(events.map((e) => e.kind === "retry" && e.status)).toEqual([429, 503]);
  });

  it("retries network errors, then gives up with the reason", async () => {
    const { arm, calls } = scripted([]);
    await expect(arm.get(PATH)).rejects.toThrow("GET …/apis/dbw-01: fetch failed");
    expect(calls).toHaveLength(5);
  });

  it("turns an ARM error body into a message with code and details", async () => {
    const body = {
      error: { code: "ValidationError", message: "Bad", details: [{ target: "value", message: "Line 3" }] },
    };
    const { arm } = scripted([{ status: 400, body }]);
    const error = await arm.put(PATH, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArmError);
    expect(error).toMatchObject({
      status: 400,
      code: "ValidationError",
      message: "PUT …/apis/dbw-01: 400 ValidationError: Bad\n  - value: Line 3",
    });
    expect(arm.writes).toBe(1);
  });

  it("follows Azure-AsyncOperation to Succeeded, then reads the result from Location", async () => {
    const { arm, calls, sleeps } = scripted([
      accepted({
        "Azure-AsyncOperation": `${ORIGIN}/op/1?api-version=x`,
        Location: `${ORIGIN}/res/1`,
        "Retry-After": "3",
      }),
      { status: 200, body: { status: "InProgress" } },
      { status: 200, body: { status: "Succeeded" } },
      { status: 200, body: { name: "dbw-01" } },
    ]);
    expect(await arm.putAndWait(PATH, { properties: {} })).toEqual({ name: "dbw-01" });
    expect(calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual([
      `PUT ${PATH}`,
      "GET /op/1",
      "GET /op/1",
      "GET /res/1",
    ]);
    expect(sleeps).toEqual([3000, 5000]);
    expect(calls.every((c) => c.authorization === "Bearer test-token")).toBe(true);
  });

  it("throws the operation's error when it ends Failed or Canceled", async () => {
    const failed = { status: "Failed", error: { code: "ValidationError", message: "Recursive schema" } };
    const { arm } = scripted([
      accepted({ "Azure-AsyncOperation": `${ORIGIN}/op/1` }),
      { status: 200, body: failed },
    ]);
    await expect(arm.putAndWait(PATH, {})).rejects.toThrow(
      "PUT …/apis/dbw-01: long-running operation Failed ValidationError: Recursive schema",
    );
    const canceled = scripted([
      accepted({ "Azure-AsyncOperation": `${ORIGIN}/op/1` }),
      { status: 200, body: { status: "Canceled" } },
    ]);
    await expect(canceled.arm.putAndWait(PATH, {})).rejects.toThrow("long-running operation Canceled");
  });

  it("polls Location alone until it stops answering 202, and surfaces its error", async () => {
    const ok = scripted([
      accepted({ Location: `${ORIGIN}/res/1` }),
      accepted({}),
      { status: 200, body: { done: 1 } },
    ]);
    expect(await ok.arm.putAndWait(PATH, {})).toEqual({ done: 1 });
    const bad = scripted([
      accepted({ Location: `${ORIGIN}/res/1` }),
      { status: 404, body: { error: { code: "NotFound", message: "gone" } } },
    ]);
    await expect(bad.arm.putAndWait(PATH, {})).rejects.toThrow("GET /res/1: 404 NotFound: gone");
  });

  it("returns at once for a synchronous 200/201 answer", async () => {
    const { arm, calls } = scripted([{ status: 201, body: { name: "x" } }]);
    expect(await arm.putAndWait(PATH, {})).toEqual({ name: "x" });
    expect(calls).toHaveLength(1);
  });

  it("gives up at the deadline with a message", async () => {
    const forever = Array.from({ length: 20 }, () => ({ status: 200, body: { status: "Running" } }));
    const { arm } = scripted([accepted({ "Azure-AsyncOperation": `${ORIGIN}/op/1` }), ...forever], {
      lroTimeoutMs: 20_000,
    });
    await expect(arm.putAndWait(PATH, {})).rejects.toThrow("still running after 20 s");
  });

  it("refuses to send the token to a poll or nextLink URL on another host", async () => {
    const poll = scripted([accepted({ "Azure-AsyncOperation": "https://evil.example/op/1" })]);
    await expect(poll.arm.putAndWait(PATH, {})).rejects.toThrow(
      "refusing to send the ARM token to https://evil.example: it is not the ARM endpoint https://management.azure.com",
    );
    expect(poll.calls).toHaveLength(1);
    const page = scripted([
      { status: 200, body: { value: [1], nextLink: "http://management.azure.com/next" } },
    ]);
    await expect(page.arm.list(PATH)).rejects.toThrow(
      "refusing to send the ARM token to http://management.azure.com",
    );
  });

  it("follows nextLink on the ARM host", async () => {
    const { arm } = scripted([
      {
        status: 200,
        body: { value: [1, 2], nextLink: `${ORIGIN}${PATH}/operations?$skip=2&api-version=2024-05-01` },
      },
      { status: 200, body: { value: [3] } },
    ]);
    expect(await arm.list(`${PATH}/operations`)).toEqual([1, 2, 3]);
  });

  it("never repeats the token in an error message", async () => {
    const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4eHh4eHh4In0.c2lnbmF0dXJl";
    const { arm } = scripted([{ status: 400, body: `echo: Bearer ${token}` }], { token });
    const error = (await arm.put(PATH, {}).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("[REDACTED]");
    expect(error.message).not.toContain(token);
  });
});
