/**
 * The body of a `nodeSend` Response (src/node-send.ts) as a web stream, over loopback sockets:
 * backpressure down to the socket, a body cut short, the attempt's cutoff and a cancel (each drops the
 * connection), and a stream that starts as the connection is torn down.
 */
import { Agent } from "node:http";
import type { Socket } from "node:net";
import { describe, expect, it, vi } from "vitest";
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

describe("the body as a stream", () => {
  it("stops reading the socket while the reader is behind, and reads on when it catches up", async () => {
    const size = 2_000_000;
    const server = await httpServer((_request, response) => response.end(pattern(size)));
    const agent = new Agent({ keepAlive: true });
    const connect = vi.spyOn(agent, "createConnection");
    const response = await nodeSend(agent)(outgoing(`${server.origin}/x`), new Cutoff());
    const socket = connect.mock.results[0]!.value as Socket;
    const reader = response.body!.getReader();
    // Nothing read yet: without backpressure the whole body would flow in and the socket go back
    // to the agent.
    const first = await Promise.race([
      new Promise((resolve) => socket.once("pause", () => resolve("socket paused"))),
      new Promise((resolve) => agent.once("free", () => resolve("body read in full"))),
    ]);
    expect(first).toBe("socket paused");
    const chunks: Uint8Array[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    expect(Buffer.concat(chunks).equals(pattern(size))).toBe(true);
    agent.destroy();
  });

  it("fails when the connection closes before the body ended", async () => {
    const server = await rawServer((socket) =>
      socket.end("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc"),
    );
    const response = await nodeSend()(outgoing(`${server.origin}/x`), new Cutoff());
    await expect(response.text()).rejects.toMatchObject({ code: "ECONNRESET" });
  });

  it("fails when the stream starts as the connection is being torn down", async () => {
    await expect(readAsConnectionCloses((r) => r.text())).rejects.toThrow(
      "the connection closed before the response body ended",
    );
  });

  it("fails at once when read long after the connection dropped mid-body (parseAs stream reads late)", async () => {
    await expect(readAfterConnectionDropped((r) => r.body!.getReader().read())).rejects.toThrow(
      "the connection closed before the response body ended",
    );
    await expect(readAfterConnectionDropped((r) => r.text())).rejects.toThrow(
      "the connection closed before the response body ended",
    );
  });

  it("closes the connection when cancelled with a read pending and the body still in the socket", async () => {
    const server = await httpServer((_request, response) => response.end(pattern(2_000_000)));
    const agent = new Agent({ keepAlive: true });
    const connect = vi.spyOn(agent, "createConnection");
    const response = await nodeSend(agent)(outgoing(`${server.origin}/x`), new Cutoff());
    const socket = connect.mock.results[0]!.value as Socket;
    const reader = response.body!.getReader();
    await new Promise((resolve) => socket.once("pause", resolve));
    // The read resumes the socket, which still hands over what it holds after the cancel.
    void reader.read();
    await reader.cancel();
    await closed(server.sockets[0]!);
    agent.destroy();
  });

  it("closes the connection when cancelled with the rest of the body waiting unread", async () => {
    const head = "HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\n";
    const server = await rawServer((socket) => socket.write(`${head}abc`));
    const agent = new Agent({ keepAlive: true });
    const connect = vi.spyOn(agent, "createConnection");
    const response = await nodeSend(agent)(outgoing(`${server.origin}/x`), new Cutoff());
    const socket = connect.mock.results[0]!.value as Socket;
    const reader = response.body!.getReader();
    // The stream takes "abc" in and waits for a read; the rest of the body arrives meanwhile, so
    // the message ends (in node:http) just after the cancel.
    await new Promise(setImmediate);
    server.sockets[0]!.write("def");
    await vi.waitFor(() => expect(socket.bytesRead).toBe(head.length + 6));
    void reader.read();
    await reader.cancel();
    await closed(server.sockets[0]!);
    agent.destroy();
  });

  it("fails at once when the attempt is cut off, chunks queued or not, and drops the connection", async () => {
    const server = await httpServer((_request, response) => {
      response.writeHead(200, { "content-length": "1000000" });
      response.write(pattern(100_000));
    });
    const cutoff = new Cutoff();
    const response = await nodeSend()(outgoing(`${server.origin}/x`), cutoff);
    const reader = response.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    await vi.waitFor(() => expect(server.sockets).toHaveLength(1));
    const reason = new Error("attempt timed out");
    cutoff.abort(reason);
    await expect(reader.read()).rejects.toBe(reason);
    await closed(server.sockets[0]!);
  });

  it("fails at once when the attempt was cut off before the body was touched", async () => {
    const server = await httpServer((_request, response) => {
      response.writeHead(200, { "content-length": "10" });
      response.write("abc");
    });
    const cutoff = new Cutoff();
    const response = await nodeSend()(outgoing(`${server.origin}/x`), cutoff);
    const reason = new Error("attempt timed out");
    cutoff.abort(reason);
    await expect(response.text()).rejects.toBe(reason);
    await closed(server.sockets[0]!);
  });

  it("closes the connection when the reader cancels", async () => {
    const server = await httpServer((_request, response) => {
      response.writeHead(200, { "content-length": "10" });
      response.write("abc");
    });
    const response = await nodeSend()(outgoing(`${server.origin}/x`), new Cutoff());
    const reader = response.body!.getReader();
    expect(Buffer.from((await reader.read()).value!).toString()).toBe("abc");
    await reader.cancel();
    await closed(server.sockets[0]!);
  });
});
