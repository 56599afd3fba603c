/**
 * Loopback servers for the node-send tests that call `nodeSend` directly: an HTTP server that records
 * what reached it and counts connections, and a raw TCP server that answers with bytes as written
 * (statuses and framings node:http's server would not produce).
 */
import {
  Agent,
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from "node:net";
import { afterEach, vi } from "vitest";
import type { Outgoing } from "../src/call.js";
import { Cutoff } from "../src/cutoff.js";
import { nodeSend } from "../src/node-send.js";

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

const servers: { server: Server; sockets: Socket[] }[] = [];
afterEach(async () => {
  const closing = servers.splice(0).map(({ server, sockets }) => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  await Promise.all(closing);
});

async function listen(server: Server, host: string): Promise<{ origin: string; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  servers.push({ server, sockets });
  server.on("connection", (socket: Socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://${host.includes(":") ? `[${host}]` : host}:${port}`, sockets };
}

/** An HTTP server; `handler` answers once the request body has arrived. */
export async function httpServer(
  handler: (request: IncomingMessage, response: ServerResponse) => void = (_q, response) =>
    response.end("ok"),
  host = "127.0.0.1",
) {
  const received: Received[] = [];
  const server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const { method, url, headers } = request;
      received.push({ method: method!, url: url!, headers, body: Buffer.concat(chunks) });
      handler(request, response);
    });
  });
  return { ...(await listen(server, host)), received };
}

/** A TCP server that calls `reply` with the socket once each request head (of bodiless requests) arrived. */
export async function rawServer(reply: (socket: Socket, index: number) => void) {
  const server = createNetServer((socket) => {
    let head = "";
    let index = 0;
    socket.on("data", (chunk) => {
      head += chunk;
      if (!head.includes("\r\n\r\n")) return;
      head = "";
      reply(socket, index++);
    });
  });
  return listen(server, "127.0.0.1");
}

/** What the transport hands node-send for one attempt. */
export function outgoing(url: string, over: Partial<Outgoing> = {}): Outgoing {
  return { url, method: "GET", headers: new Headers(), body: null, signal: undefined, init: {}, ...over };
}

/** Resolves once `socket` closes. */
export const closed = (socket: Socket) =>
  new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once("close", () => resolve())));

/** A body of `size` bytes that is not the same byte repeated, so misplaced chunks show. */
export const pattern = (size: number) => {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + (i >> 8)) & 255;
  return bytes;
};

/**
 * A response whose connection is being torn down as its body is first read: node:http already failed
 * the message while nothing listened, and emits its 'close' a tick later. The read must fail, not wait.
 */
export async function readAsConnectionCloses<T>(read: (response: Response) => Promise<T>): Promise<T> {
  const server = await rawServer((socket) =>
    socket.write("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc"),
  );
  const agent = new Agent({ keepAlive: true });
  const connect = vi.spyOn(agent, "createConnection");
  const response = await nodeSend(agent)(outgoing(`${server.origin}/x`), new Cutoff());
  const socket = connect.mock.results[0]!.value as Socket;
  const reading = new Promise<T>((resolve, reject) =>
    socket.once("close", () => process.nextTick(() => read(response).then(resolve, reject))),
  );
  socket.destroy();
  return reading;
}

/**
 * A response whose connection dropped mid-body well before anyone read it: node:http failed the
 * message while nothing listened, and its events have all passed. `read` must fail, not wait; a
 * read still pending after 2 s is reported as "hung".
 */
export async function readAfterConnectionDropped(read: (response: Response) => Promise<unknown>) {
  const server = await rawServer((socket) => socket.end("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc"));
  const agent = new Agent({ keepAlive: true });
  const connect = vi.spyOn(agent, "createConnection");
  const response = await nodeSend(agent)(outgoing(`${server.origin}/x`), new Cutoff());
  const socket = connect.mock.results[0]!.value as Socket;
  await closed(socket);
  await new Promise((resolve) => setImmediate(resolve));
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise((resolve) => {
    timer = setTimeout(() => resolve("hung"), 2_000);
  });
  try {
    return await Promise.race([read(response).then((value) => ({ value })), hung]);
  } finally {
    clearTimeout(timer);
    agent.destroy();
  }
}
