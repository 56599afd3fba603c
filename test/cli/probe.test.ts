/**
 * One doctor probe: what it sends, and how it reads the answer. Who wrote an answer is told by its body.
 * APIM's own bodies and statuses are verbatim from docs/apim.md §3 (401 missing/invalid key:
 * MicrosoftDocs/SupportArticles-docs unauthorized-errors-invoke-apis.md; 404 "Resource not found": the
 * techcommunity post on 404 instead of 405; 429: rate-limit-by-key-policy.md and the Partner Center
 * throttling example; 403 quota: quota-by-key-policy.md; 500 with activityId: azure-docs#109013).
 * Databricks writes `{ error_code, message }` (REST API error docs). The seed write-up's gateway, before
 * its managed identity was a workspace user (and before the policy sending that identity's token), got
 * `{"error_code":"401","message":"Unauthorized"}`; a missing ACL gets 403 PERMISSION_DENIED
 * (DataThirstLtd/azure.databricks.cicd.tools#135: "… is not authorized to access cluster"). An Entra
 * identity the workspace does not know has also been answered with an HTML 403 "User not authorized"
 * (gbrueckl/Databricks.API.PowerShell#20, DataThirstLtd/databricks.vsts.tools#20), read as the same cause.
 */
import { describe, expect, it } from "vitest";
import { classify, probe } from "../../src/cli/probe.js";

const URL_ = "http://127.0.0.1:9/dbw-01/api/2.0/preview/scim/v2/Me";
const KEY = "probe-test-key-0123456789";

const MISSING_KEY =
  "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.";
const INVALID_KEY =
  "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.";
const apim = (status: number, message: string) => JSON.stringify({ statusCode: status, message });
const databricks = (code: string, message: string) => JSON.stringify({ error_code: code, message });

/** A fetch that answers `answer` and records what it was given. */
function fake(answer: () => Response | Promise<Response>) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return answer();
  }) as unknown as typeof fetch;
  return { calls, fetch: fetchFn };
}

const run = (fetchFn: typeof fetch, key: string | undefined = KEY, timeoutMs = 5_000) =>
  probe(URL_, key, { fetch: fetchFn, timeoutMs });

describe("probe", () => {
  it("sends one GET asking for JSON, with the key in Ocp-Apim-Subscription-Key and redirects not followed", async () => {
    const gateway = fake(() => new Response("{}", { status: 200 }));
    expect(await run(gateway.fetch)).toEqual({ kind: "ok", status: 200 });
    expect(gateway.calls).toHaveLength(1);
    const { url, init } = gateway.calls[0]!;
    expect(url).toBe(URL_);
    expect(init.method).toBe("GET");
    expect(init.redirect).toBe("manual");
    expect(init.headers).toEqual({ Accept: "application/json", "Ocp-Apim-Subscription-Key": KEY });
    expect(init.signal).toBeInstanceOf(AbortSignal);
    expect(init.signal?.aborted).toBe(false);
  });

  it("sends no key header at all without a key", async () => {
    const gateway = fake(() => new Response(null, { status: 204 }));
    expect(await probe(URL_, undefined, { fetch: gateway.fetch, timeoutMs: 5_000 })).toEqual({
      kind: "ok",
      status: 204,
    });
    expect(gateway.calls[0]?.init.headers).toEqual({ Accept: "application/json" });
  });

  it("treats any 2xx as ok, and a 4xx as a refusal", async () => {
    expect(await run(fake(() => new Response("[]", { status: 299 })).fetch)).toEqual({
      kind: "ok",
      status: 299,
    });
    // 400 with APIM's body is a refusal, not ok, not a redirect.
    const bad = await run(fake(() => new Response(apim(400, "Bad request"), { status: 400 })).fetch);
    expect(bad).toEqual({
      kind: "refused",
      status: 400,
      by: "apim",
      cause: undefined,
      message: "Bad request",
    });
  });

  it("gives a network failure's code and message from the error's cause (undici's shape)", async () => {
    const refused = fake(() => {
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
      });
    });
    expect(await run(refused.fetch)).toEqual({
      kind: "network",
      code: "ECONNREFUSED",
      message: "connect ECONNREFUSED 127.0.0.1:9",
    });
  });

  it("names a failure without a cause NETWORK, with the error's own message", async () => {
    const plain = fake(() => {
      throw new TypeError("fetch failed");
    });
    expect(await run(plain.fetch)).toEqual({ kind: "network", code: "NETWORK", message: "fetch failed" });
    const odd = fake(() => {
      throw new TypeError("fetch failed", { cause: { code: 7, message: 8 } });
    });
    expect(await run(odd.fetch)).toEqual({ kind: "network", code: "NETWORK", message: "fetch failed" });
  });

  it("names a timeout TIMEOUT: the request's signal fires after --timeout", async () => {
    const hanging = fake(() => {
      throw new Error("unused");
    });
    const waits = (async (_url: string, init: RequestInit) => {
      hanging.calls.push({ url: _url, init });
      return new Promise<Response>((_resolve, reject) =>
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
      );
    }) as unknown as typeof fetch;
    const result = await run(waits, KEY, 5);
    expect(result).toEqual({
      kind: "network",
      code: "TIMEOUT",
      message: "The operation was aborted due to timeout",
    });
  });

  it("does not follow a redirect, and reports only the target's origin (its URL may carry the key)", async () => {
    let cancelled = false;
    const body = new ReadableStream({
      cancel() {
        cancelled = true;
      },
    });
    const gateway = fake(
      () =>
        new Response(body, {
          status: 307,
          headers: { location: `https://elsewhere.example.net:8443/login?key=${KEY}` },
        }),
    );
    expect(await run(gateway.fetch)).toEqual({
      kind: "redirect",
      status: 307,
      location: "https://elsewhere.example.net:8443",
    });
    expect(cancelled).toBe(true);
    expect(gateway.calls).toHaveLength(1);
  });

  it("reads a relative or missing Location against the probed URL, and an unparsable one as such", async () => {
    const redirect = (status: number, headers: Record<string, string>) =>
      run(fake(() => new Response(null, { status, headers })).fetch);
    expect(await redirect(302, { location: "/elsewhere" })).toEqual({
      kind: "redirect",
      status: 302,
      location: "http://127.0.0.1:9",
    });
    expect(await redirect(300, {})).toEqual({
      kind: "redirect",
      status: 300,
      location: "http://127.0.0.1:9",
    });
    expect(await redirect(399, { location: "http://[not-a-host" })).toEqual({
      kind: "redirect",
      status: 399,
      location: "an unreadable location",
    });
  });

  it("classifies a refusal by its status and body", async () => {
    const gateway = fake(() => new Response(apim(401, INVALID_KEY), { status: 401 }));
    expect(await run(gateway.fetch)).toEqual({
      kind: "refused",
      status: 401,
      by: "apim",
      cause: "invalid-subscription-key",
      message: INVALID_KEY,
    });
  });

  it("reads at most 64 KiB of a body, and stops reading a body that never ends", async () => {
    const head = apim(500, "Internal server error");
    // 64 KiB of valid JSON, then bytes that would make it invalid: only the cut makes it APIM's.
    const first = new TextEncoder().encode(`${head.padEnd(64 * 1024, " ")}trailing`);
    let cancelled = false;
    let pulls = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        if (pulls === 1) controller.enqueue(first);
        // afterwards: never enqueues, never closes
      },
      cancel() {
        cancelled = true;
      },
    });
    const result = await run(fake(() => new Response(endless, { status: 500 })).fetch);
    expect(result).toEqual({
      kind: "refused",
      status: 500,
      by: "apim",
      cause: "backend-unreachable",
      message: "Internal server error",
    });
    expect(cancelled).toBe(true);
  });

  it("stops at exactly 64 KiB of small chunks, and reads a shorter body to its end", async () => {
    let cancelled = false;
    let sent = 0;
    const chunks = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent < 64 * 1024) {
          controller.enqueue(new Uint8Array(1024).fill(0x61));
          sent += 1024;
        }
      },
      cancel() {
        cancelled = true;
      },
    });
    const result = await run(fake(() => new Response(chunks, { status: 502 })).fetch);
    expect(result).toMatchObject({ kind: "refused", status: 502, by: "unknown", message: "a".repeat(200) });
    expect(cancelled).toBe(true);
    const split = new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(databricks("PERMISSION_DENIED", "no ACL"));
        controller.enqueue(bytes.subarray(0, 10));
        controller.enqueue(bytes.subarray(10));
        controller.close();
      },
    });
    expect(await run(fake(() => new Response(split, { status: 403 })).fetch)).toEqual({
      kind: "refused",
      status: 403,
      by: "databricks",
      cause: "permission-denied",
      message: "no ACL",
    });
  });

  it("reads a refusal without a body as an unknown writer's, with an empty message", async () => {
    expect(await run(fake(() => new Response(null, { status: 503 })).fetch)).toEqual({
      kind: "refused",
      status: 503,
      by: "unknown",
      cause: undefined,
      message: "",
    });
  });
});

describe("classify", () => {
  const refusal = (status: number, text: string) => {
    const { by, cause, message } = classify(status, text);
    return { by, cause, message };
  };

  it("tells APIM's key refusals apart by their message (docs/apim.md §3, 401 rows)", () => {
    expect(refusal(401, apim(401, MISSING_KEY))).toEqual({
      by: "apim",
      cause: "missing-subscription-key",
      message: MISSING_KEY,
    });
    expect(refusal(401, apim(401, MISSING_KEY.toUpperCase())).cause).toBe("missing-subscription-key");
    expect(refusal(401, apim(401, INVALID_KEY)).cause).toBe("invalid-subscription-key");
    expect(refusal(401, apim(401, "Access denied.")).cause).toBe("invalid-subscription-key");
  });

  it("reads APIM's 404 as an API not imported, its 403 quota as quota, its 5xx as the backend", () => {
    expect(refusal(404, apim(404, "Resource not found"))).toEqual({
      by: "apim",
      cause: "api-not-found",
      message: "Resource not found",
    });
    const quota = "Out of call volume quota. Quota will be replenished in 00:59:59.";
    expect(refusal(403, apim(403, quota)).cause).toBe("quota-exceeded");
    expect(refusal(403, apim(403, "OUT OF CALL VOLUME QUOTA")).cause).toBe("quota-exceeded");
    expect(refusal(403, apim(403, "Forbidden by an ip-filter policy")).cause).toBeUndefined();
    const backend = JSON.stringify({ statusCode: 500, message: "Internal server error", activityId: "a-1" });
    expect(refusal(500, backend)).toEqual({
      by: "apim",
      cause: "backend-unreachable",
      message: "Internal server error",
    });
    expect(refusal(502, apim(502, "Bad gateway")).cause).toBe("backend-unreachable");
    expect(refusal(499, apim(499, "Client closed")).cause).toBeUndefined();
    expect(refusal(400, apim(400, "Bad request")).cause).toBeUndefined();
  });

  it("needs the status as well as the words: a 400 about a quota, a 403 about a key are not those causes", () => {
    // validate-parameters' 400 (docs/apim.md §3, "Validation prevent") may name any parameter.
    expect(refusal(400, apim(400, "Parameter 'quota' is not valid")).cause).toBeUndefined();
    expect(refusal(403, apim(403, "Access denied due to missing subscription key")).cause).toBeUndefined();
    expect(refusal(500, apim(500, "missing subscription key quota")).cause).toBe("backend-unreachable");
  });

  it("reads 429 as rate-limited whoever wrote it (rate-limit-by-key's body, or none)", () => {
    const limited = apim(429, "Rate limit is exceeded. Try again in 57 seconds.");
    expect(refusal(429, limited)).toEqual({
      by: "apim",
      cause: "rate-limited",
      message: "Rate limit is exceeded. Try again in 57 seconds.",
    });
    expect(refusal(429, "slow down")).toEqual({ by: "unknown", cause: "rate-limited", message: "slow down" });
    expect(refusal(429, databricks("REQUEST_LIMIT_EXCEEDED", "busy")).by).toBe("databricks");
  });

  it("reads Databricks' 401 as the gateway's identity not granted, and its 403 as a missing permission", () => {
    // The seed write-up's answer, before the gateway's managed identity was a workspace user.
    expect(refusal(401, '{"error_code":"401","message":"Unauthorized"}')).toEqual({
      by: "databricks",
      cause: "managed-identity-not-granted",
      message: "Unauthorized",
    });
    const acl = "User: SimpleUserContext{userId=1} is not authorized to access cluster";
    expect(refusal(403, databricks("PERMISSION_DENIED", acl))).toEqual({
      by: "databricks",
      cause: "permission-denied",
      message: acl,
    });
    expect(refusal(404, databricks("RESOURCE_DOES_NOT_EXIST", "gone")).cause).toBeUndefined();
    expect(refusal(500, databricks("INTERNAL_ERROR", "oops")).cause).toBeUndefined();
  });

  it("lets error_code win over statusCode when a body carries both", () => {
    const both = JSON.stringify({ statusCode: 401, error_code: "401", message: "Unauthorized" });
    expect(refusal(401, both)).toEqual({
      by: "databricks",
      cause: "managed-identity-not-granted",
      message: "Unauthorized",
    });
  });

  it("reads Databricks' HTML 403 'User not authorized' as the gateway's identity not granted", () => {
    // Jetty's page for an Entra service principal the workspace does not know, as quoted in
    // gbrueckl/Databricks.API.PowerShell#20 and DataThirstLtd/databricks.vsts.tools#20.
    const page =
      "<html><body><h2>HTTP ERROR 403</h2><p>Problem accessing /api/2.0/workspace/list. Reason:<pre>    User not authorized.</pre></p></body></html>";
    expect(refusal(403, page)).toEqual({
      by: "databricks",
      cause: "managed-identity-not-granted",
      message: "User not authorized (an HTML page)",
    });
    const plain =
      "Error 403 User not authorized.\nHTTP ERROR 403\nProblem accessing /api/2.0/workspace/mkdirs. Reason:\n    User not authorized.";
    expect(refusal(403, plain).cause).toBe("managed-identity-not-granted");
    // Only with its status, and only as the reason of Databricks' page.
    expect(refusal(401, page).cause).toBeUndefined();
    expect(refusal(403, "<p>User not authorized</p>").cause).toBeUndefined();
  });

  it("reads what neither wrote as an unknown writer's, quoting the first 200 characters", () => {
    const page =
      "<html><body><h2>HTTP ERROR 403</h2><p>Problem accessing /api/2.0/workspace/list. Reason:<pre>    Forbidden.</pre></p></body></html>";
    expect(refusal(403, page)).toEqual({ by: "unknown", cause: undefined, message: page.slice(0, 200) });
    const long = "x".repeat(300);
    expect(refusal(401, long).message).toBe("x".repeat(200));
    expect(refusal(404, "Resource not found").cause).toBeUndefined();
  });

  it("reads JSON that is not an object, or whose message is not a string, as text", () => {
    for (const text of ["null", "7", '"text"', "true"])
      expect(refusal(500, text), text).toEqual({ by: "unknown", cause: undefined, message: text });
    const numeric = JSON.stringify({ statusCode: 404, message: 404 });
    expect(refusal(404, numeric)).toEqual({ by: "apim", cause: "api-not-found", message: numeric });
    expect(classify(418, "{}")).toEqual({
      kind: "refused",
      status: 418,
      by: "unknown",
      cause: undefined,
      message: "{}",
    });
  });
});
