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

/** True when "[…]" (redactDeep's depth cut) appears anywhere in `value`, hidden fields included. */
function hasCut(value: unknown, seen = new Set<unknown>()): boolean {
  if (value === "[…]") return true;
  if (typeof value !== "object" || value === null || seen.has(value)) return false;
  seen.add(value);
  return Object.getOwnPropertyNames(value).some((key) =>
    hasCut((value as Record<string, unknown>)[key], seen),
  );
}

/** `levels` plain objects, each holding the next under `n`, around `inner`. */
function nested(levels: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = "leaf";
  for (let i = 0; i < levels; i += 1) value = wrap(value);
  return value;
}

describe("redact: secrets", () => {
  it("removes the longest secret whole when one contains another, in any order given", () => {
    expect(redact("abcdef", ["abc", "abcdef"])).toBe("[REDACTED]");
    expect(redact("abcdef", ["abcdef", "abc"])).toBe("[REDACTED]");
  });

  it("skips secrets that are not strings rather than redacting their text form", () => {
    expect(redact("undefined null", [undefined, null] as unknown as string[])).toBe("undefined null");
  });
});

describe("redactDeep: shapes", () => {
  it("keeps null, numbers and booleans, names functions, and copies null-prototype objects", () => {
    expect(redactDeep(null, secrets)).toBeNull();
    expect(redactDeep({ a: null, b: 1, c: false }, secrets)).toEqual({ a: null, b: 1, c: false });
    function sk() {}
    expect(redactDeep({ f: sk }, ["sk"])).toEqual({ f: "[function [REDACTED]]" });
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: KEY });
    expect(redactDeep(bare, secrets)).toEqual({ a: "[REDACTED]" });
  });

  it("names objects it hides by their class, or 'object' when the class has no usable name", () => {
    expect(redactDeep(new (class Socketish {})(), secrets)).toBe("[Socketish]");
    expect(redactDeep(Object.create(Object.create(null)), secrets)).toBe("[object]");
    const anonymous = new ((() => class {})())();
    expect(redactDeep(anonymous, secrets)).toBe("[object]");
    const numbered = class {};
    Object.defineProperty(numbered, "name", { value: 42 });
    expect(redactDeep(new numbered(), secrets)).toBe("[object]");
  });

  it("cuts plain data nested deeper than 8 levels, exactly there", () => {
    const out = redactDeep(
      nested(10, (n) => ({ n })),
      secrets,
    );
    let level: unknown = out;
    for (let depth = 0; depth < 8; depth += 1) {
      expect(typeof level).toBe("object");
      level = (level as { n: unknown }).n;
    }
    expect(level).toBe("[…]");
  });

  it.each([
    ["arrays", (inner: unknown) => [inner]],
    ["cause chains", (inner: unknown) => new Error("e", { cause: inner })],
    ["AggregateError members", (inner: unknown) => new AggregateError([inner], "e")],
    ["an error's own fields", (inner: unknown) => Object.assign(new Error("e"), { data: inner })],
  ])("cuts deep %s too", (_name, wrap) => {
    expect(hasCut(redactDeep(nested(12, wrap), secrets))).toBe(true);
    expect(hasCut(redactDeep(nested(3, wrap), secrets))).toBe(false);
  });
});

describe("redactDeep: errors", () => {
  it("copies only the fields the error has: no invented cause, errors or own name", () => {
    const copy = redactDeep(new TypeError("plain"), secrets);
    expect("cause" in copy).toBe(false);
    expect("errors" in copy).toBe(false);
    expect(Object.hasOwn(copy, "name")).toBe(false);
    expect(copy.name).toBe("TypeError");
    const named = new Error("x");
    named.name = "Error";
    expect(Object.hasOwn(redactDeep(named, secrets), "name")).toBe(true);
  });

  it("keeps name, stack and cause hidden but writable and deletable, like the original's", () => {
    const copy = redactDeep(new Error("x", { cause: new Error(KEY) }), secrets);
    expect(Object.keys(copy)).toEqual([]);
    copy.stack = "replaced";
    expect(copy.stack).toBe("replaced");
    expect(delete (copy as { cause?: unknown }).cause).toBe(true);
    expect("cause" in copy).toBe(false);
  });

  it("redacts an `errors` array on any error, not only on AggregateError", () => {
    const error = Object.assign(new Error("x"), { errors: [new Error(`inner ${KEY}`)] });
    const copy = redactDeep(error, secrets) as Error & { errors: Error[] };
    expect(copy.errors[0]?.message).toBe("inner [REDACTED]");
  });

  it("reads a missing or non-string message and stack as text", () => {
    const error = new Error("x");
    Object.defineProperty(error, "message", { value: undefined });
    Object.defineProperty(error, "stack", { value: 42 });
    const copy = redactDeep(error, secrets);
    expect(copy.message).toBe("");
    expect(copy.stack).toBe("42");
  });

  it("drops a prototype whose getters refuse a copy, keeping the name as an own field", () => {
    const branded = new WeakSet<object>();
    class Branded extends Error {
      constructor(message: string) {
        super(message);
        branded.add(this);
      }
    }
    // Like DOMException's accessors: they refuse a receiver the class did not build.
    Object.defineProperty(Branded.prototype, "name", {
      get(this: object) {
        if (!branded.has(this)) throw new TypeError("Illegal invocation");
        return "Branded";
      },
    });
    const copy = redactDeep(new Branded(`b ${KEY}`), secrets);
    expect(copy).toBeInstanceOf(Error);
    expect(copy).not.toBeInstanceOf(Branded);
    expect(copy.name).toBe("Branded");
    expect(copy.message).toBe("b [REDACTED]");
  });
});
