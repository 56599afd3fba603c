/**
 * Errors for failures without a usable response, built in one place: each names the call and what
 * to do next, and none carries a secret, whether in its message or in its `cause` chain.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  DatabricksConnectionError,
  DatabricksRedirectError,
  DatabricksResponseTooLargeError,
  DatabricksTimeoutError,
} from "../src/errors.js";
import { type FailureContext, failureError } from "../src/failures.js";

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
