/**
 * The Response `nodeSend` (src/node-send.ts) builds from what a loopback server answered: status,
 * reason phrase and raw headers as received; no body for 204/205/304 and HEAD (the socket still goes
 * back to the agent); the body read whole by `readAllBytes` (the attempt's path), cut short or over
 * the limit. The body as a stream: test/node-send-stream.test.ts.
 */
import { Agent } from "node:http";
import { describe, expect, it } from "vitest";
import type { DirectBody } from "../src/call.js";
import { Cutoff } from "../src/cutoff.js";
import { nodeSend } from "../src/node-send.js";
import {
  closed,
  httpServer,
  outgoing,
  pattern,
  rawServer,
  readAfterConnectionDropped,
  readAsConnectionCloses,
} from "./node-send-servers.js";

const direct = (response: Response) => response as Response & DirectBody;

describe("status, reason phrase and headers", () => {
  // A Response's status is 200–599 ("initialize a response", step 1:
  // https://fetch.spec.whatwg.org/#response-class; WPT fetch/api/response/response-error.any.js).
  it.each([0, 99, 101, 600, 999])(
    "fails on status %i as fetch does, and drops the connection",
    async (status) => {
      const server = await rawServer((socket) =>
        socket.write(`HTTP/1.1 ${String(status).padStart(3, "0")} Odd\r\ncontent-length: 0\r\n\r\n`),
      );
      const error = await nodeSend()(outgoing(`${server.origin}/x`), new Cutoff()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe(`invalid HTTP status ${status}`);
      await closed(server.sockets[0]!);
    },
  );

  it.each([200, 599])("takes status %i", async (status) => {
    const server = await rawServer((socket) =>
      socket.write(`HTTP/1.1 ${status} Edge\r\ncontent-length: 0\r\n\r\n`),
    );
    const response = await nodeSend()(outgoing(`${server.origin}/x`), new Cutoff());
    expect(response.status).toBe(status);
  });

  it("keeps the reason phrase, the URL, and every header line in order, repeated names included", async () => {
    const server = await rawServer((socket) =>
      socket.write(
        "HTTP/1.1 201 Made It Here\r\nX-Dup: 1\r\nContent-Type: text/plain\r\nx-dup: 2\r\n" +
          "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 2\r\n\r\nok",
      ),
    );
    const url = `${server.origin}/x?y=1`;
    const response = await nodeSend()(outgoing(url), new Cutoff());
    expect(response).toMatchObject({ status: 201, statusText: "Made It Here", ok: true, url });
    expect([...response.headers]).toEqual([
      ["content-length", "2"],
      ["content-type", "text/plain"],
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
      ["x-dup", "1, 2"],
    ]);
    expect(await response.text()).toBe("ok");
  });

  it("gives an empty reason phrase when the status line has none", async () => {
    const server = await rawServer((socket) => socket.write("HTTP/1.1 200\r\ncontent-length: 0\r\n\r\n"));
    const response = await nodeSend()(outgoing(`${server.origin}/x`), new Cutoff());
    expect(response.statusText).toBe("");
  });
});

describe("responses without a body", () => {
  // 204, 205 and 304: the fetch standard's null body statuses
  // (https://fetch.spec.whatwg.org/#null-body-status).
  it("has a null body for 204, 205, 304 and HEAD, and the socket goes back to the agent", async () => {
    const server = await httpServer((request, response) => {
      const status = Number(request.url!.slice(1));
      // A HEAD answer announces the length a GET would have, and sends no body (RFC 9110 §9.3.2).
      response.writeHead(status, request.method === "HEAD" ? { "content-length": "5" } : {}).end();
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = nodeSend(agent);
    for (const [method, status] of [
      ["GET", 204],
      ["GET", 205],
      ["GET", 304],
      ["HEAD", 200],
    ] as const) {
      const response = await send(outgoing(`${server.origin}/${status}`, { method }), new Cutoff());
      expect(response.status).toBe(status);
      expect(response.body).toBeNull();
    }
    const last = await send(outgoing(`${server.origin}/200`), new Cutoff());
    expect(await last.text()).toBe("");
    expect(server.received).toHaveLength(5);
    expect(server.sockets).toHaveLength(1);
    agent.destroy();
  });
});

describe("the body read whole (readAllBytes)", () => {
  const bodies = async (sizes: number[], maxBytes: number) => {
    const server = await httpServer((request, response) =>
      response.end(pattern(Number(request.url!.slice(1)))),
    );
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = nodeSend(agent);
    const read = [];
    for (const size of sizes)
      read.push(
        await direct(await send(outgoing(`${server.origin}/${size}`), new Cutoff())).readAllBytes(maxBytes),
      );
    agent.destroy();
    return { read, server };
  };

  it("reads empty, small and many-chunk bodies whole into a buffer of their own", async () => {
    const sizes = [0, 2, 15, 17, 3_000_000];
    const { read, server } = await bodies(sizes, 4_000_000);
    expect(read.map((bytes) => bytes && Buffer.from(bytes).equals(pattern(bytes.byteLength)))).toEqual(
      sizes.map(() => true),
    );
    expect(read.map((bytes) => [bytes?.byteLength, bytes?.buffer.byteLength])).toEqual(
      sizes.map((s) => [s, s]),
    );
    expect(server.sockets).toHaveLength(1);
  });

  it("gives a body of exactly maxBytes, and undefined past it, dropping that connection", async () => {
    const { read, server } = await bodies([100, 101, 3_000_000, 100], 100);
    expect(read.map((bytes) => bytes?.byteLength)).toEqual([100, undefined, undefined, 100]);
    expect(server.received).toHaveLength(4);
    // Each oversized body's connection was closed, so the next request opened a new one.
    expect(server.sockets).toHaveLength(3);
    await closed(server.sockets[0]!);
    await closed(server.sockets[1]!);
  });

  it("fails when the connection closes before the body ended", async () => {
    const server = await rawServer((socket) =>
      socket.end("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc"),
    );
    const response = await nodeSend()(outgoing(`${server.origin}/x`), new Cutoff());
    await expect(direct(response).readAllBytes(100)).rejects.toMatchObject({ code: "ECONNRESET" });
  });

  it("fails when the read starts as the connection is being torn down", async () => {
    await expect(readAsConnectionCloses((r) => direct(r).readAllBytes(100))).rejects.toThrow(
      "the connection closed before the response body ended",
    );
  });

  it("fails at once when the read starts long after the connection dropped mid-body", async () => {
    await expect(readAfterConnectionDropped((r) => direct(r).readAllBytes(100))).rejects.toThrow(
      "the connection closed before the response body ended",
    );
  });

  it("refuses to read again once the body was handed over as a stream", async () => {
    const server = await httpServer();
    const response = await nodeSend()(outgoing(`${server.origin}/x`), new Cutoff());
    expect(await response.text()).toBe("ok");
    await expect(direct(response).readAllBytes(100)).rejects.toThrow("Body has already been read");
  });
});
