/**
 * What `nodeSend` (src/node-send.ts) puts on the wire, seen by a loopback server: the path `new URL`
 * would send whether the URL was sliced off the client's last origin or parsed; the right origin when
 * a client alternates; IPv6 literal hosts; headers and body framing; the cutoff; and which socket
 * errors are marked as a stale kept-alive socket.
 */
import { Agent, type ClientRequest } from "node:http";
import type { Socket } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { staleSocketErrors } from "../src/call.js";
import { Cutoff } from "../src/cutoff.js";
import { nodeSend } from "../src/node-send.js";
import { httpServer, outgoing, rawServer } from "./node-send-servers.js";

/** Sends `url` and reads the body, so a kept-alive socket goes back to the agent. */
async function fetchText(send: ReturnType<typeof nodeSend>, url: string) {
  return (await send(outgoing(url), new Cutoff())).text();
}

/** Where `new URL` sends `href`: its path and query, escaped, dot segments resolved, no fragment. */
const target = (href: string) => {
  const url = new URL(href);
  return url.pathname + url.search;
};

describe("where a request goes", () => {
  it("sends every URL on the client's origin to the path new URL gives", async () => {
    const server = await httpServer();
    const send = nodeSend();
    const paths = [
      "/dbw-01/api/2.1/clusters/get?cluster_id=c-1",
      "/api/2.0/workspace/list?path=/Users/a@b.c&x=$1:(2)*!~",
      "/a b/c?q=x y",
      "/a b/c",
      '/"<>{}|^`',
      '/"q"/x',
      "/ü",
      "/a/../b/./c",
      "/a/%2e%2E/b/%2E/c",
      "/x/y?z#fragment",
      "/a\\b",
      "/dbw-01/api/2.1/clusters/get?cluster_id=c-1",
    ];
    for (const path of paths) await fetchText(send, server.origin + path);
    expect(server.received.map((r) => r.url)).toEqual(paths.map((path) => target(server.origin + path)));
    expect(server.received[3]!.url).toBe("/a%20b/c");
    expect(server.received[6]!.url).toBe("/%C3%BC");
    expect(server.received[7]!.url).toBe("/b/c");
  });

  // A client sends to one origin, so node-send slices URLs on it instead of parsing each one again.
  it("parses a URL again only when slicing off the client's origin would not give what new URL gives", async () => {
    const server = await httpServer();
    const parsed: string[] = [];
    vi.stubGlobal(
      "URL",
      class extends URL {
        constructor(url: string | URL, base?: string | URL) {
          super(url, base);
          parsed.push(String(url).slice(server.origin.length));
        }
      },
    );
    const send = nodeSend();
    const paths = [
      "/api/2.1/jobs/get?job_id=1",
      "/api/2.1/jobs/list?limit=25&offset=0",
      "/a b",
      "/a/../b",
      "/c",
    ];
    try {
      for (const path of paths) await fetchText(send, server.origin + path);
    } finally {
      vi.unstubAllGlobals();
    }
    // The first URL sets the origin; of the rest only those needing escaping or dot-segment removal.
    expect(parsed).toEqual(["/api/2.1/jobs/get?job_id=1", "/a b", "/a/../b"]);
    expect(server.received.map((r) => r.url)).toEqual([
      "/api/2.1/jobs/get?job_id=1",
      "/api/2.1/jobs/list?limit=25&offset=0",
      "/a%20b",
      "/b",
      "/c",
    ]);
  });

  it("sends each request to its own origin when a client alternates between two", async () => {
    const a = await httpServer();
    const b = await httpServer();
    const send = nodeSend();
    await fetchText(send, `${a.origin}/one`);
    // The same length as a's origin, and ending with it: neither may be taken for a URL on a.
    await fetchText(send, `${b.origin}/two?from=${a.origin}`);
    await fetchText(send, `${b.origin}/three`);
    await fetchText(send, `${a.origin}/four`);
    expect(a.received.map((r) => r.url)).toEqual(["/one", "/four"]);
    expect(b.received.map((r) => r.url)).toEqual([`/two?from=${a.origin}`, "/three"]);
  });

  it("reaches an IPv6 literal host, handing the agent the address without brackets", async () => {
    const server = await httpServer(undefined, "::1");
    expect(server.origin).toMatch(/^http:\/\/\[::1\]:\d+$/);
    const agent = new Agent({ keepAlive: true });
    const connect = vi.spyOn(agent, "createConnection");
    const send = nodeSend(agent);
    expect(await fetchText(send, `${server.origin}/first`)).toBe("ok");
    expect(await fetchText(send, `${server.origin}/second`)).toBe("ok");
    expect(server.received.map((r) => r.url)).toEqual(["/first", "/second"]);
    expect(connect).toHaveBeenCalledTimes(1);
    expect(connect.mock.calls[0]![0]).toMatchObject({ host: "::1" });
    agent.destroy();
  });
});

const hex = (text: string) => Buffer.from(text).toString("hex");

describe("headers and body", () => {
  it("sends the call's headers except accept-encoding, and no length or body without a body", async () => {
    const server = await httpServer();
    const headers = new Headers({ "x-one": "1", "Accept-Encoding": "gzip, br", authorization: "Bearer t" });
    await (await nodeSend()(outgoing(`${server.origin}/get`, { headers }), new Cutoff())).text();
    const [get] = server.received;
    expect(get!.headers).toMatchObject({ "x-one": "1", authorization: "Bearer t" });
    expect(get!.headers["accept-encoding"]).toBeUndefined();
    expect(get!.headers["content-length"]).toBeUndefined();
    expect(get!.headers["transfer-encoding"]).toBeUndefined();
    expect(get!.body).toHaveLength(0);
  });

  it("sends string and ArrayBuffer bodies whole, with their length in bytes, for any method", async () => {
    const server = await httpServer();
    const send = nodeSend();
    const bytes = new Uint8Array([0, 1, 127, 128, 255]);
    const calls = [
      { method: "POST", body: '{"name":"héllo ✓"}' }, // 18 characters, 21 bytes in UTF-8
      { method: "POST", body: bytes.slice().buffer },
      { method: "POST", body: "" },
      // node:http sends neither length nor chunked framing for a DELETE unless told the length.
      { method: "DELETE", body: '{"job_id":1}' },
      { method: "PATCH", body: new ArrayBuffer(0) },
    ];
    for (const call of calls) await (await send(outgoing(`${server.origin}/x`, call), new Cutoff())).text();
    const sent = server.received.map((r) => ({
      method: r.method,
      length: r.headers["content-length"],
      chunked: r.headers["transfer-encoding"],
      body: r.body.toString("hex"),
    }));
    expect(sent).toEqual([
      { method: "POST", length: "21", chunked: undefined, body: hex('{"name":"héllo ✓"}') },
      { method: "POST", length: "5", chunked: undefined, body: "00017f80ff" },
      { method: "POST", length: "0", chunked: undefined, body: "" },
      { method: "DELETE", length: "12", chunked: undefined, body: hex('{"job_id":1}') },
      { method: "PATCH", length: "0", chunked: undefined, body: "" },
    ]);
  });
});

describe("the cutoff", () => {
  it("fails a request cut off before its response with the cutoff's reason", async () => {
    let answer!: () => void;
    const server = await httpServer((_request, response) => {
      answer = () => response.end("late");
    });
    const cutoff = new Cutoff();
    const outcome = nodeSend()(outgoing(`${server.origin}/slow`), cutoff).then(
      () => "answered",
      (error: unknown) => error,
    );
    await vi.waitFor(() => expect(server.received).toHaveLength(1));
    const reason = new Error("attempt timed out");
    cutoff.abort(reason);
    answer();
    expect(await outcome).toBe(reason);
  });
});

describe("a socket error marked as a stale kept-alive socket", () => {
  /** Node documents the case: https://nodejs.org/docs/latest-v20.x/api/http.html#requestreusedsocket */
  it("marks ECONNRESET on a reused socket, not on a fresh one", async () => {
    const server = await rawServer((socket, index) => {
      if (index > 0) return socket.resetAndDestroy();
      socket.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = nodeSend(agent);
    expect(await fetchText(send, `${server.origin}/a`)).toBe("ok");
    const reused = await fetchText(send, `${server.origin}/b`).catch((e: NodeJS.ErrnoException) => e);
    expect(reused).toMatchObject({ code: "ECONNRESET" });
    expect(staleSocketErrors.has(reused as object)).toBe(true);
    agent.destroy();

    const reset = await rawServer((socket) => socket.resetAndDestroy());
    const fresh = await fetchText(nodeSend(), `${reset.origin}/a`).catch((e: NodeJS.ErrnoException) => e);
    expect(fresh).toMatchObject({ code: "ECONNRESET" });
    expect(staleSocketErrors.has(fresh as object)).toBe(false);
  });

  it.each([
    ["EPIPE", true],
    ["ETIMEDOUT", false],
  ])("a reused socket failing with %s is marked: %s", async (code, marked) => {
    const server = await httpServer();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    // The socket fails as the second request takes it from the pool, as a write to a socket the
    // server already closed fails with EPIPE.
    const reuse = agent.reuseSocket.bind(agent);
    agent.reuseSocket = (socket: Socket, request: ClientRequest) => {
      reuse(socket, request);
      setImmediate(() => socket.destroy(Object.assign(new Error(`write ${code}`), { code })));
    };
    const send = nodeSend(agent);
    await fetchText(send, `${server.origin}/a`);
    const error = await fetchText(send, `${server.origin}/b`).catch((e: NodeJS.ErrnoException) => e);
    expect(error).toMatchObject({ code });
    expect(staleSocketErrors.has(error as object)).toBe(marked);
    agent.destroy();
  });
});
