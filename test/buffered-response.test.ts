import { describe, expect, it } from "vitest";
import { bufferedResponse } from "../src/buffered-response.js";

const bytes = new TextEncoder().encode('{"a":1}') as Uint8Array<ArrayBuffer>;
const init = () => ({
  status: 201,
  statusText: "Created",
  headers: new Headers({ "content-type": "application/json" }),
});

describe("bufferedResponse", () => {
  it("is a Response with the status, headers and url, and answers json() with the parsed value", async () => {
    const parsed = { a: 1 };
    const response = bufferedResponse(bytes, init(), parsed, "https://x.test/a");
    expect(response).toBeInstanceOf(Response);
    expect(response).toMatchObject({ status: 201, statusText: "Created", url: "https://x.test/a", ok: true });
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toBe(parsed);
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(() => response.clone()).toThrow(TypeError);
  });

  it("reads text and bytes from memory, and parses when no value was given", async () => {
    expect(await bufferedResponse(bytes, init(), undefined, "").text()).toBe('{"a":1}');
    expect(await bufferedResponse(bytes, init(), undefined, "").json()).toEqual({ a: 1 });
    const buffer = await bufferedResponse(bytes, init(), undefined, "").arrayBuffer();
    expect(new TextDecoder().decode(buffer)).toBe('{"a":1}');
  });

  it("clones into independent responses whose json() values are distinct objects", async () => {
    const response = bufferedResponse(bytes, init(), { a: 1 }, "");
    const clone = response.clone();
    const [a, b] = [await response.json(), await clone.json()];
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
  });

  it("builds a real body stream on demand, and then behaves exactly like it", async () => {
    const response = bufferedResponse(bytes, init(), { a: 1 }, "");
    expect(response.body).toBeInstanceOf(ReadableStream);
    expect(await new Response(response.body).text()).toBe('{"a":1}');
    expect(response.bodyUsed).toBe(true);
    await expect(response.json()).rejects.toThrow(TypeError);
    expect(await bufferedResponse(bytes, init(), undefined, "").blob()).toHaveProperty("size", 7);
  });
});
