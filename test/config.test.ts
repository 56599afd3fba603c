import { describe, expect, it } from "vitest";
import { resolveConfig } from "../src/config.js";
import { DatabricksConfigError } from "../src/errors.js";

const key = "sk-test-0123456789abcdef";
const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: 0 }) };

describe("resolveConfig", () => {
  it.each([
    [{ apimUrl: "not a url", subscriptionKey: key }, /apimUrl is not a valid URL/],
    [{ apimUrl: "http://apim.example.net", subscriptionKey: key }, /plain http:\/\/ to apim\.example\.net/],
    [{ apimUrl: "ftp://apim.example.net", subscriptionKey: key }, /must be an https:\/\/ URL/],
    [{ apimUrl: "https://u:p@apim.example.net", subscriptionKey: key }, /must not contain credentials/],
    [{ apimUrl: "https://apim.example.net?x=1", subscriptionKey: key }, /query string/],
    [
      { apimUrl: "https://apim.example.net" },
      /needs a subscription key: pass subscriptionKey or set DATABRICKS_APIM_SUBSCRIPTION_KEY/,
    ],
    [{ apimUrl: "https://apim.example.net", subscriptionKey: "" }, /subscriptionKey .* non-empty/],
    [{ apimUrl: "https://apim.example.net", subscriptionKey: "a b\n" }, /whitespace, control/],
    [
      { apimUrl: "https://apim.example.net", subscriptionKey: key, apiSuffix: "a/b" },
      /apiSuffix .* one simple path segment/,
    ],
    [{ apimUrl: "https://apim.example.net", subscriptionKey: key, apiSuffix: "../x" }, /apiSuffix/],
    [{ apimUrl: "https://apim.example.net", credential }, /needs scopes/],
    [
      {
        apimUrl: "https://apim.example.net",
        subscriptionKey: key,
        workspaceUrl: "https://adb-1.1.azuredatabricks.net",
      },
      /not both/,
    ],
    [
      { workspaceUrl: "https://adb-1.1.azuredatabricks.net" },
      /direct mode needs a token: pass token or set DATABRICKS_TOKEN/,
    ],
    [
      { workspaceUrl: "https://adb-1.1.azuredatabricks.net", token: key, credential },
      /either token or credential/,
    ],
    [
      { workspaceUrl: "https://adb-1.1.azuredatabricks.net", subscriptionKey: key },
      /subscriptionKey is for APIM mode/,
    ],
    [
      { apimUrl: "https://apim.example.net", subscriptionKey: key, maxRetries: -1 },
      /maxRetries must be an integer/,
    ],
    [{ apimUrl: "https://apim.example.net", subscriptionKey: key, timeout: 0 }, /timeout must be an integer/],
    [
      { apimUrl: "https://apim.example.net", subscriptionKey: key, credential: {} },
      /credential must be a TokenCredential/,
    ],
    [
      {},
      /no endpoint: for APIM, pass apimUrl or set DATABRICKS_APIM_URL; for a workspace, pass workspaceUrl/,
    ],
    [{ subscriptionKey: key }, /APIM mode needs the gateway URL: pass apimUrl or set DATABRICKS_APIM_URL/],
    [{ subscriptionKey: key, token: key }, /subscriptionKey is for APIM mode and token for direct mode/],
    [{ apimUrl: "https://apim.example.net", subscriptionKey: key, token: key }, /token is for direct mode/],
  ])("rejects %j", (options, message) => {
    const attempt = () => resolveConfig(options as never, {});
    expect(attempt).toThrow(DatabricksConfigError);
    expect(attempt).toThrow(message);
  });

  it("never puts the key in a configuration error", () => {
    const attempt = () => resolveConfig({ apimUrl: "http://apim.example.net", subscriptionKey: key }, {});
    expect(attempt).toThrow(DatabricksConfigError);
    expect(attempt).not.toThrow(key);
  });

  it("builds the gateway base URL from apimUrl and apiSuffix (default dbw-01)", () => {
    expect(resolveConfig({ apimUrl: "https://apim.example.net/", subscriptionKey: key }, {}).baseUrl).toBe(
      "https://apim.example.net/dbw-01",
    );
    const custom = resolveConfig(
      { apimUrl: "https://apim.example.net/gw", subscriptionKey: key, apiSuffix: "dbw-02" },
      {},
    );
    expect(custom.baseUrl).toBe("https://apim.example.net/gw/dbw-02");
    expect(custom.pathPrefix).toBe("/gw/dbw-02");
  });

  it("allows plain http to loopback only", () => {
    for (const host of ["localhost:8080", "127.0.0.1:1", "[::1]:2"]) {
      expect(resolveConfig({ apimUrl: `http://${host}`, subscriptionKey: key }, {}).baseUrl).toBe(
        `http://${host}/dbw-01`,
      );
    }
  });

  it("reads APIM mode from the environment", () => {
    const config = resolveConfig(undefined, {
      DATABRICKS_APIM_URL: "https://apim.example.net",
      DATABRICKS_APIM_SUBSCRIPTION_KEY: key,
      DATABRICKS_APIM_API_SUFFIX: "dbw-07",
    });
    expect(config.baseUrl).toBe("https://apim.example.net/dbw-07");
    expect(config.auth).toMatchObject({ kind: "apim", subscriptionKey: key });
  });

  it("reads direct mode from DATABRICKS_HOST / DATABRICKS_TOKEN, adding https:// to a bare host", () => {
    const config = resolveConfig(
      {},
      { DATABRICKS_HOST: "adb-1.1.azuredatabricks.net", DATABRICKS_TOKEN: key },
    );
    expect(config.baseUrl).toBe("https://adb-1.1.azuredatabricks.net");
    expect(config.auth).toMatchObject({
      kind: "direct",
      token: key,
      scopes: ["2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default"],
    });
  });

  it("lets explicit options win over the environment", () => {
    const config = resolveConfig(
      { apimUrl: "https://explicit.example.net", subscriptionKey: "sk-explicit-000000" },
      { DATABRICKS_APIM_URL: "https://env.example.net", DATABRICKS_APIM_SUBSCRIPTION_KEY: key },
    );
    expect(config.baseUrl).toBe("https://explicit.example.net/dbw-01");
    expect(config.auth).toMatchObject({ subscriptionKey: "sk-explicit-000000" });
    const mixed = resolveConfig(
      { maxRetries: 7 },
      { DATABRICKS_APIM_URL: "https://env.example.net", DATABRICKS_APIM_SUBSCRIPTION_KEY: key },
    );
    expect(mixed.maxRetries).toBe(7);
    expect(mixed.baseUrl).toBe("https://env.example.net/dbw-01");
  });

  it("applies defaults", () => {
    const config = resolveConfig({ apimUrl: "https://apim.example.net", subscriptionKey: key }, {});
    expect(config).toMatchObject({ maxRetries: 3, timeout: 60_000, totalTimeout: 300_000 });
  });

  it("applies defaults when options are explicitly undefined", () => {
    const config = resolveConfig(
      {
        apimUrl: "https://apim.example.net",
        subscriptionKey: key,
        maxRetries: undefined,
        apiSuffix: undefined,
        headers: { "X-Trace": undefined, "X-App": "a" },
      },
      {},
    );
    expect(config).toMatchObject({ maxRetries: 3, baseUrl: "https://apim.example.net/dbw-01" });
    expect(config.headers).toEqual({ "X-App": "a" });
  });
});

describe("each option falls back to its own environment variable (issue 14)", () => {
  const env = {
    DATABRICKS_APIM_URL: "https://env.example.net",
    DATABRICKS_APIM_SUBSCRIPTION_KEY: key,
    DATABRICKS_APIM_API_SUFFIX: "dbw-07",
  };

  it("takes the key from the environment when only apimUrl is passed", () => {
    const config = resolveConfig({ apimUrl: "https://apim.example.net" }, env);
    expect(config.baseUrl).toBe("https://apim.example.net/dbw-07");
    expect(config.auth).toMatchObject({ kind: "apim", subscriptionKey: key });
  });

  it("takes the URL from the environment when only the key is passed, and the option's key wins", () => {
    const config = resolveConfig({ subscriptionKey: "sk-explicit-000000" }, env);
    expect(config.baseUrl).toBe("https://env.example.net/dbw-07");
    expect(config.auth).toMatchObject({ subscriptionKey: "sk-explicit-000000" });
  });

  it("treats an undefined option as not given (subscriptionKey: process.env.X with X unset)", () => {
    const config = resolveConfig({ apimUrl: "https://apim.example.net", subscriptionKey: undefined }, env);
    expect(config.auth).toMatchObject({ subscriptionKey: key });
  });

  it("direct mode: the token from DATABRICKS_TOKEN with an explicit workspaceUrl; an explicit credential wins", () => {
    const direct = { DATABRICKS_HOST: "adb-1.1.azuredatabricks.net", DATABRICKS_TOKEN: key };
    expect(resolveConfig({ workspaceUrl: "https://adb-2.2.azuredatabricks.net" }, direct).auth).toMatchObject(
      { kind: "direct", token: key },
    );
    expect(resolveConfig({ credential }, direct).auth).toMatchObject({ token: undefined, credential });
    expect(resolveConfig({ token: "dapi-explicit-0000" }, direct).baseUrl).toBe(
      "https://adb-1.1.azuredatabricks.net",
    );
  });

  it("never asks to set a variable that is already set", () => {
    const blank = { DATABRICKS_APIM_SUBSCRIPTION_KEY: "  " };
    const attempt = () => resolveConfig({ apimUrl: "https://apim.example.net" }, blank);
    expect(attempt).toThrow(/give DATABRICKS_APIM_SUBSCRIPTION_KEY a value \(it is set but empty\)/);
    expect(attempt).not.toThrow(/or set DATABRICKS_APIM_SUBSCRIPTION_KEY/);
    expect(() => resolveConfig({}, { DATABRICKS_APIM_URL: "" })).toThrow(
      /give DATABRICKS_APIM_URL a value \(it is set but empty\)/,
    );
  });

  it("names the variable a bad value came from", () => {
    expect(() =>
      resolveConfig(
        { apimUrl: "https://apim.example.net" },
        { DATABRICKS_APIM_SUBSCRIPTION_KEY: "a\u0001b-long-enough" },
      ),
    ).toThrow(/subscriptionKey \(from DATABRICKS_APIM_SUBSCRIPTION_KEY\) contains whitespace/);
    expect(() => resolveConfig({}, { ...env, DATABRICKS_APIM_URL: "nope" })).toThrow(
      /apimUrl \(from DATABRICKS_APIM_URL\) is not a valid URL/,
    );
  });

  it("refuses an apimUrl that already ends with the API suffix, saying to drop it", () => {
    for (const [apimUrl, suffix, expected] of [
      ["https://x.azure-api.net/dbw-01", undefined, "https://x.azure-api.net"],
      ["https://x.azure-api.net/gw/DBW-02/", "dbw-02", "https://x.azure-api.net/gw"],
    ] as const) {
      const attempt = () => resolveConfig({ apimUrl, subscriptionKey: key, apiSuffix: suffix }, {});
      expect(attempt).toThrow(DatabricksConfigError);
      expect(attempt).toThrow(`already ends with the API suffix`);
      expect(attempt).toThrow(`drop it (use ${expected})`);
    }
    // A gateway path that merely contains the suffix elsewhere is fine.
    expect(
      resolveConfig({ apimUrl: "https://x.azure-api.net/dbw-01/gw", subscriptionKey: key }, {}).baseUrl,
    ).toBe("https://x.azure-api.net/dbw-01/gw/dbw-01");
  });
});

describe("secrets and headers are checked at construction, never echoed", () => {
  it("refuses keys and tokens under 8 characters, except against localhost", () => {
    for (const options of [
      { apimUrl: "https://apim.example.net", subscriptionKey: "short" },
      { workspaceUrl: "https://adb-1.1.azuredatabricks.net", token: "dapi1" },
    ]) {
      const attempt = () => resolveConfig(options, {});
      expect(attempt).toThrow(DatabricksConfigError);
      expect(attempt).toThrow(/shorter than 8 characters/);
      expect(attempt).not.toThrow(/short"|dapi1/);
    }
    for (const host of ["localhost:8080", "127.0.0.1:1", "[::1]:2"]) {
      const config = resolveConfig({ apimUrl: `http://${host}`, subscriptionKey: "dev" }, {});
      expect(config.secrets).toEqual(["dev"]);
    }
  });

  it.each([
    ["CRLF in a value", { "X-App": "a\r\nInjected: yes" }, /headers\["X-App"\] contains a line break/],
    ["LF in a value", { "X-App": "a\nb" }, /headers\["X-App"\]/],
    ["NUL in a value", { "X-App": "a\u0000b" }, /headers\["X-App"\]/],
    ["non-Latin-1 value", { "X-App": "snowman ☃" }, /headers\["X-App"\]/],
    ["CRLF in a name", { "X-App\r\nInjected": "v" }, /"X-App\\r\\nInjected" is not a valid header name/],
    ["space in a name", { "X App": "v" }, /not a valid header name/],
    ["non-string value", { "X-App": 1 }, /headers\["X-App"\] must be a string/],
  ])("refuses %s, naming the header but not its value", (_label, headers, message) => {
    const secret = "s3cr3t-value";
    const withSecret = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, typeof v === "string" ? `${v}${secret}` : v]),
    );
    const attempt = () =>
      resolveConfig(
        { apimUrl: "https://apim.example.net", subscriptionKey: key, headers: withSecret as never },
        {},
      );
    expect(attempt).toThrow(DatabricksConfigError);
    expect(attempt).toThrow(message);
    expect(attempt).not.toThrow(secret);
  });

  it("accepts ordinary header names and values, tabs and Latin-1 included", () => {
    const headers = { "X-App": "my app/1.0\tü", "x-ms-client-request-id": "abc" };
    expect(
      resolveConfig({ apimUrl: "https://apim.example.net", subscriptionKey: key, headers }, {}).headers,
    ).toEqual(headers);
  });
});

const PREFIX = "Invalid databricks-apim configuration: ";
const apim = { apimUrl: "https://apim.example.net", subscriptionKey: key };
const workspace = "https://adb-1.1.azuredatabricks.net";

/** The whole message of the `DatabricksConfigError` that `resolveConfig` throws for these inputs. */
function refusal(options: unknown, env: Record<string, string | undefined> = {}): string {
  try {
    resolveConfig(options as never, env);
  } catch (error) {
    expect(error).toBeInstanceOf(DatabricksConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a DatabricksConfigError, nothing was thrown");
}

describe("whole refusals: each names the option (or variable) at fault", () => {
  it.each([
    [null, "options must be an object"],
    ["https://apim.example.net", "options must be an object"],
    [42, "options must be an object"],
    [
      { ...apim, credential: null },
      "credential must be a TokenCredential (an object with getToken), e.g. from @azure/identity",
    ],
    [
      { ...apim, credential: { getToken: "t" } },
      "credential must be a TokenCredential (an object with getToken), e.g. from @azure/identity",
    ],
    [{ ...apim, fetch: "https://proxy" }, "fetch must be a function"],
    [{ ...apim, fetch: null }, "fetch must be a function"],
    [{ ...apim, apiSuffix: 5 }, 'apiSuffix must be one simple path segment like "dbw-01"'],
    [{ ...apim, apiSuffix: "" }, 'apiSuffix must be one simple path segment like "dbw-01"'],
    [{ ...apim, apiSuffix: "-x" }, 'apiSuffix must be one simple path segment like "dbw-01"'],
    [{ ...apim, apimUrl: "" }, "apimUrl must be a non-empty URL string"],
    [{ ...apim, apimUrl: 5 }, "apimUrl must be a non-empty URL string"],
    [{ ...apim, subscriptionKey: 5 }, "subscriptionKey must be a non-empty string"],
    [{ ...apim, subscriptionKey: "   " }, "subscriptionKey must be a non-empty string"],
    [{ workspaceUrl: workspace, token: "" }, "token must be a non-empty string"],
    [
      { workspaceUrl: workspace, token: "dapi 0123456789" },
      "token contains whitespace, control or non-ASCII characters",
    ],
    [{ workspaceUrl: "", token: key }, "workspaceUrl must be a non-empty URL string"],
    [
      // DATABRICKS_HOST may be a bare host name; the option must be a URL, and says so.
      { workspaceUrl: "adb-1.1.azuredatabricks.net", token: key },
      "workspaceUrl is not a valid URL (expected e.g. https://my-apim.azure-api.net)",
    ],
    [{ ...apim, totalTimeout: 0 }, "totalTimeout must be an integer ≥ 1 (got 0)"],
    [{ ...apim, maxResponseBytes: 0.5 }, "maxResponseBytes must be an integer ≥ 1 (got 0.5)"],
    [{ ...apim, maxRetries: 1.5 }, "maxRetries must be an integer ≥ 0 (got 1.5)"],
    [{ ...apim, timeout: -5 }, "timeout must be an integer ≥ 1 (got -5)"],
    [{ ...apim, headers: "X-App: a" }, "headers must be an object mapping header names to string values"],
    [
      { subscriptionKey: key, apiSuffix: "dbw-01", token: key },
      "subscriptionKey, apiSuffix are for APIM mode and token for direct mode: pick one",
    ],
    [
      { subscriptionKey: key, apiSuffix: "dbw-01", scopes: "api://x/.default", token: key },
      "subscriptionKey, apiSuffix, scopes are for APIM mode and token for direct mode: pick one",
    ],
    [
      { scopes: ["api://x/.default"], token: key },
      "scopes is for APIM mode and token for direct mode: pick one",
    ],
    [
      { ...apim, workspaceUrl: workspace },
      "pass either apimUrl (APIM mode) or workspaceUrl (direct mode), not both",
    ],
    [{ ...apim, token: key }, "token is for direct mode (workspaceUrl); in APIM mode use subscriptionKey"],
    [
      { workspaceUrl: workspace, subscriptionKey: key },
      "subscriptionKey is for APIM mode (apimUrl), not workspaceUrl",
    ],
    [{ workspaceUrl: workspace, token: key, credential }, "pass either token or credential, not both"],
    [
      { apimUrl: "https://apim.example.net", credential },
      "credential in APIM mode needs scopes: the Entra audience your gateway validates, e.g. api://my-apim/.default",
    ],
    [
      { apimUrl: "https://apim.example.net", credential, scopes: [] },
      "credential in APIM mode needs scopes: the Entra audience your gateway validates, e.g. api://my-apim/.default",
    ],
    [
      { apimUrl: "https://apim.example.net" },
      "APIM mode needs a subscription key: pass subscriptionKey or set DATABRICKS_APIM_SUBSCRIPTION_KEY (or pass credential and scopes for a gateway that validates Entra tokens)",
    ],
    [
      { workspaceUrl: workspace },
      "direct mode needs a token: pass token or set DATABRICKS_TOKEN, or pass a credential",
    ],
    [{ subscriptionKey: key }, "APIM mode needs the gateway URL: pass apimUrl or set DATABRICKS_APIM_URL"],
    [
      {},
      "no endpoint: for APIM, pass apimUrl or set DATABRICKS_APIM_URL; for a workspace, pass workspaceUrl or set DATABRICKS_HOST",
    ],
    [
      { apimUrl: "https://apim.example.net/gw/dbw-01//", subscriptionKey: key },
      'apimUrl already ends with the API suffix "/dbw-01"; drop it (use https://apim.example.net/gw): the client appends the suffix itself',
    ],
  ])("refuses %j", (options, message) => {
    expect(refusal(options)).toBe(`${PREFIX}${message}`);
  });

  it("an explicit token means direct mode even with DATABRICKS_APIM_URL set, and asks for the workspace URL", () => {
    const message = "direct mode needs the workspace URL: pass workspaceUrl or set DATABRICKS_HOST";
    expect(refusal({ token: key }, {})).toBe(`${PREFIX}${message}`);
    expect(refusal({ token: key }, { DATABRICKS_APIM_URL: "https://apim.example.net" })).toBe(
      `${PREFIX}${message}`,
    );
    expect(refusal({ token: key }, { DATABRICKS_HOST: " " })).toBe(
      `${PREFIX}direct mode needs the workspace URL: pass workspaceUrl, or give DATABRICKS_HOST a value (it is set but empty)`,
    );
  });

  it("says which variables are set but blank", () => {
    expect(refusal({}, { DATABRICKS_APIM_URL: " ", DATABRICKS_HOST: "\t" })).toBe(
      `${PREFIX}no endpoint: for APIM, pass apimUrl, or give DATABRICKS_APIM_URL a value (it is set but empty); for a workspace, pass workspaceUrl, or give DATABRICKS_HOST a value (it is set but empty)`,
    );
    expect(refusal({ workspaceUrl: workspace }, { DATABRICKS_TOKEN: "" })).toBe(
      `${PREFIX}direct mode needs a token: pass token, or give DATABRICKS_TOKEN a value (it is set but empty), or pass a credential`,
    );
    expect(refusal({ subscriptionKey: key }, { DATABRICKS_APIM_URL: "" })).toBe(
      `${PREFIX}APIM mode needs the gateway URL: pass apimUrl, or give DATABRICKS_APIM_URL a value (it is set but empty)`,
    );
  });

  it("labels a bad value from the environment with its variable", () => {
    const env = { DATABRICKS_APIM_URL: "https://apim.example.net", DATABRICKS_APIM_SUBSCRIPTION_KEY: key };
    expect(refusal({}, { ...env, DATABRICKS_APIM_API_SUFFIX: "a/b" })).toBe(
      `${PREFIX}apiSuffix (from DATABRICKS_APIM_API_SUFFIX) must be one simple path segment like "dbw-01"`,
    );
    expect(refusal({}, { ...env, DATABRICKS_APIM_URL: "https://apim.example.net/dbw-01" })).toBe(
      `${PREFIX}apimUrl (from DATABRICKS_APIM_URL) already ends with the API suffix "/dbw-01"; drop it (use https://apim.example.net): the client appends the suffix itself`,
    );
    expect(refusal({}, { DATABRICKS_HOST: workspace, DATABRICKS_TOKEN: "dapi 0123456789" })).toBe(
      `${PREFIX}token (from DATABRICKS_TOKEN) contains whitespace, control or non-ASCII characters`,
    );
    expect(
      refusal({}, { DATABRICKS_HOST: "http://adb-1.1.azuredatabricks.net", DATABRICKS_TOKEN: key }),
    ).toBe(
      `${PREFIX}workspaceUrl (from DATABRICKS_HOST) uses plain http:// to adb-1.1.azuredatabricks.net; use https:// (http is allowed only for localhost)`,
    );
  });

  it("never echoes a key, token or URL password it refuses", () => {
    for (const [options, secret] of [
      [{ apimUrl: "https://me:pa55-w0rd-x@apim.example.net", subscriptionKey: key }, "pa55-w0rd-x"],
      [{ apimUrl: "https://apim.example.net", subscriptionKey: `${key} ` }, key],
      [{ workspaceUrl: workspace, token: `dapi\n${key}` }, key],
      [{ workspaceUrl: "http://adb-1.1.azuredatabricks.net", token: key }, key],
    ] as const) {
      expect(refusal(options)).not.toContain(secret);
    }
  });
});

describe("what a valid configuration holds", () => {
  it("trims any number of trailing slashes off the gateway path before adding the suffix", () => {
    const config = resolveConfig({ ...apim, apimUrl: "https://apim.example.net/gw//" }, {});
    expect(config.baseUrl).toBe("https://apim.example.net/gw/dbw-01");
    expect(config.pathPrefix).toBe("/gw/dbw-01");
    expect(resolveConfig(apim, {}).pathPrefix).toBe("/dbw-01");
  });

  it("APIM mode with a credential: its scopes as given (a string or a list), no key, no secret", () => {
    const one = resolveConfig(
      { apimUrl: "https://apim.example.net", credential, scopes: "api://gw/.default" },
      {},
    );
    expect(one.auth).toEqual({
      kind: "apim",
      subscriptionKey: undefined,
      credential,
      scopes: ["api://gw/.default"],
    });
    expect(one.secrets).toEqual([]);
    const both = resolveConfig({ ...apim, credential, scopes: ["api://a/.default", "api://b/.default"] }, {});
    expect(both.auth).toEqual({
      kind: "apim",
      subscriptionKey: key,
      credential,
      scopes: ["api://a/.default", "api://b/.default"],
    });
    expect(both.secrets).toEqual([key]);
    expect(resolveConfig(apim, {}).auth).toEqual({
      kind: "apim",
      subscriptionKey: key,
      credential: undefined,
      scopes: [],
    });
  });

  // databricks-sdk-py adds "https://" to a host without "://" and strips trailing slashes from the path
  // (databricks/sdk/_base_client.py, _fix_host_if_needed); DATABRICKS_HOST is read the same way here.
  // The Entra scope is the Azure Databricks application id + "/.default", as in
  // https://learn.microsoft.com/en-us/azure/databricks/dev-tools/sp-aad-token (resource 2ff814a6-…).
  it("direct mode: the workspace URL as given, its path without trailing slashes", () => {
    const explicit = resolveConfig({ workspaceUrl: workspace, token: key }, {});
    expect(explicit).toMatchObject({ baseUrl: workspace, pathPrefix: "", secrets: [key] });
    expect(explicit.auth).toEqual({
      kind: "direct",
      token: key,
      credential: undefined,
      scopes: ["2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default"],
    });
    const withPath = resolveConfig({ workspaceUrl: `${workspace}/ws//`, token: key }, {});
    expect(withPath).toMatchObject({ baseUrl: `${workspace}/ws`, pathPrefix: "/ws" });
    const fromEnv = resolveConfig({ token: key }, { DATABRICKS_HOST: "adb-1.1.azuredatabricks.net/ws/" });
    expect(fromEnv).toMatchObject({ baseUrl: `${workspace}/ws`, pathPrefix: "/ws" });
    // A variable that already has a scheme keeps it (loopback http for an emulator).
    expect(resolveConfig({ token: key }, { DATABRICKS_HOST: "http://127.0.0.1:8080" }).baseUrl).toBe(
      "http://127.0.0.1:8080",
    );
    const viaCredential = resolveConfig({ workspaceUrl: workspace, credential }, {});
    expect(viaCredential.auth).toMatchObject({ kind: "direct", token: undefined, credential });
    expect(viaCredential.secrets).toEqual([]);
  });

  it("trims a variable's value and treats a blank one as unset", () => {
    const config = resolveConfig(
      {},
      {
        DATABRICKS_APIM_URL: "  https://apim.example.net \n",
        DATABRICKS_APIM_SUBSCRIPTION_KEY: ` ${key}\t`,
        DATABRICKS_APIM_API_SUFFIX: "   ",
        DATABRICKS_HOST: workspace,
      },
    );
    expect(config.baseUrl).toBe("https://apim.example.net/dbw-01");
    expect(config.auth).toMatchObject({ kind: "apim", subscriptionKey: key });
    expect(config.secrets).toEqual([key]);
    // A blank DATABRICKS_APIM_URL does not pick APIM mode over a set DATABRICKS_HOST.
    expect(
      resolveConfig({}, { DATABRICKS_APIM_URL: " ", DATABRICKS_HOST: workspace, DATABRICKS_TOKEN: key }).auth,
    ).toMatchObject({
      kind: "direct",
    });
  });

  it("keeps fetch, userAgent, onRetry and every count as given", () => {
    const fetch = async () => new Response();
    const onRetry = () => {};
    const config = resolveConfig(
      {
        ...apim,
        fetch,
        onRetry,
        userAgent: "my-app/1.0 (build 7)",
        maxRetries: 0,
        timeout: 1,
        totalTimeout: 2,
        maxResponseBytes: 3,
      },
      {},
    );
    expect(config).toMatchObject({
      userAgent: "my-app/1.0 (build 7)",
      maxRetries: 0,
      timeout: 1,
      totalTimeout: 2,
    });
    expect(config.fetch).toBe(fetch);
    expect(config.onRetry).toBe(onRetry);
    expect(config.maxResponseBytes).toBe(3);
    const defaults = resolveConfig(apim, {});
    expect(defaults).toMatchObject({
      fetch: undefined,
      userAgent: undefined,
      onRetry: undefined,
      headers: {},
      maxResponseBytes: 64 * 1024 * 1024,
    });
  });

  // The User-Agent is one header line: visible ASCII to start, then visible ASCII or spaces.
  it("refuses a userAgent that is empty, starts with a space, or holds a control or non-ASCII character", () => {
    for (const userAgent of [
      "",
      " my-app/1.0",
      "my-app/1.0\n",
      "my-app\r\nX-Evil: 1",
      "my-app\t1.0",
      "mÿ-app",
      "\u007f",
    ]) {
      expect(refusal({ ...apim, userAgent })).toBe(
        `${PREFIX}userAgent must be printable ASCII, e.g. my-app/1.0`,
      );
    }
    for (const userAgent of ["a", "~", "my-app/1.0 ", "x (y; z) ~!"]) {
      expect(resolveConfig({ ...apim, userAgent }, {}).userAgent).toBe(userAgent);
    }
  });
});
