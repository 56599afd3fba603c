import { describe, expect, it } from "vitest";
import type { Outgoing } from "../src/call.js";
import { PlannedRequest, toOutgoing } from "../src/outgoing.js";

const URL_ = "https://apim.example.net/dbw-01/api/2.1/clusters/create";
const text = (body: Outgoing["body"]) =>
  body === null ? null : typeof body === "string" ? body : new TextDecoder().decode(body);

/** A Request's own fetch options when none are given (Fetch standard, "new Request(input, init)"). */
const REQUEST_DEFAULTS = {
  cache: "default",
  credentials: "same-origin",
  integrity: "",
  keepalive: false,
  mode: "cors",
  referrer: "about:client",
  referrerPolicy: "",
};

describe("PlannedRequest", () => {
  it("keeps the URL and the very init it was given, and reads the method from it", () => {
    const init: RequestInit = { method: "POST", body: "{}" };
    const planned = new PlannedRequest(URL_, init);
    expect(planned.url).toBe(URL_);
    expect(planned.init).toBe(init);
    expect(planned.method).toBe("POST");
  });

  // openapi-fetch reads `method` from the Request it built; the Fetch standard normalises the six
  // standard methods to upper case (https://fetch.spec.whatwg.org/#concept-method-normalize).
  it("upper-cases the method and defaults to GET, as a WHATWG Request does", () => {
    expect(new PlannedRequest(URL_, { method: "post" }).method).toBe("POST");
    expect(new PlannedRequest(URL_, {}).method).toBe("GET");
    expect(new PlannedRequest(URL_).method).toBe("GET");
    expect(new PlannedRequest(URL_).init).toEqual({});
    expect(new Request(URL_).method).toBe("GET");
  });
});

describe("toOutgoing", () => {
  it("takes a planned JSON call as it is, without a Request and without waiting", () => {
    const headers = new Headers({ "content-type": "application/json" });
    const signal = new AbortController().signal;
    const init: RequestInit = { method: "post", headers, body: '{"a":1}', signal, cache: "no-store" };
    const out = toOutgoing(new PlannedRequest(URL_, init));
    expect(out).not.toBeInstanceOf(Promise);
    expect(out).toEqual({ url: URL_, method: "POST", headers, body: '{"a":1}', signal, init });
    const call = out as Outgoing;
    // The call owns these: auth sets its headers on the same object openapi-fetch built.
    expect(call.headers).toBe(headers);
    expect(call.signal).toBe(signal);
    expect(call.init).toBe(init);
  });

  it("takes a planned call without body or signal as it is: body null, signal undefined", () => {
    const headers = new Headers();
    for (const init of [{ headers }, { headers, body: null, signal: null }] as RequestInit[]) {
      const out = toOutgoing(new PlannedRequest(URL_, init));
      expect(out).not.toBeInstanceOf(Promise);
      expect(out).toEqual({ url: URL_, method: "GET", headers, body: null, signal: undefined, init });
      expect(Object.hasOwn(out, "signal")).toBe(true);
    }
  });

  it("sends a planned call with a non-string body through a real Request, which encodes it", async () => {
    const form = new FormData();
    form.set("scope", "s-1");
    const init: RequestInit = { method: "POST", headers: new Headers({ "x-trace": "t" }), body: form };
    const pending = toOutgoing(new PlannedRequest(URL_, init));
    expect(pending).toBeInstanceOf(Promise);
    const out = await pending;
    expect(out.url).toBe(URL_);
    expect(out.method).toBe("POST");
    // The multipart boundary comes from the Request (Fetch standard "extract a body").
    expect(out.headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=/);
    expect(out.headers.get("x-trace")).toBe("t");
    expect(out.body).toBeInstanceOf(ArrayBuffer);
    expect(text(out.body)).toContain('name="scope"\r\n\r\ns-1');
    expect(out.init).toEqual(REQUEST_DEFAULTS);
    expect(out.signal).toBeInstanceOf(AbortSignal);

    const params = await toOutgoing(
      new PlannedRequest(URL_, {
        method: "POST",
        headers: new Headers(),
        body: new URLSearchParams({ a: "b c" }),
      }),
    );
    expect(text(params.body)).toBe("a=b+c");
    expect(params.headers.get("content-type")).toBe("application/x-www-form-urlencoded;charset=UTF-8");
  });

  it("sends a planned call whose headers are not a Headers through a real Request", async () => {
    const init: RequestInit = { method: "PATCH", headers: { "x-trace": "t" }, body: '{"a":1}' };
    const pending = toOutgoing(new PlannedRequest(URL_, init));
    expect(pending).toBeInstanceOf(Promise);
    const out = await pending;
    expect(out.method).toBe("PATCH");
    expect(out.headers).toBeInstanceOf(Headers);
    expect(out.headers.get("x-trace")).toBe("t");
    expect(text(out.body)).toBe('{"a":1}');
    expect(out.init).toEqual(REQUEST_DEFAULTS);

    const bare = await toOutgoing(new PlannedRequest(URL_));
    expect(bare).toMatchObject({ url: URL_, method: "GET", body: null, init: {} });
  });

  it("reads a real Request (middleware calls): its body once, its headers copied, its signal kept", async () => {
    const controller = new AbortController();
    const request = new Request(URL_, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"a":1}',
      signal: controller.signal,
      cache: "no-store",
      keepalive: true,
      referrerPolicy: "no-referrer",
    });
    const out = await toOutgoing(request);
    expect(out.url).toBe(URL_);
    expect(out.method).toBe("POST");
    expect(out.body).toBeInstanceOf(ArrayBuffer);
    expect(text(out.body)).toBe('{"a":1}');
    // A copy: auth adds headers per attempt without touching the caller's Request.
    expect(out.headers).not.toBe(request.headers);
    out.headers.set("ocp-apim-subscription-key", "k");
    expect(request.headers.get("ocp-apim-subscription-key")).toBeNull();
    expect(out.headers.get("content-type")).toBe("application/json");
    expect(out.signal).toBe(request.signal);
    // The call's other fetch options, read off the Request (a spread would miss its getters).
    expect(out.init).toEqual({
      ...REQUEST_DEFAULTS,
      cache: "no-store",
      keepalive: true,
      referrerPolicy: "no-referrer",
    });

    const get = await toOutgoing(new Request(URL_));
    expect(get).toMatchObject({ method: "GET", body: null });
  });
});
