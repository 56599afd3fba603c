import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  ApimGatewayError,
  createDatabricksClient,
  DatabricksApimError,
  DatabricksAuthError,
  InvalidParameterValue,
  unwrap,
} from "../src/index.js";
import { redact, redactAll, redactDeep } from "../src/redact.js";
import { APIM, KEY } from "./helpers.js";

const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiIyZmY4MTRhNiJ9.c2lnbmF0dXJl";
const secrets = [KEY];

/** Every way an app might log an error. */
function views(error: unknown): string[] {
  return [
    String(error),
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    inspect(error),
    JSON.stringify(error),
    (error as Error).stack ?? "",
  ];
}

function expectClean(error: unknown, ...leaks: string[]): void {
  for (const view of views(error)) {
    for (const leak of [KEY, KEY.toUpperCase(), JWT, ...leaks]) expect(view).not.toContain(leak);
  }
}

describe("redact", () => {
  it("matches any letter case (a server may upper-case what it echoes)", () => {
    expect(redact(`key=${KEY.toUpperCase()};`, secrets)).toBe("key=[REDACTED];");
  });

  it("redacts short secrets too (the emulator's keys on localhost)", () => {
    expect(redact("header abc123 echoed", ["abc123"])).toBe("header [REDACTED] echoed");
  });

  it("redacts the URL-encoded form of a key with reserved characters", () => {
    const key = "k3y/with+plus=and&more";
    expect(redact(`?k=${encodeURIComponent(key)}`, [key])).toBe("?k=[REDACTED]");
  });

  it("ignores empty secrets and treats regex characters literally", () => {
    expect(redact("a.b.c", ["", "a.b"])).toBe("[REDACTED].c");
    expect(redact("axb", ["a.b"])).toBe("axb");
  });

  it("redactAll also removes bearer-JWT shapes", () => {
    expect(redactAll(`Bearer ${JWT}`, [])).toBe("Bearer [REDACTED]");
  });

  it("redactDeep copies plain data, keeps cycles, and hides objects it cannot see into", () => {
    const data: Record<string, unknown> = { a: [KEY, { b: `x ${KEY}` }], [KEY]: 1, n: 2, when: new Date(0) };
    data.self = data;
    data.request = new Request("https://apim.example.net/", {
      headers: { "Ocp-Apim-Subscription-Key": KEY },
    });
    const out = redactDeep(data, secrets);
    expect(out).not.toBe(data);
    expect(out.a).toEqual(["[REDACTED]", { b: "x [REDACTED]" }]);
    expect(out["[REDACTED]"]).toBe(1);
    expect(out.self).toBe(out);
    expect(out.request).toBe("[Request]");
    expect(out.when).toEqual(new Date(0));
    expect(inspect(out, { depth: 20 })).not.toContain(KEY);
  });
});

describe("DatabricksApimError redacts what it is given, once, at construction", () => {
  it("message, errorCode, requestId, path and details (deep)", () => {
    const error = new DatabricksApimError(`failed with ${KEY}`, {
      method: "GET",
      path: `/api/x/${KEY}`,
      errorCode: `CODE_${KEY}`,
      requestId: `req-${KEY.toUpperCase()}`,
      details: [{ metadata: { header: KEY, nested: [[JWT]] } }],
      secrets,
    });
    expect(error.message).toBe("failed with [REDACTED]");
    expect(error.errorCode).toBe("CODE_[REDACTED]");
    expect(error.requestId).toBe("req-[REDACTED]");
    expect(error.details).toEqual([{ metadata: { header: "[REDACTED]", nested: [["[REDACTED]"]] } }]);
    expectClean(error);
    // The secrets themselves are not kept on the error.
    expect(Object.values(error)).not.toContain(secrets);
  });

  it("ApimGatewayError's activityId", () => {
    const error = new ApimGatewayError("gateway", {
      method: "GET",
      path: "/p",
      reason: "backend-failure",
      activityId: `act ${KEY}`,
      secrets,
    });
    expect(error.activityId).toBe("act [REDACTED]");
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ activityId: "act [REDACTED]" });
    expectClean(error);
  });

  it("keeps a redacted copy of the whole cause chain, with each error's class, code and stack", () => {
    class ProxyError extends Error {
      override name = "ProxyError";
      code = "EPROXY";
      headers = { "ocp-apim-subscription-key": KEY };
    }
    const root = new TypeError(`socket said ${KEY}`);
    root.stack = `TypeError: socket said ${KEY}\n    at connect (net.js:1:1)`;
    const middle = new ProxyError(`proxy failed for ${KEY}`, { cause: root });
    const top = new Error(`fetch failed ${JWT}`, { cause: middle });
    const error = new DatabricksApimError("Network error", {
      method: "GET",
      path: "/p",
      cause: top,
      secrets,
    });

    expectClean(error);
    const copy = error.cause as Error;
    expect(copy).not.toBe(top);
    expect(copy.message).toBe("fetch failed [REDACTED]");
    const proxy = copy.cause as ProxyError;
    expect(proxy).toBeInstanceOf(ProxyError);
    expect(proxy).toMatchObject({
      name: "ProxyError",
      code: "EPROXY",
      headers: { "ocp-apim-subscription-key": "[REDACTED]" },
    });
    expect(proxy.stack).toContain("proxy failed for [REDACTED]");
    expect(proxy.cause).toBeInstanceOf(TypeError);
    expect((proxy.cause as Error).message).toBe("socket said [REDACTED]");
    expect((proxy.cause as Error).stack).toBe(
      "TypeError: socket said [REDACTED]\n    at connect (net.js:1:1)",
    );
    // The originals are left as they were.
    expect(root.message).toContain(KEY);
  });

  it("copies a clean cause too, so no later change to the original can leak through", () => {
    const original = new Error("clean");
    const error = new DatabricksApimError("x", { method: "GET", path: "/p", cause: original, secrets });
    expect(error.cause).not.toBe(original);
    expect(error.cause).toBeInstanceOf(Error);
    original.message = KEY;
    expectClean(error);
  });

  it("redacts AggregateError members, non-Error throwables and cyclic chains", () => {
    const aggregate = new AggregateError([new Error(KEY), `string ${KEY}`], `all failed ${KEY}`);
    const error = new DatabricksApimError("x", { method: "GET", path: "/p", cause: aggregate, secrets });
    expectClean(error);
    const copy = error.cause as AggregateError;
    expect(copy).toBeInstanceOf(AggregateError);
    expect(copy.errors).toHaveLength(2);
    expect((copy.errors[0] as Error).message).toBe("[REDACTED]");

    for (const thrown of [`plain ${KEY}`, { message: KEY, nested: { token: JWT } }]) {
      expectClean(new DatabricksApimError("x", { method: "GET", path: "/p", cause: thrown, secrets }));
    }
    const a = new Error(`a ${KEY}`);
    const b = new Error(`b ${KEY}`, { cause: a });
    (a as { cause?: unknown }).cause = b;
    const cyclic = new DatabricksApimError("x", { method: "GET", path: "/p", cause: b, secrets });
    expectClean(cyclic);
    const first = cyclic.cause as Error;
    expect((first.cause as Error).cause).toBe(first);
  });

  it("rebuilds a DOMException cause (an abort or timeout reason) as a DOMException", () => {
    const reason = new DOMException(`aborted ${KEY}`, "TimeoutError");
    const error = new DatabricksApimError("x", { method: "GET", path: "/p", cause: reason, secrets });
    expectClean(error);
    expect(error.cause).toBeInstanceOf(DOMException);
    expect(error.cause).toMatchObject({ name: "TimeoutError", message: "aborted [REDACTED]" });
  });

  it("subclasses redact too (InvalidParameterValue)", () => {
    expectClean(new InvalidParameterValue(`bad ${KEY}`, { method: "GET", path: "/p", secrets }));
  });
});

describe("a credential's own error", () => {
  it("becomes a DatabricksAuthError whose cause chain holds no token", async () => {
    const client = createDatabricksClient({
      apimUrl: APIM,
      subscriptionKey: KEY,
      scopes: "api://apim/.default",
      maxRetries: 0,
      credential: {
        getToken: async () => {
          throw new Error(`token endpoint answered ${JWT}`, { cause: new Error(`inner ${JWT}`) });
        },
      },
    });
    const error = await unwrap(client.GET("/api/2.1/clusters/list")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabricksAuthError);
    expectClean(error);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});

describe("the emulator's short keys (accepted only on localhost)", () => {
  it("are still redacted from errors", async () => {
    const key = "k3y";
    const fetch = async () =>
      Response.json({ statusCode: 401, message: `Access denied: invalid key K3Y (k3y)` }, { status: 401 });
    const client = createDatabricksClient({ apimUrl: "http://127.0.0.1:9", subscriptionKey: key, fetch });
    const error = await unwrap(client.GET("/api/2.1/clusters/list")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApimGatewayError);
    for (const view of views(error)) expect(view.toLowerCase()).not.toContain(key);
  });
});
