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
    try {
      resolveConfig({ apimUrl: "http://apim.example.net", subscriptionKey: key }, {});
    } catch (error) {
      expect(String(error)).not.toContain(key);
    }
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
