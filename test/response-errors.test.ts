/**
 * response-errors.ts on its own: a non-2xx response and its body → one typed error, with the exact
 * message a user reads. Body shapes and where they are written down:
 * - APIM's own bodies `{ statusCode, message, activityId? }`: MicrosoftDocs/SupportArticles-docs
 *   `support/azure/api-mgmt/availability/unauthorized-errors-invoke-apis.md` (401s), azure-docs
 *   `articles/api-management/api-management-error-handling-policies.md` and `quota-by-key-policy.md`;
 *   policies such as validate-jwt answer in that shape with their own text
 *   (Azure/api-management-developer-portal#568: `{ "statusCode": 401, "message": "Invalid Token" }`).
 * - Databricks' bodies: databricks-sdk-py `databricks/sdk/errors/deserializer.py` — JSON
 *   `error_code`/`message`/`details`, API 1.2's `error`, SCIM's `detail`/`status`/`scimType`
 *   (RFC 7644 §3.12: `scimType` and `detail` are optional), `CODE: message` text, HTML `<pre>`/`<title>`
 *   with the reason phrase in upper snake case as the code.
 * - Not-found overrides: databricks-sdk-go `apierr/error_overrides.go` (anchored `^/api/2\.\d/…` paths).
 */
import { describe, expect, it } from "vitest";
import { ApimGatewayError, type DatabricksApimError } from "../src/errors.js";
import { type ErrorContext, errorFromResponse, isGatewayBody } from "../src/response-errors.js";
import { KEY } from "./helpers.js";

const CONTEXT: ErrorContext = { method: "GET", path: "/api/2.1/clusters/get", secrets: [KEY] };
const WHERE = "GET /api/2.1/clusters/get";

function errorOf(
  status: number,
  body: unknown,
  init: ResponseInit = {},
  context = CONTEXT,
): DatabricksApimError {
  return errorFromResponse(new Response(null, { status, ...init }), body, context);
}

describe("APIM gateway bodies: reason and hint", () => {
  const BACKEND =
    "APIM could not get an answer from the workspace; quote the activityId to your platform team.";
  const HINT: Record<string, string> = {
    "missing-subscription-key": "Pass subscriptionKey (or set DATABRICKS_APIM_SUBSCRIPTION_KEY).",
    "invalid-subscription-key":
      "Check that the key belongs to an active subscription that includes this API.",
    "operation-not-found": "The operation is not in the API's whitelist, or the path or method is wrong.",
    "rate-limited": "The gateway's rate limit was hit; retry after the delay it gave.",
    "quota-exceeded": "The subscription's call quota is used up until its renewal period ends.",
    "request-rejected":
      "A gateway policy (a validate-* policy, for one) refused the request before it reached the workspace.",
    "response-rejected":
      "The workspace answered, but the gateway's outbound validation refused the response; the platform team can see why in a trace.",
    "backend-failure": BACKEND,
  };
  // Validation policies (validate-content/-parameters/-headers/-status-code) with action "prevent"
  // answer 400 inbound and 502 outbound; outbound, and for inbound exceptions, the client reads the fixed
  // public text below (azure-docs includes/api-management-validation-policy-error-reference.md).
  const INTERNAL = "The request could not be processed due to an internal error. Contact the API owner.";
  it.each<[status: number, message: string, reason: string]>([
    [401, "Access denied due to missing subscription key.", "missing-subscription-key"],
    [401, "Access denied due to invalid subscription key.", "invalid-subscription-key"],
    [404, "Resource not found", "operation-not-found"],
    [429, "Rate limit is exceeded. Try again in 57 seconds.", "rate-limited"],
    [403, "Out of call volume quota. Quota will be replenished in 00:10:00.", "quota-exceeded"],
    [500, "Internal server error", "backend-failure"],
    // Policies answer in the same shape with their own text (validate-jwt: developer-portal#568,
    // azure-docs#51416): no known reason, so no hint is appended.
    [401, "Unauthorized. Access token is missing or invalid.", "other"],
    [403, "Invalid Token", "other"],
    // A 400 in APIM's shape comes from the gateway's own policies (validation, inbound), never the workspace.
    [400, "Body of the request does not conform to the definition.", "request-rejected"],
    [400, "Unspecified query parameter foo is not allowed.", "request-rejected"],
    [400, INTERNAL, "request-rejected"],
    [502, INTERNAL, "response-rejected"],
    [500, INTERNAL, "backend-failure"],
    // The words alone do not decide: APIM pairs them with their status.
    [500, "Upstream: missing subscription key", "backend-failure"],
    [502, "Upstream: invalid subscription key", "backend-failure"],
    [503, "Upstream quota store unavailable", "backend-failure"],
  ])("%i %j → %s", (status, message, reason) => {
    const error = errorOf(status, { statusCode: status, message });
    expect(error).toBeInstanceOf(ApimGatewayError);
    expect(error).toMatchObject({ reason, errorCode: reason, status });
    const hint = HINT[reason];
    expect(error.message).toBe(`APIM gateway: ${message} (${status} ${WHERE})${hint ? ` ${hint}` : ""}`);
  });

  it("takes activityId (also as requestId) only when it is a string", () => {
    const found = errorOf(500, { statusCode: 500, message: "Internal server error", activityId: "3f1c-aa" });
    expect(found).toMatchObject({ activityId: "3f1c-aa", requestId: "3f1c-aa" });
    const odd = errorOf(500, { statusCode: 500, message: "Internal server error", activityId: 42 });
    expect(odd).toMatchObject({ activityId: undefined, requestId: undefined });
  });

  it.each<[label: string, body: unknown, gateway: boolean]>([
    ["APIM's shape", { statusCode: 404, message: "Resource not found" }, true],
    ["with activityId", { statusCode: 500, message: "Internal server error", activityId: "a" }, true],
    ["Databricks' shape with a statusCode too", { statusCode: 400, message: "m", error_code: "X" }, false],
    ["statusCode as text", { statusCode: "404", message: "Resource not found" }, false],
    ["no message", { statusCode: 404 }, false],
    ["message not text", { statusCode: 404, message: 7 }, false],
    ["no statusCode", { message: "Resource not found" }, false],
    ["null", null, false],
    ["an array", [{ statusCode: 404, message: "m" }], false],
    ["text", '{"statusCode":404,"message":"m"}', false],
  ])("isGatewayBody: %s → %s", (_label, body, gateway) => {
    expect(isGatewayBody(body)).toBe(gateway);
  });
});

describe("requestId", () => {
  const body = { statusCode: 500, message: "Internal server error", activityId: "from-body" };
  const NAMES = ["x-request-id", "x-databricks-request-id", "x-ms-request-id"];
  // The deployed policy adds x-request-id (docs/deploy.md); APIM documents no request-id header.
  it.each([0, 1, 2, 3])(
    "takes the first of x-request-id, x-databricks-request-id, x-ms-request-id, activityId (from %i)",
    (from) => {
      const headers = Object.fromEntries(NAMES.slice(from).map((name) => [name, `from-${name}`]));
      const expected = from < NAMES.length ? `from-${NAMES[from]}` : "from-body";
      expect(errorOf(500, body, { headers }).requestId).toBe(expected);
    },
  );
});

describe("Databricks JSON bodies", () => {
  it("writes CODE: message (status method path), keeping details", () => {
    const details = [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "X" }];
    const error = errorOf(400, { error_code: "INVALID_PARAMETER_VALUE", message: "bad id", details });
    expect(error.message).toBe(`INVALID_PARAMETER_VALUE: bad id (400 ${WHERE})`);
    expect(error.details).toEqual(details);
  });

  it("turns a numeric error_code into text, so errorCode is always a string", () => {
    const error = errorOf(500, { error_code: 500, message: "legacy" });
    expect(error).toMatchObject({ errorCode: "500", name: "InternalError" });
    expect(error.message).toBe(`500: legacy (500 ${WHERE})`);
  });

  it.each<[label: string, body: unknown]>([
    ["no details", { error_code: "X", message: "m" }],
    ["details that are not a list", { error_code: "X", message: "m", details: { reason: "X" } }],
    ["a body that is not JSON", "X: m"],
  ])("details are [] for %s", (_label, body) => {
    expect(errorOf(400, body).details).toEqual([]);
  });

  it("parses a body handed over as JSON text (e.g. `toError` given `await response.text()`)", () => {
    const error = errorOf(404, '{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"gone"}');
    expect(error.name).toBe("ResourceDoesNotExist");
    expect(error.message).toBe(`RESOURCE_DOES_NOT_EXIST: gone (404 ${WHERE})`);
  });

  it.each<[label: string, body: unknown, statusText: string, message: string]>([
    // API 1.2 bodies put the text in `error`, which wins over `message` (deserializer.py).
    ["API 1.2 error", { error: "bad thing" }, "Bad Request", "bad thing"],
    ["error over message", { error: "bad thing", message: "other" }, "Bad Request", "bad thing"],
    // No usable text: the reason phrase, as the Python SDK does for an empty body.
    ["no message", { error_code: "X" }, "Bad Request", "X: Bad Request"],
    ["message not text", { error_code: "X", message: { a: 1 } }, "Bad Request", "X: Bad Request"],
    ["no body", undefined, "Bad Request", "Bad Request"],
    ["no reason phrase either", undefined, "", "HTTP 400"],
    ["JSON that is not an object", [1, 2], "Bad Request", "Bad Request"],
    ["JSON null", "null", "Bad Request", "Bad Request"],
    ["a number", 7, "Bad Request", "Bad Request"],
  ])("%s → %j", (_label, body, statusText, message) => {
    const error = errorOf(400, body, { statusText });
    expect(error.message).toBe(`${message} (400 ${WHERE})`);
    expect(error.name).toBe("BadRequest");
  });

  it("takes no code from the reason phrase for JSON bodies (only HTML pages get one)", () => {
    expect(errorOf(400, { error: "bad thing" }, { statusText: "Bad Request" }).errorCode).toBeUndefined();
  });
});

describe("SCIM bodies (RFC 7644 §3.12; the SDKs' SCIM_<status> code)", () => {
  const detail = "User not found";
  it.each<[label: string, body: Record<string, unknown>, code: string | undefined, message: string]>([
    ["both", { scimType: "invalidValue", detail, status: "404" }, "SCIM_404", `invalidValue ${detail}`],
    ["detail only", { detail, status: "404" }, "SCIM_404", detail],
    // An empty scimType adds no leading space (the Python SDK strips the joined text).
    ["empty scimType", { scimType: "", detail, status: "404" }, "SCIM_404", detail],
    ["scimType only", { scimType: "invalidFilter", status: 400 }, "SCIM_400", "invalidFilter"],
    // `status` is required by the RFC; without it there is no SCIM code, and the HTTP status decides.
    ["no status", { detail }, undefined, detail],
  ])("%s", (_label, body, code, message) => {
    const schemas = ["urn:ietf:params:scim:api:messages:2.0:Error"];
    const error = errorOf(404, { schemas, ...body }, { statusText: "Not Found" });
    expect(error.errorCode).toBe(code);
    expect(error.name).toBe("NotFound");
    expect(error.message).toBe(`${code ? `${code}: ` : ""}${message} (404 ${WHERE})`);
  });
});

describe("text bodies", () => {
  it.each<[label: string, text: string, code: string | undefined, message: string]>([
    ["CODE: message", "INVALID_PARAMETER_VALUE: id is required", "INVALID_PARAMETER_VALUE", "id is required"],
    ["CODE: on its own line", "INTERNAL_ERROR: \n  trace follows\n", "INTERNAL_ERROR", "trace follows"],
    // The code must open the text (Python's re.match): a code-like word later is just text.
    ["a code later in the text", "Backend said ERROR_X: oops", undefined, "Backend said ERROR_X: oops"],
    // Surrounding whitespace, such as a trailing newline, is trimmed.
    ["plain text", "  upstream request timeout\n", undefined, "upstream request timeout"],
    // A coded message keeps its code even when it quotes HTML.
    ["CODE: quoting HTML", "INVALID_STATE: no <title> here", "INVALID_STATE", "no <title> here"],
  ])("%s", (_label, text, code, message) => {
    const error = errorOf(502, text, { statusText: "Bad Gateway" });
    expect(error.errorCode).toBe(code);
    expect(error.message).toBe(`${code ? `${code}: ` : ""}${message} (502 ${WHERE})`);
  });

  it("keeps text of 300 characters whole and cuts longer text there, marking the cut", () => {
    expect(errorOf(502, "a".repeat(300)).message).toBe(`${"a".repeat(300)} (502 ${WHERE})`);
    expect(errorOf(502, `${"a".repeat(300)}b`).message).toBe(`${"a".repeat(300)}… (502 ${WHERE})`);
  });

  it("redacts a key in the text before the cut, so no start of it is left", () => {
    const error = errorOf(502, `${"x".repeat(290)} ${KEY} tail`);
    // The cut falls inside the marker, never inside the key.
    expect(error.message).toBe(`${"x".repeat(290)} [REDACTED… (502 ${WHERE})`);
  });
});

describe("HTML bodies: the code is the reason phrase in upper snake case", () => {
  it.each<[label: string, html: string, message: string]>([
    ["<pre>", "<html><body><pre>\n  upstream connect error\n</pre></body></html>", "upstream connect error"],
    ["<title>", "<html><head><title>Error 502 Bad Gateway</title></head></html>", "Error 502 Bad Gateway"],
    // A page with neither: its markup is no message, the reason phrase is.
    ["a page", "<!DOCTYPE html><html><body><h1>Oops</h1></body></html>", "Bad Gateway"],
    ["a page, lower case", "<html><body>down</body></html>", "Bad Gateway"],
    // Text that only mentions a tag is kept as text; the code still comes from the reason phrase.
    ["text naming <html>", "expected JSON, got <html>", "expected JSON, got <html>"],
  ])("%s", (_label, html, message) => {
    const error = errorOf(502, html, { statusText: "Bad Gateway" });
    expect(error.errorCode).toBe("BAD_GATEWAY");
    expect(error.message).toBe(`BAD_GATEWAY: ${message} (502 ${WHERE})`);
  });

  it("leaves no leading, trailing or doubled underscores in the code", () => {
    const error = errorOf(502, "<html></html>", { statusText: "Bad Gateway (upstream)" });
    expect(error.errorCode).toBe("BAD_GATEWAY_UPSTREAM");
  });
});

describe("not-found overrides are anchored at /api (databricks-sdk-go apierr/error_overrides.go)", () => {
  it.each<[path: string, message: string, name: string]>([
    ["/api/2.1/clusters/get", "Cluster 0101-234-abc does not exist", "ResourceDoesNotExist"],
    ["/api/2.2/jobs/get", "Job 123456 does not exist.", "ResourceDoesNotExist"],
    ["/api/2.2/jobs/runs/get", "Run 123456 does not exist.", "ResourceDoesNotExist"],
    ["/api/2.2/jobs/runs/get", "Run: 123456 in job: 789 doesn't exist", "ResourceDoesNotExist"],
    // A path that does not start at /api (e.g. still carrying the gateway prefix) does not match.
    ["/dbw-01/api/2.1/clusters/get", "Cluster c-1 does not exist", "InvalidParameterValue"],
    ["/dbw-01/api/2.2/jobs/get", "Job 5 does not exist.", "InvalidParameterValue"],
    ["/dbw-01/api/2.2/jobs/runs/get", "Run 5 does not exist.", "InvalidParameterValue"],
  ])("GET %s %j → %s", (path, message, name) => {
    const context = { ...CONTEXT, path };
    const error = errorOf(400, { error_code: "INVALID_PARAMETER_VALUE", message }, {}, context);
    expect(error.name).toBe(name);
  });
});
