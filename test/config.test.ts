import { describe, expect, it } from "vitest";
import { resolveConfig } from "../src/config.js";
import { DatabricksConfigError } from "../src/errors.js";

const key = "sk-test-0123456789abcdef";
const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: 0 }) };

describe("resolveConfig", () => {
  it.each([
    [{ apimUrl: "not a url", subscriptionKey: key }, /apimUrl .* is not a valid URL/],
    [{ apimUrl: "http://apim.example.net", subscriptionKey: key }, /plain http:\/\/ to apim\.example\.net/],
    [{ apimUrl: "ftp://apim.example.net", subscriptionKey: key }, /must be an https:\/\/ URL/],
    [{ apimUrl: "https://u:p@apim.example.net", subscriptionKey: key }, /must not contain credentials/],
    [{ apimUrl: "https://apim.example.net?x=1", subscriptionKey: key }, /query string/],
    [{ apimUrl: "https://apim.example.net" }, /needs subscriptionKey .*DATABRICKS_APIM_SUBSCRIPTION_KEY/],
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
    [{ workspaceUrl: "https://adb-1.1.azuredatabricks.net" }, /direct mode needs token/],
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
    [{}, /no endpoint: pass apimUrl \(or set DATABRICKS_APIM_URL\)/],
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
});
