import { describe, expect, it } from "vitest";
import { bufferedResponse } from "../src/buffered-response.js";

const bytes = new TextEncoder().encode('{"a":1}') as Uint8Array<ArrayBuffer>;
const init = () => ({
  status: 201,
  statusText: "Created",
  headers: new Headers({ "content-type": "application/json" }),
});

function captureThrow(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

describe("bufferedResponse", () => {
  it("is a Response with the status, headers and url, and answers json() with the parsed value", async () => {
    const parsed = { a: 1 };
    const response = bufferedResponse(bytes, init(), parsed, "https://x.test/a");
    expect(response).toBeInstanceOf(Response);
    expect(response).toMatchObject({ status: 201, statusText: "Created", url: "https://x.test/a", ok: true });
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toBe(parsed);
    expect(response.bodyUsed).toBe(true);
    // The same errors as the runtime's own Response read twice, or cloned after a read.
    const real = new Response("{}");
    await real.json();
    const [readTwice] = await Promise.allSettled([real.text()]);
    expect(readTwice).toMatchObject({ status: "rejected", reason: expect.any(TypeError) });
    await expect(response.text()).rejects.toThrow((readTwice as PromiseRejectedResult).reason);
    expect(() => response.clone()).toThrow(captureThrow(() => real.clone()));
  });

  it("serves the fetched response's own Headers object", () => {
    const given = init();
    expect(bufferedResponse(bytes, given, undefined, "").headers).toBe(given.headers);
  });

  it("rejects json() of bytes that do not parse, as a real Response does", async () => {
    const broken = new TextEncoder().encode("{oops") as Uint8Array<ArrayBuffer>;
    await expect(bufferedResponse(broken, init(), undefined, "").json()).rejects.toThrow(SyntaxError);
  });

  it("stays read once read: touching the body afterwards does not bring the bytes back", async () => {
    const response = bufferedResponse(bytes, init(), undefined, "");
    await response.text();
    void response.body;
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it.each([
    ["text", (r: Response) => r.text(), '{"a":1}'],
    ["json", (r: Response) => r.json(), { a: 1 }],
    ["arrayBuffer", async (r: Response) => new TextDecoder().decode(await r.arrayBuffer()), '{"a":1}'],
  ] as const)("answers %s() after the body stream was only looked at", async (_, read, expected) => {
    const response = bufferedResponse(bytes, init(), { a: 1 }, "");
    expect(response.body).toBeInstanceOf(ReadableStream);
    expect(await read(response)).toEqual(expected);
    expect(response.bodyUsed).toBe(true);
  });

  it("gives arrayBuffer() only its own bytes, as a copy, when they are a view into a larger buffer", async () => {
    // Node's small Buffers share one pooled ArrayBuffer, so a body read from a socket is often such a view.
    const pool = new Uint8Array(64).fill(0x20);
    pool.set(bytes, 10);
    const view = pool.subarray(10, 17) as Uint8Array<ArrayBuffer>;
    const response = bufferedResponse(view, init(), undefined, "");
    const buffer = await response.arrayBuffer();
    expect(buffer.byteLength).toBe(7);
    new Uint8Array(buffer).fill(0);
    expect(new TextDecoder().decode(view)).toBe('{"a":1}');
  });

  it("answers formData() for a form body", async () => {
    const form = new TextEncoder().encode("a=1&b=two") as Uint8Array<ArrayBuffer>;
    const headers = new Headers({ "content-type": "application/x-www-form-urlencoded" });
    const data = await bufferedResponse(
      form,
      { status: 200, statusText: "OK", headers },
      undefined,
      "",
    ).formData();
    expect(data.get("b")).toBe("two");
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
    expect(() => response.clone()).toThrow(TypeError);
    expect(await bufferedResponse(bytes, init(), undefined, "").blob()).toHaveProperty("size", 7);
  });
});
