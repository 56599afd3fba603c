/**
 * readCallOptions: what the transport takes from the object openapi-fetch handed to fetch. openapi-fetch
 * 0.17 copies every init key the Request lacks onto the Request (`for (const key in init) if (!(key in
 * request)) request[key] = init[key]`, node_modules/openapi-fetch/dist/index.mjs), which is how per-call
 * options and the client's internal keys arrive. The rules for each number are in call-checks.test.ts;
 * transport.test.ts shows a refused option sends nothing.
 */
import { describe, expect, it } from "vitest";
import { FETCH_KEY, readCallOptions, STREAM_KEY } from "../src/call.js";
import { DatabricksConfigError } from "../src/errors.js";

const request = (extra: Record<string, unknown> = {}) =>
  Object.assign(new Request("https://apim.example.net/dbw-01/api/2.1/clusters/get"), extra);

describe("readCallOptions", () => {
  // tsconfig has exactOptionalPropertyTypes: an option the caller left out is absent, not an own
  // `undefined` that would override a client default in a spread.
  it("leaves out every option the call did not set", () => {
    const settings = readCallOptions(request());
    expect(settings).toStrictEqual({ stream: false, fetch: undefined });
    expect(Object.keys(settings).sort()).toEqual(["fetch", "stream"]);
  });

  it.each([
    ["maxRetries", 0],
    ["timeout", 1],
    ["totalTimeout", 60_000],
    ["maxResponseBytes", 1024],
  ])("reads %s alone, adding no other option", (name, value) => {
    expect(readCallOptions(request({ [name]: value }))).toStrictEqual({
      stream: false,
      fetch: undefined,
      [name]: value,
    });
  });

  it("reads all four together", () => {
    const all = { maxRetries: 2, timeout: 5, totalTimeout: 50, maxResponseBytes: 7 };
    expect(readCallOptions(request(all))).toStrictEqual({ stream: false, fetch: undefined, ...all });
  });

  it.each([
    ["maxRetries", -1, "≥ 0"],
    ["timeout", 0, "≥ 1"],
    ["totalTimeout", "5000", "≥ 1"],
    ["maxResponseBytes", 1.5, "≥ 1"],
  ])("refuses a bad %s, naming it and its lower bound", (name, value, bound) => {
    const read = () => readCallOptions(request({ [name]: value }));
    expect(read).toThrow(DatabricksConfigError);
    expect(read).toThrow(`Invalid call: ${name} must be an integer ${bound}`);
  });

  it("takes the call's own fetch from the client's internal key, and only a function", () => {
    const fetch = async () => new Response("{}");
    expect(readCallOptions(request({ [FETCH_KEY]: fetch })).fetch).toBe(fetch);
    // A per-call `fetch` that is not a function is refused by the client before this point; the
    // transport still never takes one as a fetch.
    expect(readCallOptions(request({ [FETCH_KEY]: "https://elsewhere.example" })).fetch).toBeUndefined();
    // The caller's own `fetch` init key is not read here: the client moves it to FETCH_KEY.
    expect(readCallOptions(request({ fetch })).fetch).toBeUndefined();
  });

  it("streams only when the client set its stream key to true", () => {
    expect(readCallOptions(request({ [STREAM_KEY]: true })).stream).toBe(true);
    expect(readCallOptions(request({ [STREAM_KEY]: "true" })).stream).toBe(false);
    expect(readCallOptions(request({ parseAs: "stream" })).stream).toBe(false);
  });

  it("keeps the internal keys out of fetch's and openapi-fetch's own option names", () => {
    // openapi-fetch copies a key onto the Request only when the Request lacks it.
    const probe = new Request("https://apim.example.net/");
    for (const key of [FETCH_KEY, STREAM_KEY]) {
      expect(key in probe).toBe(false);
      expect(["fetch", "parseAs", "params", "body", "headers", "middleware", "baseUrl"]).not.toContain(key);
    }
    expect(FETCH_KEY).not.toBe(STREAM_KEY);
  });
});
