/**
 * `databricks-apim doctor` in-process, against a scripted gateway (an injected fetch): which requests
 * it sends in which order, every check it reports, the text and `--json` the user sees, and its exit
 * code. test/cli/doctor.test.ts runs the same command through the bin against mock-gateway.
 * Gateway answers are APIM's verbatim ones (docs/apim.md §3: 401 missing/invalid key from
 * MicrosoftDocs/SupportArticles-docs unauthorized-errors-invoke-apis.md; 404 "Resource not found" for
 * an operation the API lacks, from the techcommunity post on 404 instead of 405; 429 from
 * rate-limit-by-key; 403 "Out of call volume quota" from quota-by-key-policy.md; 500 "Internal server
 * error" with activityId for a backend failure, azure-docs#109013). Databricks' answers: 401
 * `{"error_code":"401","message":"Unauthorized"}`, as the seed write-up's gateway got before its managed
 * identity was a workspace user (and before the policy sending that identity's token), and 403
 * PERMISSION_DENIED for a missing ACL (DataThirstLtd/azure.databricks.cicd.tools#135).
 */
import { describe, expect, it } from "vitest";
import { DOCTOR_USAGE, doctorCommand } from "../../src/cli/doctor.js";

const KEY = "doctor-cmd-key-0123456789";
const ENV = { DATABRICKS_APIM_SUBSCRIPTION_KEY: KEY };
const ORIGIN = "http://127.0.0.1:9";
const BASE = `${ORIGIN}/dbw-01`;
const ME = "/api/2.0/preview/scim/v2/Me";
const CLUSTERS = "/api/2.1/clusters/list";
const JOBS = "/api/2.2/jobs/list";
const TOKENS = "/api/2.0/token-management/tokens";

const MISSING_KEY =
  "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.";
const INVALID_KEY =
  "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.";
const RATE = "Rate limit is exceeded. Try again in 57 seconds.";
const QUOTA = "Out of call volume quota. Quota will be replenished in 00:59:59.";

const json = (status: number, body: unknown) => () =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const apim = (status: number, message: string) => json(status, { statusCode: status, message });
const databricks = (status: number, code: string, message: string) =>
  json(status, { error_code: code, message });
const ok = json(200, { userName: "apim-mi" });
const notFound = apim(404, "Resource not found");
const refusedSocket = () => {
  throw new TypeError("fetch failed", {
    cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
  });
};

const FIX = {
  unreachable:
    "Check the URL (APIM portal → Overview → Gateway URL); from inside a VNet, check the private endpoint and its DNS.",
  "missing-subscription-key":
    "Set DATABRICKS_APIM_SUBSCRIPTION_KEY to a key of a subscription to this API (APIM portal → Subscriptions).",
  "invalid-subscription-key":
    "The key is not active for this API: copy the primary key of an active subscription whose scope includes the API.",
  "api-not-found":
    "Check DATABRICKS_APIM_API_SUFFIX against the API's URL suffix, or import the API with scripts/import-to-apim.",
  "managed-identity-not-granted":
    "Add APIM's managed identity to the workspace as a service principal: scripts/grant-workspace-access (see docs/grant-walkthrough.md); and check that the API's policy sends that identity's token (authentication-managed-identity, scripts/import-to-apim).",
  "permission-denied":
    "The service principal lacks an entitlement or an ACL: grant it with scripts/grant-workspace-access --entitlement …, or set the object's permissions.",
  "backend-unreachable":
    "APIM cannot reach the workspace: check the backend URL, the workspace's private endpoint and its DNS from APIM's subnet.",
  "wildcard-operation":
    "Delete the hand-wired wildcard operation (e.g. GET /*) and publish only the curated spec with scripts/import-to-apim.",
  "rate-limited":
    "The gateway's rate-limit-by-key policy refused the call: wait for Retry-After, or raise the limit.",
  "quota-exceeded": "The gateway's quota-by-key policy is used up: wait for the renewal, or raise the quota.",
} as const;
type Cause = keyof typeof FIX;

const pass = (name: string, detail: string) => ({ name, ok: true, detail });
const fail = (name: string, cause: Cause, detail: string) => ({
  name,
  ok: false,
  cause,
  detail,
  fix: FIX[cause],
});
const reached = (said: string) => pass("gateway-reachable", `${ORIGIN} answered (${said}).`);
const KEY_OK = pass("subscription-key", "the gateway accepted the key.");
const MATCHED = pass("api-imported", "the gateway matched the operation.");
const BACKEND_OK = pass("backend-reachable", "the workspace answered through the gateway.");
const IDENTITY_OK = pass("managed-identity-granted", "Databricks accepted the gateway's managed identity.");
const PERMITTED = pass("permissions", "a read-only call succeeded.");
const WHITELIST_OK = pass("whitelist-only", `GET ${TOKENS} (not in the curated spec) got the gateway's 404.`);

/** Runs doctor against a gateway answering each path with `answers[path]` (a 404 of APIM's otherwise). */
async function doctor(
  answers: Record<string, () => Response>,
  options: { argv?: string[]; env?: Record<string, string> } = {},
) {
  const sent: Array<{ path: string; key: string | null }> = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    const path = url.startsWith(BASE) ? url.slice(BASE.length) : url;
    sent.push({ path, key: new Headers(init.headers).get("ocp-apim-subscription-key") });
    return (answers[path] ?? notFound)();
  }) as unknown as typeof fetch;
  let out = "";
  let err = "";
  const io = {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    fetch: fetchFn,
  };
  const code = await doctorCommand(
    ["--apim-url", ORIGIN, ...(options.argv ?? ["--json"])],
    options.env ?? ENV,
    io,
  );
  expect(`${out}${err}`.toLowerCase()).not.toContain(KEY.toLowerCase());
  const report = options.argv ? undefined : (JSON.parse(out) as { ok: boolean; checks: unknown[] });
  return { code, out, err, sent, paths: sent.map((s) => s.path), report, checks: report?.checks };
}

describe("doctor against a healthy gateway", () => {
  it("passes every check with two requests, each carrying the key, and exits 0", async () => {
    const run = await doctor({ [ME]: ok, [TOKENS]: notFound });
    expect(run.code).toBe(0);
    expect(run.sent).toEqual([
      { path: ME, key: KEY },
      { path: TOKENS, key: KEY },
    ]);
    expect(run.report).toEqual({
      ok: true,
      checks: [reached("HTTP 200"), KEY_OK, MATCHED, BACKEND_OK, IDENTITY_OK, PERMITTED, WHITELIST_OK],
    });
    expect(
      run.out.startsWith('{\n  "ok": true,\n  "checks": [\n    {\n      "name": "gateway-reachable",'),
    ).toBe(true);
    expect(run.out.endsWith("}\n")).toBe(true);
    expect(run.err).toBe("");
  });

  it("prints one aligned ✓ line per check without --json", async () => {
    const run = await doctor({ [ME]: ok }, { argv: [] });
    expect(run.code).toBe(0);
    expect(run.out).toBe(
      [
        `databricks-apim doctor: ${BASE}`,
        `✓ gateway-reachable         ${ORIGIN} answered (HTTP 200).`,
        "✓ subscription-key          the gateway accepted the key.",
        "✓ api-imported              the gateway matched the operation.",
        "✓ backend-reachable         the workspace answered through the gateway.",
        "✓ managed-identity-granted  Databricks accepted the gateway's managed identity.",
        "✓ permissions               a read-only call succeeded.",
        `✓ whitelist-only            GET ${TOKENS} (not in the curated spec) got the gateway's 404.`,
        "All checks passed.",
        "",
      ].join("\n"),
    );
  });

  it("falls back to the next probe when the API lacks one, and reports the status it met first", async () => {
    const second = await doctor({ [ME]: notFound, [CLUSTERS]: ok });
    expect(second.paths).toEqual([ME, CLUSTERS, TOKENS]);
    expect(second.checks).toEqual([
      reached("HTTP 404 from the gateway: Resource not found"),
      KEY_OK,
      MATCHED,
      BACKEND_OK,
      IDENTITY_OK,
      PERMITTED,
      WHITELIST_OK,
    ]);
    const third = await doctor({ [JOBS]: ok });
    expect(third.paths).toEqual([ME, CLUSTERS, JOBS, TOKENS]);
    expect(third.code).toBe(0);
  });
});

describe("doctor names each fault, with its cause and fix, and exits 1", () => {
  it("unreachable: the connection failed; nothing more is tried", async () => {
    const run = await doctor({ [ME]: refusedSocket });
    expect(run.code).toBe(1);
    expect(run.paths).toEqual([ME]);
    expect(run.report).toEqual({
      ok: false,
      checks: [
        fail(
          "gateway-reachable",
          "unreachable",
          `${BASE} could not be reached (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9).`,
        ),
      ],
    });
  });

  it("unreachable: the URL redirects elsewhere; only the target's origin is told, nothing is followed", async () => {
    const redirect = () =>
      new Response(null, { status: 302, headers: { location: `https://login.example.net/sso?key=${KEY}` } });
    const run = await doctor({ [ME]: redirect });
    expect(run.paths).toEqual([ME]);
    expect(run.checks).toEqual([
      fail(
        "gateway-reachable",
        "unreachable",
        `${BASE} answered 302, a redirect to https://login.example.net, instead of the API; it was not followed.`,
      ),
    ]);
  });

  it("missing-subscription-key: no key set, the request carries none", async () => {
    const run = await doctor({ [ME]: apim(401, MISSING_KEY) }, { env: {} });
    expect(run.code).toBe(1);
    expect(run.sent).toEqual([{ path: ME, key: null }]);
    expect(run.checks).toEqual([
      reached(`HTTP 401 from the gateway: ${MISSING_KEY}`),
      pass("api-imported", "the gateway knows the API's operations."),
      fail(
        "subscription-key",
        "missing-subscription-key",
        "DATABRICKS_APIM_SUBSCRIPTION_KEY is not set; the gateway refused the call.",
      ),
    ]);
  });

  it("missing-subscription-key although a key was sent (the API reads another header): the gateway's words", async () => {
    const run = await doctor({ [ME]: apim(401, MISSING_KEY) });
    expect(run.checks?.[2]).toEqual(
      fail("subscription-key", "missing-subscription-key", `HTTP 401 from the gateway: ${MISSING_KEY}`),
    );
  });

  it("invalid-subscription-key", async () => {
    const run = await doctor({ [ME]: apim(401, INVALID_KEY) });
    expect(run.paths).toEqual([ME]);
    expect(run.checks?.slice(1)).toEqual([
      pass("api-imported", "the gateway knows the API's operations."),
      fail("subscription-key", "invalid-subscription-key", `HTTP 401 from the gateway: ${INVALID_KEY}`),
    ]);
  });

  it("api-not-found: every probe got the gateway's 404", async () => {
    const run = await doctor({});
    expect(run.paths).toEqual([ME, CLUSTERS, JOBS]);
    expect(run.checks).toEqual([
      reached("HTTP 404 from the gateway: Resource not found"),
      fail(
        "api-imported",
        "api-not-found",
        `every probed operation (${ME}, ${CLUSTERS}, ${JOBS}) answered the gateway's 404.`,
      ),
    ]);
  });

  it("rate-limited or quota-exceeded at the first probe: reported, nothing more sent", async () => {
    const limited = await doctor({ [ME]: apim(429, RATE) });
    expect(limited.paths).toEqual([ME]);
    expect(limited.checks).toEqual([
      reached(`HTTP 429 from the gateway: ${RATE}`),
      fail("gateway-limits", "rate-limited", `HTTP 429 from the gateway: ${RATE}`),
    ]);
    const quota = await doctor({ [ME]: apim(403, QUOTA) });
    expect(quota.checks?.[1]).toEqual(
      fail("gateway-limits", "quota-exceeded", `HTTP 403 from the gateway: ${QUOTA}`),
    );
  });

  it("rate-limited at a fallback probe, or at the whitelist probe", async () => {
    const fallback = await doctor({ [CLUSTERS]: apim(429, RATE) });
    expect(fallback.paths).toEqual([ME, CLUSTERS]);
    expect(fallback.checks).toEqual([
      reached("HTTP 404 from the gateway: Resource not found"),
      fail("gateway-limits", "rate-limited", `HTTP 429 from the gateway: ${RATE}`),
    ]);
    const last = await doctor({ [ME]: ok, [TOKENS]: apim(429, RATE) });
    expect(last.code).toBe(1);
    expect(last.checks).toEqual([
      reached("HTTP 200"),
      KEY_OK,
      MATCHED,
      BACKEND_OK,
      IDENTITY_OK,
      PERMITTED,
      fail("gateway-limits", "rate-limited", `HTTP 429 from the gateway: ${RATE}`),
    ]);
  });

  it("backend-unreachable and wildcard-operation together: two problems, both printed with their fixes", async () => {
    const backendDown = json(500, { statusCode: 500, message: "Internal server error", activityId: "4d2c" });
    const answers = { [ME]: backendDown, [TOKENS]: json(200, { token_infos: [] }) };
    const run = await doctor(answers);
    expect(run.checks).toEqual([
      reached("HTTP 500 from the gateway: Internal server error"),
      KEY_OK,
      MATCHED,
      fail("backend-reachable", "backend-unreachable", "HTTP 500 from the gateway: Internal server error"),
      fail(
        "whitelist-only",
        "wildcard-operation",
        `GET ${TOKENS} is not in the curated spec, yet it was forwarded (HTTP 200).`,
      ),
    ]);
    const text = await doctor(answers, { argv: [] });
    expect(text.code).toBe(1);
    expect(text.out).toBe(
      [
        `databricks-apim doctor: ${BASE}`,
        `✓ gateway-reachable  ${ORIGIN} answered (HTTP 500 from the gateway: Internal server error).`,
        "✓ subscription-key   the gateway accepted the key.",
        "✓ api-imported       the gateway matched the operation.",
        "✗ backend-reachable  [backend-unreachable] HTTP 500 from the gateway: Internal server error",
        `    fix: ${FIX["backend-unreachable"]}`,
        `✗ whitelist-only     [wildcard-operation] GET ${TOKENS} is not in the curated spec, yet it was forwarded (HTTP 200).`,
        `    fix: ${FIX["wildcard-operation"]}`,
        "2 problems found.",
        "",
      ].join("\n"),
    );
  });

  it("wildcard-operation: Databricks itself answered the operation outside the spec", async () => {
    const run = await doctor({ [ME]: ok, [TOKENS]: databricks(404, "RESOURCE_DOES_NOT_EXIST", "No tokens") });
    expect(run.checks?.[6]).toEqual(
      fail(
        "whitelist-only",
        "wildcard-operation",
        `GET ${TOKENS} is not in the curated spec, yet it was forwarded (HTTP 404 from Databricks: No tokens).`,
      ),
    );
  });

  it("managed-identity-not-granted: Databricks' 401 for an identity that is not a workspace user", async () => {
    const run = await doctor({ [ME]: databricks(401, "401", "Unauthorized") });
    expect(run.checks).toEqual([
      reached("HTTP 401 from Databricks: Unauthorized"),
      KEY_OK,
      MATCHED,
      BACKEND_OK,
      fail(
        "managed-identity-granted",
        "managed-identity-not-granted",
        "Databricks refused the gateway's identity (HTTP 401 from Databricks: Unauthorized).",
      ),
      WHITELIST_OK,
    ]);
    expect(run.paths).toEqual([ME, TOKENS]);
  });

  it("managed-identity-not-granted: Databricks' HTML 403 'User not authorized' for an unknown identity", async () => {
    // The page quoted in gbrueckl/Databricks.API.PowerShell#20 for a service principal not in the workspace.
    const page =
      "<html><body><h2>HTTP ERROR 403</h2><p>Problem accessing /api/2.0/preview/scim/v2/Me. Reason:<pre>    User not authorized.</pre></p></body></html>";
    const html = () => new Response(page, { status: 403, headers: { "content-type": "text/html" } });
    const run = await doctor({ [ME]: html });
    expect(run.checks?.[4]).toEqual(
      fail(
        "managed-identity-granted",
        "managed-identity-not-granted",
        "Databricks refused the gateway's identity (HTTP 403 from Databricks: User not authorized (an HTML page)).",
      ),
    );
  });

  it("permission-denied: Databricks' 403; one problem, printed as such", async () => {
    const acl = "User: SimpleUserContext{userId=1} is not authorized to access this resource";
    const answers = { [ME]: databricks(403, "PERMISSION_DENIED", acl) };
    const run = await doctor(answers);
    expect(run.checks?.slice(3)).toEqual([
      BACKEND_OK,
      IDENTITY_OK,
      fail("permissions", "permission-denied", `HTTP 403 from Databricks: ${acl}`),
      WHITELIST_OK,
    ]);
    const text = await doctor(answers, { argv: [] });
    expect(text.out).toContain(
      `✗ permissions               [permission-denied] HTTP 403 from Databricks: ${acl}\n    fix: ${FIX["permission-denied"]}\n`,
    );
    expect(text.out.endsWith("\n1 problem found.\n")).toBe(true);
  });

  it("a failure without a known cause: no cause, no fix, the answer as it came", async () => {
    const page = "<html><body>Bad gateway</body></html>";
    const answers = { [ME]: () => new Response(page, { status: 502 }) };
    const run = await doctor(answers);
    expect(run.checks?.[5]).toStrictEqual({
      name: "permissions",
      ok: false,
      detail: `HTTP 502 from an unknown writer: ${page}`,
    });
    const text = await doctor(answers, { argv: [] });
    expect(text.out).toContain(
      `✗ permissions               HTTP 502 from an unknown writer: ${page}\n✓ whitelist-only`,
    );
  });

  it("a fallback probe that fails on the network, or redirects, fails the permissions check as it came", async () => {
    const reset = () => {
      throw new TypeError("fetch failed", { cause: { code: "ECONNRESET", message: "socket hang up" } });
    };
    const network = await doctor({ [CLUSTERS]: reset });
    expect(network.paths).toEqual([ME, CLUSTERS, TOKENS]);
    expect(network.checks?.slice(1)).toStrictEqual([
      KEY_OK,
      MATCHED,
      BACKEND_OK,
      IDENTITY_OK,
      { name: "permissions", ok: false, detail: "ECONNRESET: socket hang up" },
      WHITELIST_OK,
    ]);
    const moved = () =>
      new Response(null, { status: 301, headers: { location: "https://other.example.net/x" } });
    const redirect = await doctor({ [CLUSTERS]: moved });
    expect(redirect.checks?.[5]).toStrictEqual({
      name: "permissions",
      ok: false,
      detail: "HTTP 301, a redirect to https://other.example.net (not followed)",
    });
  });
});

describe("doctor never prints the key", () => {
  it("hides a key the gateway echoes, in any case, in --json and in text", async () => {
    const echo = () => databricks(403, "PERMISSION_DENIED", `denied for ${KEY.toUpperCase()}`)();
    const run = await doctor({ [ME]: echo });
    expect(run.checks?.[5]).toEqual(
      fail("permissions", "permission-denied", "HTTP 403 from Databricks: denied for [REDACTED]"),
    );
    const text = await doctor({ [ME]: echo }, { argv: [] });
    expect(text.out).toContain("[permission-denied] HTTP 403 from Databricks: denied for [REDACTED]\n");
  });

  it("keeps --json valid JSON when the key also spells a field name or needs escaping", async () => {
    // Short keys are accepted against loopback (the emulator's); a key is masked in values, not names.
    for (const key of ["ok", 'k"1\\']) {
      let out = "";
      const io = {
        stdout: { write: (text: string) => (out += text) },
        stderr: { write: () => undefined },
        fetch: (async () =>
          databricks(403, "PERMISSION_DENIED", `denied for ${key}`)()) as unknown as typeof fetch,
      };
      await doctorCommand(["--apim-url", ORIGIN, "--json"], { DATABRICKS_APIM_SUBSCRIPTION_KEY: key }, io);
      const report = JSON.parse(out) as { ok: boolean; checks: { detail: string }[] };
      expect(report.ok).toBe(false);
      expect(report.checks.map((check) => check.detail)).toContain(
        "HTTP 403 from Databricks: denied for [REDACTED]",
      );
      const values: string[] = [];
      JSON.parse(out, (_name, value: unknown) => (typeof value === "string" && values.push(value), value));
      expect(values.filter((value) => value.toLowerCase().includes(key.toLowerCase()))).toEqual([]);
    }
  });

  it("hides the key in an input error, such as the key given as an argument", async () => {
    const run = await doctor({}, { argv: [KEY] });
    expect(run.code).toBe(2);
    expect(run.sent).toEqual([]);
    expect(run.out).toBe("");
    expect(run.err).toBe(
      `databricks-apim doctor: Unexpected argument '[REDACTED]'. This command does not take positional arguments\n${DOCTOR_USAGE}`,
    );
  });
});

describe("doctor's input", () => {
  it("exits 2 for bad input, before any request, naming the problem above the usage", async () => {
    let out = "";
    let err = "";
    let requests = 0;
    const io = {
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: (text: string) => (err += text) },
      fetch: (async () => {
        requests++;
        return new Response("{}");
      }) as unknown as typeof fetch,
    };
    expect(await doctorCommand([], ENV, io)).toBe(2);
    expect(err).toBe(`databricks-apim doctor: missing --apim-url (or DATABRICKS_APIM_URL).\n${DOCTOR_USAGE}`);
    expect(out).toBe("");
    expect(requests).toBe(0);
  });

  it("prints the usage for --help and exits 0 without a request", async () => {
    let out = "";
    let requests = 0;
    const io = {
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: () => expect.unreachable() },
      fetch: (async () => {
        requests++;
        return new Response("{}");
      }) as unknown as typeof fetch,
    };
    expect(await doctorCommand(["--help"], {}, io)).toBe(0);
    expect(out).toBe(DOCTOR_USAGE);
    expect(out).toMatch(/^Usage: databricks-apim doctor \[--apim-url URL\]/);
    expect(out).toContain(
      "The subscription key is read from DATABRICKS_APIM_SUBSCRIPTION_KEY only (never a flag)",
    );
    expect(out).toContain("Exit codes: 0 all checks passed, 1 a problem was found, 2 bad input.");
    expect(requests).toBe(0);
  });

  it("sends to the URL and suffix it was given, and times a request out after --timeout", async () => {
    const urls: string[] = [];
    let out = "";
    const io = {
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: () => {} },
      fetch: (async (url: string, init: RequestInit) => {
        urls.push(url);
        return new Promise<Response>((_resolve, reject) =>
          init.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
        );
      }) as unknown as typeof fetch,
    };
    const argv = [
      "--apim-url",
      "https://apim.example.net/team",
      "--api-suffix",
      "dbw-02",
      "--timeout",
      "5",
      "--json",
    ];
    expect(await doctorCommand(argv, {}, io)).toBe(1);
    expect(urls).toEqual([`https://apim.example.net/team/dbw-02${ME}`]);
    expect(JSON.parse(out).checks[0].detail).toBe(
      "https://apim.example.net/team/dbw-02 could not be reached (TIMEOUT: The operation was aborted due to timeout).",
    );
  });
});
