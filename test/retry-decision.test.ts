/**
 * The retry decision, row by row. Sources (read for this table):
 * - go  = databricks/databricks-sdk-go v0.175: `apierr/errors.go` (`IsRetriable`: ErrTooManyRequests,
 *   503, then the `allTransientErrors` regexes of `apierr/error_overrides.go`), `apierr/error_mapping.go`
 *   (REQUEST_LIMIT_EXCEEDED and RESOURCE_EXHAUSTED map to ErrTooManyRequests whatever the status),
 *   `config/api_client.go` (`TransientErrors: REQUEST_LIMIT_EXCEEDED`, "workaround for SCIM API
 *   returning 500"; `RetryTimeout` 300 s), `httpclient/api_client.go` (retries for every method).
 * - py  = databricks/databricks-sdk-py v0.133: `databricks/sdk/_base_client.py` (`_is_retryable`:
 *   429/503, the same messages plus "Please try again later or try a faster operation." and
 *   "RPC token bucket limit has been exceeded"; retry_timeout_seconds = 300).
 * - ours = what may have been processed is retried only when safe (idempotency.ts), at most maxRetries.
 */
import { describe, expect, it } from "vitest";
import type { FailureKind } from "../src/call.js";
import { errorSummary, type RetryInput, retryDecision } from "../src/retry-decision.js";

type Row = [
  source: string,
  input: { status?: number; failure?: FailureKind; deadline?: boolean; errorBody?: unknown },
  idempotent: boolean,
  expected: { reason: string; kind: "unprocessed" | "uncertain" } | undefined,
];

const unprocessed = (reason: string) => ({ reason, kind: "unprocessed" as const });
const uncertain = (reason: string) => ({ reason, kind: "uncertain" as const });
const dbx = (error_code: string, message = "x") => ({ error_code, message });

const rows: Row[] = [
  // Throttling and unavailability: not processed, every method.
  [
    "go IsRetriable ErrTooManyRequests; py 429",
    { status: 429, errorBody: dbx("REQUEST_LIMIT_EXCEEDED") },
    false,
    unprocessed("429"),
  ],
  [
    "APIM rate limit (apim.md)",
    { status: 429, errorBody: { statusCode: 429, message: "Rate limit is exceeded." } },
    false,
    unprocessed("429"),
  ],
  ["go IsRetriable 503; py 503", { status: 503, errorBody: "<html>busy</html>" }, false, unprocessed("503")],
  [
    "go error_mapping: RESOURCE_EXHAUSTED whatever status",
    { status: 400, errorBody: dbx("RESOURCE_EXHAUSTED") },
    false,
    unprocessed("RESOURCE_EXHAUSTED"),
  ],
  [
    "go error_mapping: REQUEST_LIMIT_EXCEEDED whatever status",
    { status: 400, errorBody: dbx("REQUEST_LIMIT_EXCEEDED") },
    false,
    unprocessed("REQUEST_LIMIT_EXCEEDED"),
  ],
  [
    "go error_mapping: TEMPORARILY_UNAVAILABLE",
    { status: 500, errorBody: dbx("TEMPORARILY_UNAVAILABLE") },
    false,
    unprocessed("TEMPORARILY_UNAVAILABLE"),
  ],
  [
    "go config/api_client.go: SCIM 500 with REQUEST_LIMIT_EXCEEDED",
    {
      status: 500,
      errorBody: {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
        detail: "Error: REQUEST_LIMIT_EXCEEDED",
        status: "500",
      },
    },
    false,
    unprocessed("500 transient"),
  ],
  // Go's transient messages (apierr/error_overrides.go allTransientErrors), every method.
  [
    "go transient",
    {
      status: 400,
      errorBody: dbx(
        "INVALID_STATE",
        "com.databricks.backend.manager.util.UnknownWorkerEnvironmentException: x",
      ),
    },
    false,
    unprocessed("400 transient"),
  ],
  [
    "go transient",
    {
      status: 400,
      errorBody: dbx(
        "INVALID_PARAMETER_VALUE",
        "Workspace 1 does not have any associated worker environments",
      ),
    },
    false,
    unprocessed("400 transient"),
  ],
  [
    "go transient",
    { status: 400, errorBody: dbx("INVALID_PARAMETER_VALUE", "There is no worker environment with id 7") },
    false,
    unprocessed("400 transient"),
  ],
  [
    "go transient",
    { status: 500, errorBody: dbx("INTERNAL_ERROR", "Unknown worker environment: we-1") },
    false,
    unprocessed("500 transient"),
  ],
  [
    "go transient",
    { status: 400, errorBody: dbx("INVALID_STATE", "ClusterNotReadyException: starting") },
    false,
    unprocessed("400 transient"),
  ],
  [
    "go transient",
    { status: 404, errorBody: dbx("NOT_FOUND", "worker env we-9 not found") },
    false,
    unprocessed("404 transient"),
  ],
  [
    "go transient",
    { status: 500, errorBody: dbx("INTERNAL_ERROR", "Timed out after 30s") },
    false,
    unprocessed("500 transient"),
  ],
  [
    "go transient",
    { status: 500, errorBody: dbx("INTERNAL_ERROR", "context deadline exceeded") },
    false,
    unprocessed("500 transient"),
  ],
  [
    "py _is_retryable",
    { status: 500, errorBody: dbx("INTERNAL_ERROR", "Please try again later or try a faster operation.") },
    false,
    unprocessed("500 transient"),
  ],
  [
    "py _is_retryable",
    { status: 429, errorBody: "RPC token bucket limit has been exceeded" },
    false,
    unprocessed("429"),
  ],
  [
    "py _is_retryable (text body)",
    { status: 400, errorBody: "RPC token bucket limit has been exceeded" },
    false,
    unprocessed("400 transient"),
  ],
  [
    "API 1.2 `error` field",
    { status: 500, errorBody: { error: "ClusterNotReadyException" } },
    false,
    unprocessed("500 transient"),
  ],
  // Not retried: processed and failed.
  [
    "go/py: 500 without a transient message",
    { status: 500, errorBody: dbx("INTERNAL_ERROR", "boom") },
    true,
    undefined,
  ],
  [
    "py: 'Unexpected error' left out (also names processed failures)",
    { status: 500, errorBody: dbx("INTERNAL_ERROR", "Unexpected error") },
    true,
    undefined,
  ],
  ["4xx", { status: 400, errorBody: dbx("INVALID_PARAMETER_VALUE", "bad") }, true, undefined],
  ["404", { status: 404, errorBody: dbx("RESOURCE_DOES_NOT_EXIST", "gone") }, true, undefined],
  [
    "APIM 401 is not throttling",
    {
      status: 401,
      errorBody: { statusCode: 401, message: "Access denied due to missing subscription key." },
    },
    true,
    undefined,
  ],
  [
    "an APIM body quoting a transient phrase is still APIM's",
    { status: 500, errorBody: { statusCode: 500, message: "Timed out after 30s" } },
    false,
    undefined,
  ],
  ["2xx", { status: 200 }, true, undefined],
  // May have been processed: only when safe to repeat.
  ["ours: gateway 502", { status: 502, errorBody: "<html>Bad Gateway</html>" }, true, uncertain("502")],
  ["ours: gateway 502, unsafe", { status: 502 }, false, undefined],
  ["ours: gateway 504", { status: 504 }, true, uncertain("504")],
  [
    "ours: APIM backend-failure 500",
    { status: 500, errorBody: { statusCode: 500, message: "Internal server error", activityId: "a" } },
    true,
    uncertain("500"),
  ],
  [
    "ours: APIM backend-failure 500, unsafe",
    { status: 500, errorBody: { statusCode: 500, message: "Internal server error" } },
    false,
    undefined,
  ],
  ["go httpclient/errors.go: network", { failure: "network" }, true, uncertain("network")],
  ["ours: network, unsafe", { failure: "network" }, false, undefined],
  ["py requests.Timeout", { failure: "timeout" }, true, uncertain("timeout")],
  ["ours: the deadline cut it", { failure: "timeout", deadline: true }, true, undefined],
  ["ours: cut 2xx body", { failure: "invalid-body" }, true, uncertain("invalid-body")],
  ["ours: redirect never", { failure: "redirect" }, true, undefined],
  ["ours: too large never", { failure: "too-large" }, true, undefined],
];

describe("retryDecision", () => {
  it.each(rows)("%s: %j (idempotent %s)", (_source, input, idempotent, expected) => {
    const call: RetryInput = { ...input, idempotent: () => idempotent };
    expect(retryDecision(call)).toEqual(expected);
  });

  it("asks whether the call is safe to repeat only when the answer matters", () => {
    let asked = 0;
    const idempotent = () => {
      asked += 1;
      return true;
    };
    retryDecision({ status: 429, idempotent });
    retryDecision({ status: 400, errorBody: dbx("X"), idempotent });
    expect(asked).toBe(0);
    retryDecision({ status: 502, idempotent });
    expect(asked).toBe(1);
  });
});

describe("errorSummary", () => {
  it("reads Databricks', API 1.2's, SCIM's and APIM's bodies, and plain text", () => {
    expect(errorSummary(dbx("A", "m"))).toEqual({ errorCode: "A", message: "m", gateway: false });
    expect(errorSummary({ error: "e" })).toEqual({ message: "e", gateway: false });
    expect(errorSummary({ detail: "d", status: "500" })).toEqual({ message: "d", gateway: false });
    expect(errorSummary({ statusCode: 500, message: "g" })).toEqual({ message: "g", gateway: true });
    expect(errorSummary("text")).toEqual({ message: "text", gateway: false });
    expect(errorSummary(undefined)).toEqual({ message: "", gateway: false });
  });

  it("has no errorCode unless the body's error_code is a string", () => {
    expect(errorSummary({ message: "m" })).toStrictEqual({ message: "m", gateway: false });
    expect(errorSummary({ error_code: 42, message: "m" })).toStrictEqual({ message: "m", gateway: false });
  });

  it("joins message, error and detail with a space", () => {
    expect(errorSummary({ message: "a", error: "b", detail: "c" }).message).toBe("a b c");
  });

  it("reads null and arrays as bodies without text", () => {
    expect(errorSummary(null)).toStrictEqual({ message: "", gateway: false });
    expect(errorSummary(["Timed out after 5s"])).toStrictEqual({ message: "", gateway: false });
  });

  it("calls a body APIM's own only with a numeric statusCode, a string message and no error_code", () => {
    // APIM's error shape is `{ statusCode, message }` (apim.md); Databricks' carries `error_code`.
    expect(errorSummary({ message: "m" }).gateway).toBe(false);
    expect(errorSummary({ statusCode: 500 }).gateway).toBe(false);
    expect(errorSummary({ statusCode: "500", message: "m" }).gateway).toBe(false);
    expect(errorSummary({ statusCode: 500, message: "m", error_code: "INTERNAL_ERROR" }).gateway).toBe(false);
  });

  it("keeps the first 4096 characters of a text body, so a huge page costs the patterns little", () => {
    const summary = errorSummary(`${"x".repeat(4096)}Timed out after 5s`);
    expect(summary.message).toBe("x".repeat(4096));
    expect(
      retryDecision({
        status: 500,
        errorBody: `${"x".repeat(4096)}Timed out after 5s`,
        idempotent: () => true,
      }),
    ).toBeUndefined();
  });
});

describe("retryDecision on statuses below 400", () => {
  it("never retries a 2xx or 3xx, whatever its body says", () => {
    for (const status of [200, 204, 304]) {
      for (const errorBody of [dbx("REQUEST_LIMIT_EXCEEDED"), { message: "Timed out after 5s" }]) {
        expect(retryDecision({ status, errorBody, idempotent: () => true })).toBeUndefined();
      }
    }
  });
});
