/**
 * Checks before sending, row by row: a call stays on the configured origin and path prefix, and bad
 * input (CR/LF in headers, dot or empty path segments) is refused naming the problem, not the value.
 */
import { describe, expect, it } from "vitest";
import { checkCallNumber, checkHeaders, checkPathParams, checkTarget } from "../src/call-checks.js";
import { DatabricksConfigError } from "../src/errors.js";

const BASE = "https://apim.example.net/dbw-01";

describe("checkTarget", () => {
  it.each([
    [`${BASE}/api/2.1/clusters/get?cluster_id=..`, true],
    [`${BASE}/api/2.0/sql/statements/abc`, true],
    ["https://evil.example/dbw-01/api/2.1/clusters/get", false],
    ["http://apim.example.net/dbw-01/api/2.1/clusters/get", false],
    ["https://apim.example.net:8443/dbw-01/api/2.1/clusters/get", false],
    ["https://apim.example.net/other/api/2.1/clusters/get", false],
    ["https://apim.example.net/dbw-01x/api/2.1/clusters/get", false],
    [`${BASE}/api/2.0/sql/statements/..`, false],
    [`${BASE}/api/2.0/sql/statements/.`, false],
    [`${BASE}/api/2.0/sql/statements/%2E%2e`, false],
    [`${BASE}/api/2.0/sql/statements/`, false],
    [`${BASE}/api/2.0//statements/x`, false],
    [`${BASE}/api/2.0/sql/statements/{statement_id}`, false],
    [`${BASE}/api/2.0/sql/statements/a..b`, true],
  ])("%s → allowed %s", (url, allowed) => {
    if (allowed) expect(() => checkTarget(url, BASE)).not.toThrow();
    else expect(() => checkTarget(url, BASE)).toThrow(DatabricksConfigError);
  });

  it("allows a workspace URL without a path prefix (direct mode)", () => {
    expect(() =>
      checkTarget(
        "https://adb-1.2.azuredatabricks.net/api/2.1/clusters/get",
        "https://adb-1.2.azuredatabricks.net",
      ),
    ).not.toThrow();
  });
});

describe("checkHeaders", () => {
  it.each([
    [{ "x-a": "ok" }, true],
    [[["x-a", "ok"]], true],
    [new Headers({ "x-a": "ok" }), true],
    [undefined, true],
    [{ "x-a": "bad\r\nInjected: 1" }, false],
    [{ "x-a": "trailing\n" }, false],
    [[["x-a", "nul\0"]], false],
    [{ "x-a\r\nInjected": "1" }, false],
  ])("%o → allowed %s", (headers, allowed) => {
    if (allowed) expect(() => checkHeaders(headers)).not.toThrow();
    else expect(() => checkHeaders(headers)).toThrow(DatabricksConfigError);
  });

  it("names the header, never its value", () => {
    expect(() => checkHeaders({ "x-trace": "secret-value\r\n" })).toThrow(/x-trace/);
    expect(() => checkHeaders({ "x-trace": "secret-value\r\n" })).not.toThrow(/secret-value/);
  });
});

describe("checkPathParams", () => {
  it.each([
    [{ path: { statement_id: "abc" } }, true],
    [{ path: { statement_id: "a.b" } }, true],
    [{ path: { chunk_index: 0 } }, true],
    [{ query: { x: "" } }, true],
    [{ path: { statement_id: ".." } }, false],
    [{ path: { statement_id: "." } }, false],
    [{ path: { statement_id: "" } }, false],
  ])("%o → allowed %s", (params, allowed) => {
    if (allowed) expect(() => checkPathParams(params)).not.toThrow();
    else expect(() => checkPathParams(params)).toThrow(/path parameter/);
  });
});

describe("call-check messages and edge cases", () => {
  const refusal = (check: () => void): string => {
    try {
      check();
    } catch (error) {
      expect(error).toBeInstanceOf(DatabricksConfigError);
      return (error as Error).message;
    }
    throw new Error("expected a refusal");
  };

  it("names each checkTarget problem", () => {
    expect(refusal(() => checkTarget("not a url", BASE))).toBe("Invalid call: the request URL is not valid");
    expect(refusal(() => checkTarget("https://evil.example/dbw-01/api/2.1/clusters/get", BASE))).toBe(
      "Invalid call: the request would go to https://evil.example, not the configured https://apim.example.net; per-call baseUrl and absolute URLs are not allowed",
    );
    expect(refusal(() => checkTarget("https://apim.example.net/other/api", BASE))).toBe(
      "Invalid call: the request path is outside the configured base path /dbw-01",
    );
    expect(refusal(() => checkTarget(`${BASE}/api/2.0//x`, BASE))).toBe(
      "Invalid call: the path /dbw-01/api/2.0//x has an empty segment (an empty path parameter?)",
    );
    expect(refusal(() => checkTarget(`${BASE}/api/2.0/sql/statements/..`, BASE))).toBe(
      'Invalid call: the path /dbw-01/api/2.0/sql/statements/.. has a "." or ".." segment',
    );
    expect(refusal(() => checkTarget(`${BASE}/api/2.0/sql/statements/x}`, BASE))).toBe(
      "Invalid call: the path /dbw-01/api/2.0/sql/statements/x} has an unfilled path parameter",
    );
  });

  it("checks the path only: dots or slashes in the query or fragment are data", () => {
    expect(() => checkTarget(`${BASE}/api/2.0/workspace/get-status?path=/Users/../x`, BASE)).not.toThrow();
    expect(() => checkTarget(`${BASE}/api/2.0/workspace/list#/../x`, BASE)).not.toThrow();
  });

  it("accepts a configured base URL with a trailing slash, and '...' or '.x' as ordinary names", () => {
    expect(() => checkTarget(`${BASE}/api/2.1/clusters/get`, `${BASE}/`)).not.toThrow();
    expect(() => checkTarget(`${BASE}/api/2.0/workspace/...`, BASE)).not.toThrow();
    expect(() => checkTarget(`${BASE}/api/2.0/workspace/.x`, BASE)).not.toThrow();
    expect(() => checkTarget(`${BASE}/api/2.0/workspace/x%2e`, BASE)).not.toThrow();
    expect(() => checkTarget(`${BASE}/api/2.0/workspace/.%2E`, BASE)).toThrow(DatabricksConfigError);
  });

  it("names a header with CR/LF replaced by spaces, and checks every value of a multi-valued header", () => {
    expect(refusal(() => checkHeaders({ "x-a\r\nInjected": "1" }))).toBe(
      'Invalid call: header "x-a  Injected" contains CR, LF or NUL',
    );
    expect(refusal(() => checkHeaders({ "x-multi": ["ok", "bad\n"] }))).toBe(
      'Invalid call: header "x-multi" contains CR, LF or NUL',
    );
    expect(() => checkHeaders({ "x-n": 5, "x-b": true })).not.toThrow();
  });

  it("leaves null headers and entries that are not pairs to fetch", () => {
    expect(() => checkHeaders(null)).not.toThrow();
    expect(() => checkHeaders(["\r\nx"])).not.toThrow();
  });

  it("names a bad path parameter without other input, and ignores params without a path object", () => {
    expect(refusal(() => checkPathParams({ path: { statement_id: ".." } }))).toBe(
      `Invalid call: path parameter statement_id is ".."; pass the resource's id`,
    );
    expect(refusal(() => checkPathParams({ path: { cluster_id: "" } }))).toBe(
      "Invalid call: path parameter cluster_id is empty; pass the resource's id",
    );
    for (const params of [undefined, null, "x", { path: null }, { path: "x" }])
      expect(() => checkPathParams(params)).not.toThrow();
  });
});

describe("checkCallNumber", () => {
  it.each([
    [undefined, 0, undefined],
    [0, 0, 0],
    [3, 1, 3],
  ])("accepts %j (min %i)", (value, min, expected) => {
    expect(checkCallNumber(value, "maxRetries", min)).toBe(expected);
  });

  it.each([
    [-1, 0, "maxRetries must be an integer ≥ 0 (got -1)"],
    [0, 1, "maxRetries must be an integer ≥ 1 (got 0)"],
    [1.5, 0, "maxRetries must be an integer ≥ 0 (got 1.5)"],
    [Number.NaN, 0, "maxRetries must be an integer ≥ 0 (got NaN)"],
    ["9", 0, "maxRetries must be an integer ≥ 0 (got string)"],
  ])("refuses %j (min %i)", (value, min, message) => {
    expect(() => checkCallNumber(value, "maxRetries", min)).toThrow(`Invalid call: ${message}`);
  });
});
