import { describe, expect, it } from "vitest";
import {
  checkCount,
  checkHeaders,
  checkSecret,
  checkUrl,
  fail,
  LOOPBACK_HOSTS,
} from "../src/config-checks.js";
import { DatabricksConfigError } from "../src/errors.js";

const PREFIX = "Invalid databricks-apim configuration: ";

/** The whole message of the `DatabricksConfigError` that `run` throws (fails the test otherwise). */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DatabricksConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a DatabricksConfigError, nothing was thrown");
}

const https = new URL("https://apim.example.net");

describe("fail", () => {
  it("throws a DatabricksConfigError carrying the message after a fixed prefix", () => {
    const error = (() => {
      try {
        fail("something is off");
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error).toBeInstanceOf(DatabricksConfigError);
    expect(error?.name).toBe("DatabricksConfigError");
    expect(error?.message).toBe(`${PREFIX}something is off`);
  });
});

describe("checkUrl", () => {
  const label = "apimUrl (from DATABRICKS_APIM_URL)";

  it("returns the parsed URL", () => {
    const url = checkUrl({ value: "https://apim.example.net/gw", label });
    expect(url).toBeInstanceOf(URL);
    expect(url.href).toBe("https://apim.example.net/gw");
  });

  it.each([5, undefined, null, {}, "", "   ", "\t"])("refuses %j as not a non-empty string", (value) => {
    expect(refusal(() => checkUrl({ value, label }))).toBe(
      `${PREFIX}${label} must be a non-empty URL string`,
    );
  });

  it.each(["not a url", "apim.example.net", "https://"])("refuses %j as unparsable", (value) => {
    expect(refusal(() => checkUrl({ value, label }))).toBe(
      `${PREFIX}${label} is not a valid URL (expected e.g. https://my-apim.azure-api.net)`,
    );
  });

  it.each([
    "https://alice:hunter2-secret@apim.example.net",
    "https://alice@apim.example.net",
    "https://:hunter2-secret@apim.example.net",
  ])("refuses credentials in %s without echoing them", (value) => {
    const message = refusal(() => checkUrl({ value, label }));
    expect(message).toBe(`${PREFIX}${label} must not contain credentials`);
    expect(message).not.toMatch(/alice|hunter2/);
  });

  it.each(["https://apim.example.net/?code=1", "https://apim.example.net/#frag"])("refuses %s", (value) => {
    expect(refusal(() => checkUrl({ value, label }))).toBe(
      `${PREFIX}${label} must not contain a query string or fragment`,
    );
  });

  it("refuses plain http to any host but loopback, naming the host", () => {
    for (const host of ["apim.example.net", "127.0.0.2", "10.0.0.1"]) {
      expect(refusal(() => checkUrl({ value: `http://${host}/`, label }))).toBe(
        `${PREFIX}${label} uses plain http:// to ${host}; use https:// (http is allowed only for localhost)`,
      );
    }
    expect([...LOOPBACK_HOSTS]).toEqual(["localhost", "127.0.0.1", "[::1]"]);
    // The WHATWG URL parser lower-cases host names, so a capitalised localhost still counts.
    for (const host of ["localhost:8080", "LOCALHOST", "127.0.0.1:1", "[::1]:2"]) {
      expect(checkUrl({ value: `http://${host}`, label }).protocol).toBe("http:");
    }
  });

  it.each(["ftp://apim.example.net", "ws://localhost:1", "file:///etc/passwd"])("refuses %s", (value) => {
    expect(refusal(() => checkUrl({ value, label }))).toBe(`${PREFIX}${label} must be an https:// URL`);
  });
});

describe("checkSecret", () => {
  const label = "subscriptionKey";

  it("passes an absent value through as undefined", () => {
    expect(checkSecret(undefined, https)).toBeUndefined();
  });

  it("returns the value untouched", () => {
    expect(checkSecret({ value: "0123456789abcdef0123456789abcdef", label }, https)).toBe(
      "0123456789abcdef0123456789abcdef",
    );
  });

  it.each([5, null, {}, "", "   ", "\t\n"])("refuses %j as not a non-empty string", (value) => {
    expect(refusal(() => checkSecret({ value, label }, https))).toBe(
      `${PREFIX}${label} must be a non-empty string`,
    );
  });

  // The value goes into one request header (Ocp-Apim-Subscription-Key or Authorization), so a pasted
  // space, newline or non-ASCII letter is refused before any request, and never shown.
  it.each(["secret-with space", "secret-with\ttab", "secret-value\n", "sécret-value", "secret\u0000value"])(
    "refuses %j without echoing it",
    (value) => {
      const message = refusal(() => checkSecret({ value, label }, https));
      expect(message).toBe(`${PREFIX}${label} contains whitespace, control or non-ASCII characters`);
      expect(message).not.toContain("secret");
    },
  );

  it("refuses fewer than 8 characters except against loopback, without echoing them", () => {
    const message = refusal(() => checkSecret({ value: "abc1234", label }, https));
    expect(message).toBe(
      `${PREFIX}${label} is shorter than 8 characters, so it cannot be a real key or token (short keys are accepted only for localhost emulators)`,
    );
    expect(message).not.toContain("abc1234");
    expect(checkSecret({ value: "abcd1234", label }, https)).toBe("abcd1234");
    for (const host of ["localhost", "127.0.0.1", "[::1]"]) {
      expect(checkSecret({ value: "k", label }, new URL(`http://${host}:1`))).toBe("k");
    }
  });
});

describe("checkCount", () => {
  it("gives the fallback for undefined, and the value when it is an integer at or above the minimum", () => {
    expect(checkCount(undefined, "maxRetries", 3, 0)).toBe(3);
    expect(checkCount(0, "maxRetries", 3, 0)).toBe(0);
    expect(checkCount(1, "timeout", 60_000, 1)).toBe(1);
    expect(checkCount(2 ** 40, "maxResponseBytes", 1, 1)).toBe(2 ** 40);
  });

  it.each([
    [-1, 0, "-1"],
    [0, 1, "0"],
    [1.5, 1, "1.5"],
    [Number.NaN, 1, "NaN"],
    [Number.POSITIVE_INFINITY, 1, "Infinity"],
    [Number.NEGATIVE_INFINITY, 0, "-Infinity"],
    ["5", 1, "5"],
    [null, 0, "null"],
    [true, 0, "true"],
    [5n, 1, "5"],
    [Symbol("five"), 0, "Symbol(five)"],
  ])("refuses %s (minimum %i), showing what it got", (value, min, shown) => {
    expect(refusal(() => checkCount(value, "timeout", 60_000, min))).toBe(
      `${PREFIX}timeout must be an integer ≥ ${min} (got ${shown})`,
    );
  });
});

describe("checkHeaders", () => {
  it("gives {} for undefined, and a copy of the given names and values", () => {
    expect(checkHeaders(undefined)).toEqual({});
    const headers = { "X-App": "a", "x-ms-client-request-id": "b" };
    const out = checkHeaders(headers);
    expect(out).toEqual(headers);
    expect(out).not.toBe(headers);
  });

  it("leaves out a header whose value is undefined, without an own undefined key", () => {
    const out = checkHeaders({ "X-Trace": undefined, "X-App": "a" });
    expect(out).toEqual({ "X-App": "a" });
    expect(Object.keys(out)).toEqual(["X-App"]);
  });

  it.each(["x", 1, true, null, [], [["X-App", "a"]], ["a"]])(
    "refuses %j as not a plain object",
    (headers) => {
      expect(refusal(() => checkHeaders(headers))).toBe(
        `${PREFIX}headers must be an object mapping header names to string values`,
      );
    },
  );

  // RFC 9110 §5.1 and §5.6.2: a field name is a `token` (tchar: ALPHA / DIGIT / "!#$%&'*+-.^_`|~").
  it("accepts every tchar in a name and refuses anything else, quoting only the name", () => {
    expect(checkHeaders({ "!#$%&'*+-.^_`|~09AZaz": "v" })).toEqual({ "!#$%&'*+-.^_`|~09AZaz": "v" });
    for (const name of ["X App", "", "X:App", "X-Äpp", "X-App\r\n", "(x)"]) {
      const message = refusal(() => checkHeaders({ [name]: "value-not-shown" }));
      expect(message).toBe(
        `${PREFIX}headers: ${JSON.stringify(name)} is not a valid header name (letters, digits and !#$%&'*+-.^_\`|~)`,
      );
      expect(message).not.toContain("value-not-shown");
    }
  });

  it.each([1, null, {}, ["a"]])("refuses the non-string value %j, naming the header", (value) => {
    expect(refusal(() => checkHeaders({ "X-App": value }))).toBe(
      `${PREFIX}headers["X-App"] must be a string`,
    );
  });

  // RFC 9110 §5.5: field-value is VCHAR, SP, HTAB and obs-text (0x80–0xFF); CR, LF, NUL, DEL and other
  // controls are not allowed, and fetch's Headers only takes Latin-1 (ByteString).
  it("accepts visible ASCII, space, tab and Latin-1 in a value; refuses controls and wider characters", () => {
    const fine = { a: "", b: "\t", c: "a b/1.0", d: "\u0080ÿü" };
    expect(checkHeaders(fine)).toEqual(fine);
    for (const bad of ["\r", "\n", "\u0000", "\u001b", "\u007f", "☃", "\u0100"]) {
      const message = refusal(() => checkHeaders({ "X-App": `token-123${bad}` }));
      expect(message).toBe(
        `${PREFIX}headers["X-App"] contains a line break or another control or non-Latin-1 character (value not shown)`,
      );
      expect(message).not.toContain("token-123");
    }
  });
});
