/**
 * Errors for failures without a usable response, built in one place: each names the call and what
 * to do next, and none carries a secret, whether in its message or in its `cause` chain.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  DatabricksAuthError,
  DatabricksConnectionError,
  DatabricksRedirectError,
  DatabricksResponseTooLargeError,
  DatabricksTimeoutError,
} from "../src/errors.js";
import { describeCause, type FailureContext, failureError, tokenError } from "../src/failures.js";

const KEY = "sk-fail-0123456789abcdef";
const context: FailureContext = {
  method: "POST",
  path: "/api/2.1/clusters/create",
  attempt: 1,
  idempotent: false,
  timeout: 60_000,
  totalTimeout: 300_000,
  maxResponseBytes: 1_000,
  previous: undefined,
  secrets: [KEY],
};

describe("failureError", () => {
  it("names a redirect's status and target origin, and says nothing was sent there", () => {
    const error = failureError(
      {
        kind: "redirect",
        cause: undefined,
        status: 302,
        targetOrigin: "https://evil.example",
        detail: "the server answered 302",
      },
      context,
    );
    expect(error).toBeInstanceOf(DatabricksRedirectError);
    expect(error.message).toMatch(
      /302 towards https:\/\/evil\.example \(POST \/api\/2\.1\/clusters\/create\)/,
    );
    expect(error.toJSON()).toMatchObject({ status: 302, targetOrigin: "https://evil.example" });
  });

  it("names the limit of a body that was too large and how to get past it", () => {
    const error = failureError(
      { kind: "too-large", cause: undefined, status: 200, detail: "the body kept coming" },
      context,
    );
    expect(error).toBeInstanceOf(DatabricksResponseTooLargeError);
    expect(error.message).toContain("maxResponseBytes (1000)");
    expect(error.message).toContain('parseAs: "stream"');
  });

  it("says a timed-out or failed POST that is not safe to repeat was not retried", () => {
    const timeout = failureError(
      { kind: "timeout", cause: undefined, detail: "no response headers within 5 ms" },
      context,
    );
    expect(timeout).toBeInstanceOf(DatabricksTimeoutError);
    expect(timeout.message).toContain("Not retried");
    const network = failureError({ kind: "network", cause: new Error("reset"), detail: "reset" }, context);
    expect(network).toBeInstanceOf(DatabricksConnectionError);
    expect(network.message).toContain("check whether it took effect");
  });

  it("redacts secrets from the detail and the whole cause chain", () => {
    const cause = new TypeError("fetch failed", { cause: new Error(`proxy said ${KEY}`) });
    const error = failureError({ kind: "network", cause, detail: `proxy said ${KEY}` }, context);
    const rendered = inspect(error, { depth: 10 });
    expect(rendered).not.toContain(KEY);
    expect(rendered).toContain("proxy said [REDACTED]");
    expect(JSON.stringify(error)).not.toContain(KEY);
  });
});

describe("failureError messages, kind by kind", () => {
  const get: FailureContext = { ...context, method: "GET", path: "/api/2.1/clusters/get", idempotent: true };
  const notSafe =
    " Not retried: POST /api/2.1/clusters/create is not safe to repeat; check whether it took effect before sending it again.";

  it("a timeout of the call's deadline names totalTimeout, the attempts and what failed before", () => {
    const error = failureError(
      { kind: "timeout", deadline: true, cause: undefined, detail: "no response within 10 ms" },
      { ...get, attempt: 3, previous: `HTTP 503 ${KEY}` },
    );
    expect(error.message).toBe(
      "Timed out: the call's deadline (totalTimeout 300000 ms) ran out, no response within 10 ms (GET /api/2.1/clusters/get, 3 attempts); the attempt before failed with HTTP 503 [REDACTED]. Raise totalTimeout for slow operations.",
    );
    const first = failureError(
      { kind: "timeout", deadline: true, cause: undefined, detail: "d" },
      { ...get, attempt: 1, previous: undefined },
    );
    expect(first.message).toBe(
      "Timed out: the call's deadline (totalTimeout 300000 ms) ran out, d (GET /api/2.1/clusters/get). Raise totalTimeout for slow operations.",
    );
  });

  it("a per-attempt timeout points to timeout, or says a call not safe to repeat was not retried", () => {
    const safe = failureError({ kind: "timeout", cause: undefined, detail: "d" }, get);
    expect(safe).toBeInstanceOf(DatabricksTimeoutError);
    expect(safe.message).toBe(
      "Timed out: d (GET /api/2.1/clusters/get). Raise timeout (per attempt) for slow operations, or check the gateway's backend timeout.",
    );
    const unsafe = failureError({ kind: "timeout", cause: undefined, detail: "d" }, context);
    expect(unsafe.message).toBe(`Timed out: d (POST /api/2.1/clusters/create).${notSafe}`);
  });

  it("a cut or non-JSON 2xx body is INVALID_RESPONSE_BODY", () => {
    const error = failureError(
      { kind: "invalid-body", cause: undefined, status: 200, detail: "d" },
      { ...get, attempt: 2 },
    );
    expect(error).toBeInstanceOf(DatabricksConnectionError);
    expect(error.message).toBe(
      "Invalid response: d (GET /api/2.1/clusters/get, 2 attempts). The body was cut short or is not JSON.",
    );
    expect(error.toJSON()).toMatchObject({ errorCode: "INVALID_RESPONSE_BODY", status: 200, method: "GET" });
    const unsafe = failureError({ kind: "invalid-body", cause: undefined, detail: "d" }, context);
    expect(unsafe.message).toBe(
      `Invalid response: d (POST /api/2.1/clusters/create). The body was cut short or is not JSON.${notSafe}`,
    );
  });

  it("a network failure names the attempts and points to connectivity, or says it was not retried", () => {
    const error = failureError({ kind: "network", cause: undefined, detail: "d" }, { ...get, attempt: 4 });
    expect(error.message).toBe(
      "Network error: d (GET /api/2.1/clusters/get, 4 attempts). Check connectivity to the gateway.",
    );
    expect(error.toJSON()).toMatchObject({ method: "GET", path: "/api/2.1/clusters/get" });
    const unsafe = failureError({ kind: "network", cause: undefined, detail: "d" }, context);
    expect(unsafe.message).toBe(`Network error: d (POST /api/2.1/clusters/create).${notSafe}`);
  });

  it("a redirect is REDIRECT; a followed one warns that the key may have left", () => {
    const refused = failureError({ kind: "redirect", cause: undefined, status: 307, detail: "d" }, get);
    expect(refused.message).toBe(
      "Redirect refused: d (GET /api/2.1/clusters/get). The client never follows redirects, so the key, token and body go nowhere else; check the gateway URL and its policies.",
    );
    expect(refused.toJSON()).toMatchObject({ errorCode: "REDIRECT", status: 307 });
    const followed = failureError(
      {
        kind: "redirect",
        cause: undefined,
        detail: "d",
        followed: true,
        targetOrigin: "https://evil.example",
      },
      get,
    );
    expect(followed.message).toBe(
      'Redirect refused: d towards https://evil.example (GET /api/2.1/clusters/get), so the key or token may have reached it. A custom fetch must keep the Request\'s redirect: "manual".',
    );
  });

  it("a body over maxResponseBytes is RESPONSE_TOO_LARGE and carries the limit", () => {
    const error = failureError({ kind: "too-large", cause: undefined, detail: "d" }, get);
    expect(error.message).toBe(
      'Response too large: d, over maxResponseBytes (1000) (GET /api/2.1/clusters/get). Raise maxResponseBytes, ask for less (page size, byte_limit), or use parseAs: "stream".',
    );
    expect(error.toJSON()).toMatchObject({ errorCode: "RESPONSE_TOO_LARGE", maxResponseBytes: 1000 });
  });
});

describe("failureError's cause", () => {
  it("keeps a clean cause chain as it is: class, code and message", () => {
    const inner = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    const cause = new TypeError("fetch failed", { cause: inner });
    const error = failureError({ kind: "network", cause, detail: "fetch failed" }, context);
    expect(error.cause).toBeInstanceOf(TypeError);
    expect((error.cause as Error).message).toBe("fetch failed");
    expect(((error.cause as Error).cause as { code?: string }).code).toBe("ECONNRESET");
  });

  it("copies a dirty chain with names, messages, stacks and string codes redacted", () => {
    const inner = Object.assign(new Error(`proxy said ${KEY}`), { code: "EPROXY" });
    const cause = new TypeError("fetch failed", { cause: inner });
    const error = failureError({ kind: "network", cause, detail: "fetch failed" }, context);
    const copy = error.cause as Error;
    expect(copy.name).toBe("TypeError");
    expect(copy.message).toBe("fetch failed");
    const innerCopy = copy.cause as Error & { code?: string };
    expect(innerCopy.message).toBe("proxy said [REDACTED]");
    expect(innerCopy.code).toBe("EPROXY");
    expect(innerCopy.stack).not.toContain(KEY);
    expect(innerCopy.stack).toContain("proxy said [REDACTED]");
  });
});

describe("tokenError", () => {
  const base = {
    scopes: ["s1/.default", "s2"],
    method: "GET",
    path: "/api/2.1/clusters/get",
    secrets: [KEY],
  };

  it("says the credential returned no token, naming the scopes and the call", () => {
    const error = tokenError(base);
    expect(error).toBeInstanceOf(DatabricksAuthError);
    expect(error.message).toBe(
      "The credential returned no token for s1/.default s2 (GET /api/2.1/clusters/get).",
    );
    expect(error.cause).toBeUndefined();
    expect(error).toMatchObject({ method: "GET", path: "/api/2.1/clusters/get" });
  });

  it("quotes the credential's own error, redacted, and keeps a redacted cause", () => {
    const error = tokenError({ ...base, cause: new Error(`AADSTS7000215 for ${KEY}`) });
    expect(error.message).toBe(
      "Failed to get a token for s1/.default s2: AADSTS7000215 for [REDACTED] (GET /api/2.1/clusters/get). Check the credential's configuration.",
    );
    expect((error.cause as Error).message).toBe("AADSTS7000215 for [REDACTED]");
    expect(inspect(error, { depth: 5 })).not.toContain(KEY);
  });

  it("calls a thrown non-Error an unknown error", () => {
    expect(tokenError({ ...base, cause: `raw ${KEY}` }).message).toContain(": unknown error (GET ");
  });
});

describe("describeCause", () => {
  it.each([
    [
      "undici's chain",
      new TypeError("fetch failed", {
        cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
      }),
      "fetch failed: read ECONNRESET",
    ],
    [
      "a code missing from the message",
      Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
      "socket hang up (ECONNRESET)",
    ],
    ["a numeric code is not named", Object.assign(new Error("boom"), { code: 5 }), "boom"],
    ["repeated messages once", new Error("x", { cause: new Error("x", { cause: new Error("y") }) }), "x: y"],
    ["empty messages skipped", new Error("", { cause: new Error("inner") }), "inner"],
    [
      "four levels at most",
      new Error("1", {
        cause: new Error("2", {
          cause: new Error("3", { cause: new Error("4", { cause: new Error("5") }) }),
        }),
      }),
      "1: 2: 3: 4",
    ],
    ["not an Error", "a string", "network error"],
    ["nothing", undefined, "network error"],
  ])("%s", (_name, cause, expected) => {
    expect(describeCause(cause)).toBe(expected);
  });
});
