import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { ArmError, type ArmEvent, createArmClient } from "../../scripts/apim/arm.js";

const ORIGIN = "https://management.azure.com";
const PATH = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim/apis/dbw-01";

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

/** A client over a scripted fetch: replies are consumed in order; every call is recorded. */
function scripted(
  replies: Reply[],
  extra: { lroTimeoutMs?: number; conflictTimeoutMs?: number; token?: string } = {},
) {
  const calls: Array<{ method: string; url: string; authorization: string | null; redirect?: string }> = [];
  const sleeps: number[] = [];
  const events: ArmEvent[] = [];
  let clock = 0;
  const fetch = (async (input: URL | RequestInfo, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    calls.push({
      method: init?.method ?? "GET",
      url: String(input),
      authorization: headers.get("authorization"),
      ...(init?.redirect ? { redirect: init.redirect } : {}),
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
    ...(extra.conflictTimeoutMs ? { conflictTimeoutMs: extra.conflictTimeoutMs } : {}),
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
      redirect: "manual",
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

  // core-lro reads a PUT's result at the request URL (sdk/core/core-lro/src/http/operation.ts,
  // findResourceLocation: `case "PUT": return requestPath`), not at the temporary Location.
  it("follows Azure-AsyncOperation to Succeeded, then reads the resource at the PUT's URL", async () => {
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
      `GET ${PATH}`,
    ]);
    // Retry-After first, then the shared backoff (src/retry-timing.ts) with random() = 0.
    expect(sleeps).toEqual([3000, 7500]);
    expect(calls.every((c) => c.authorization === "Bearer test-token")).toBe(true);
  });

  // The swagger example ApiManagementCreateApiUsingOai3Import.json (2024-05-01) answers 200 and 201 with
  // both headers and provisioningState "InProgress"; core-lro polls whenever a header is present.
  it.each([200, 201])("polls a %i answer that carries the headers and InProgress", async (status) => {
    const { arm, calls } = scripted([
      {
        status,
        headers: {
          location: `${ORIGIN}/apis/tempgroup?asyncId=5c73&asyncCode=${status}`,
          "Azure-AsyncOperation": `${ORIGIN}/tenant/operationResults/5c73`,
        },
        body: { name: "petstoreapi", properties: { provisioningState: "InProgress" } },
      },
      { status: 200, body: { status: "Succeeded" } },
      { status: 200, body: { name: "petstoreapi", properties: { provisioningState: "Succeeded" } } },
    ]);
    expect(await arm.putAndWait(PATH, {})).toMatchObject({ properties: { provisioningState: "Succeeded" } });
    expect(calls.map((c) => new URL(c.url).pathname)).toEqual([PATH, "/tenant/operationResults/5c73", PATH]);
  });

  // core-lro's transformStatus compares lower-cased and knows both spellings of cancelled; the status may
  // sit under properties (terraform-provider-azurerm#22771: "Missing status property").
  it("reads nested and differently cased statuses", async () => {
    const nested = scripted([
      accepted({ "Azure-AsyncOperation": `${ORIGIN}/op/1` }),
      { status: 200, body: { properties: { status: "inprogress" } } },
      { status: 200, body: { properties: { provisioningState: "succeeded" } } },
      { status: 200, body: { name: "x" } },
    ]);
    expect(await nested.arm.putAndWait(PATH, {})).toEqual({ name: "x" });
    const cancelled = scripted([
      accepted({ "Azure-AsyncOperation": `${ORIGIN}/op/1` }),
      { status: 200, body: { properties: { status: "Cancelled" } } },
    ]);
    await expect(cancelled.arm.putAndWait(PATH, {})).rejects.toThrow("long-running operation Canceled");
    const failed = scripted([
      accepted({ "Azure-AsyncOperation": `${ORIGIN}/op/1` }),
      { status: 200, body: { status: "FAILED", error: { code: "ValidationError", message: "bad" } } },
    ]);
    await expect(failed.arm.putAndWait(PATH, {})).rejects.toThrow(
      "long-running operation Failed ValidationError: bad",
    );
  });

  it("polls the resource itself when a 201 says InProgress without headers (core-lro Body mode)", async () => {
    const { arm, calls } = scripted([
      { status: 201, body: { properties: { provisioningState: "InProgress" } } },
      { status: 200, body: { properties: { provisioningState: "Succeeded" } } },
      { status: 200, body: { properties: { provisioningState: "Succeeded", v: 2 } } },
    ]);
    expect(await arm.putAndWait(PATH, {})).toMatchObject({ properties: { v: 2 } });
    expect(calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual([
      `PUT ${PATH}`,
      `GET ${PATH}`,
      `GET ${PATH}`,
    ]);
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

  // terraform-provider-azurerm#23322: APIM's Location answers 404 while a large API is being created.
  it("polls Location alone through 202 and 404 until it answers, then reads the resource; surfaces an error", async () => {
    const ok = scripted([
      { status: 201, headers: { Location: `${ORIGIN}/res/1` } },
      { status: 404, body: { error: { code: "ResourceNotFound", message: "not yet" } } },
      accepted({}),
      { status: 200, body: { done: 1 } },
      { status: 200, body: { name: "dbw-01" } },
    ]);
    expect(await ok.arm.putAndWait(PATH, {})).toEqual({ name: "dbw-01" });
    expect(ok.calls.map((c) => new URL(c.url).pathname)).toEqual([PATH, "/res/1", "/res/1", "/res/1", PATH]);
    const bad = scripted([
      accepted({ Location: `${ORIGIN}/res/1` }),
      { status: 400, body: { error: { code: "ValidationError", message: "duplicate signature" } } },
    ]);
    await expect(bad.arm.putAndWait(PATH, {})).rejects.toThrow(
      "GET /res/1: 400 ValidationError: duplicate signature",
    );
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

  // Azure/apiops src/common/Http.cs, CommonRetryPolicy.ShouldRetryInner: 412 always; 409/422 with
  // ManagementApiRequestFailed; 409 Conflict/PessimisticConcurrencyConflict "Operation on the API is in progress".
  it.each([
    [409, { code: "PessimisticConcurrencyConflict", message: "Operation on the API is in progress" }],
    [409, { code: "Conflict", message: "Operation on the API is in progress" }],
    [412, { code: "PreconditionFailed", message: "The entity has been modified" }],
    [422, { code: "ManagementApiRequestFailed", message: "Request failed" }],
    [409, { code: "ManagementApiRequestFailed", message: "Request failed" }],
  ])("retries a write that meets %i %o with backoff", async (status, error) => {
    const { arm, calls, sleeps, events } = scripted([
      { status, body: { error } },
      { status, body: { error }, headers: { "Retry-After": "4" } },
      { status: 200, body: { ok: 1 } },
    ]);
    expect(await arm.put(PATH, {})).toEqual({ ok: 1 });
    expect(calls).toHaveLength(3);
    expect(sleeps).toEqual([1000, 4000]);
    expect(events[0]).toMatchObject({ kind: "retry", status, code: error.code });
    expect(arm.writes).toBe(1);
  });

  it("does not retry other conflicts, nor a conflict on a read; gives up at the conflict deadline", async () => {
    const other = scripted([{ status: 409, body: { error: { code: "Conflict", message: "name in use" } } }]);
    await expect(other.arm.put(PATH, {})).rejects.toThrow("409 Conflict: name in use");
    expect(other.calls).toHaveLength(1);
    const busy = {
      status: 409,
      body: {
        error: { code: "PessimisticConcurrencyConflict", message: "Operation on the API is in progress" },
      },
    };
    const read = scripted([busy]);
    await expect(read.arm.get(PATH)).rejects.toThrow("PessimisticConcurrencyConflict");
    expect(read.calls).toHaveLength(1);
    const forever = scripted(
      Array.from({ length: 20 }, () => busy),
      { conflictTimeoutMs: 10_000 },
    );
    await expect(forever.arm.put(PATH, {})).rejects.toThrow(
      "409 PessimisticConcurrencyConflict: Operation on the API is in progress",
    );
    expect(forever.sleeps).toEqual([1000, 2000, 4000]);
  });

  it("never follows a redirect: a 3xx is an error and nothing is sent to its Location", async () => {
    const { arm, calls } = scripted([{ status: 302, headers: { Location: "https://evil.example/steal" } }]);
    await expect(arm.get(PATH)).rejects.toThrow("302 redirect to https://evil.example/steal not followed");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.redirect).toBe("manual");
  });

  it("redacts a token before shortening the error text, so half a token never leaks", async () => {
    const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4eHh4eHh4In0.c2lnbmF0dXJlLXBhcnQtbG9uZw";
    // The token straddles the 500-character cut.
    const body = `${"x".repeat(480)} Bearer ${token} ${"y".repeat(100)}`;
    const { arm } = scripted([{ status: 400, body }], { token });
    const error = (await arm.put(PATH, {}).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("[REDACTED]");
    expect(error.message).not.toContain(token.slice(0, 30));
    expect(error.message).toContain("more characters)");
  });

  it("with the real fetch, a redirect is not followed and the token goes nowhere else", async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization ?? "-"}`);
      if (req.url?.startsWith("/subscriptions/")) res.writeHead(307, { location: "/elsewhere" }).end();
      else res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const arm = createArmClient({
        origin,
        scope: `${origin}/.default`,
        credential: { getToken: async () => ({ token: "loopback-token", expiresOnTimestamp: 3600e3 }) },
        fetch: globalThis.fetch,
        sleep: async () => {},
        now: () => 0,
      });
      await expect(arm.put(PATH, {})).rejects.toThrow("307 redirect to /elsewhere not followed");
      expect(seen).toEqual([`${PATH}?api-version=2024-05-01 Bearer loopback-token`]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
