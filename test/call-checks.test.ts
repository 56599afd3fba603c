/**
 * Checks before sending, row by row: a call stays on the configured origin and path prefix, and bad
 * input (CR/LF in headers, dot or empty path segments) is refused naming the problem, not the value.
 */
import { describe, expect, it } from "vitest";
import { checkHeaders, checkPathParams, checkTarget } from "../src/call-checks.js";
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
