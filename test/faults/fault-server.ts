/**
 * A real HTTP server on 127.0.0.1 that misbehaves on purpose: resets connections, never answers,
 * stalls half-way through a body, cuts JSON short, answers with an HTML 502 page or APIM's own error
 * bodies. Tests drive the public client against it, so the retry, timeout and abort paths run over
 * real sockets (undici), not mocks.
 *
 * Each route ("GET /api/2.1/clusters/get", path without the gateway prefix) has a script of
 * behaviours, used one per request; the last one repeats.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** What the server saw. */
export interface SeenRequest {
  method: string;
  /** Path without the gateway prefix and query. */
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How to answer one request. */
export type Behaviour = (response: ServerResponse, request: IncomingMessage) => void;

/** Answers `status` with a JSON body. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Behaviour {
  return (response) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      ...headers,
    });
    response.end(text);
  };
}

/** Answers with a raw body and content type. */
export function raw(
  status: number,
  body: string,
  contentType: string,
  headers: Record<string, string> = {},
): Behaviour {
  return (response) => {
    response.writeHead(status, {
      "content-type": contentType,
      "content-length": Buffer.byteLength(body),
      ...headers,
    });
    response.end(body);
  };
}

/** Resets the TCP connection (RST) before sending any headers. */
export function reset(): Behaviour {
  return (_response, request) => request.socket.resetAndDestroy();
}

/** Never answers: no headers, no body. */
export function hang(): Behaviour {
  return () => undefined;
}

/** Sends headers and the start of a JSON body, then nothing more (chunked, so the client cannot know). */
export function stallBody(status: number, partial: string): Behaviour {
  return (response) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.write(partial);
  };
}

/** Declares a longer Content-Length than it sends, then closes the connection mid-body. */
export function cutBody(status: number, partial: string, declaredLength: number): Behaviour {
  return (response, request) => {
    response.writeHead(status, { "content-type": "application/json", "content-length": declaredLength });
    response.write(partial, () => request.socket.destroy());
  };
}

/** A running fault server. */
export interface FaultServer {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request, in order. */
  seen: SeenRequest[];
  /** Sets the script for `METHOD /path` (without the gateway prefix). */
  on(route: string, ...behaviours: Behaviour[]): void;
  /** Requests seen for a route. */
  count(route: string): number;
  /**
   * Resolves once every connection whose response never finished has been closed by the client;
   * rejects after `ms`. Proves that timeouts and aborts hang up instead of leaving sockets behind.
   */
  clientHungUp(ms?: number): Promise<void>;
  /** Forgets scripts and requests, and drops any connection still hanging (between tests). */
  reset(): void;
  close(): Promise<void>;
}

/** Starts a fault server on 127.0.0.1 with an ephemeral port. */
export async function startFaultServer(prefix = "/dbw-01"): Promise<FaultServer> {
  const scripts = new Map<string, { behaviours: Behaviour[]; next: number }>();
  const seen: SeenRequest[] = [];
  const unfinished = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  const server = createServer((request, response) => {
    // Recorded as soon as the headers arrive: under load the client may time out and hang up before
    // the body's "end" event, and a late listener would never hear the "close" it waits for.
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
    const method = request.method ?? "GET";
    const entry: SeenRequest = { method, path, query: url.search, headers: request.headers, body: "" };
    seen.push(entry);
    // "close" fires when the response has finished or its connection was closed, whichever is first.
    unfinished.add(response);
    response.once("close", () => unfinished.delete(response));
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      entry.body = Buffer.concat(chunks).toString();
      const script = scripts.get(`${method} ${path}`);
      if (!script) {
        json(404, { statusCode: 404, message: "Resource not found" })(response, request);
        return;
      }
      const behaviour = script.behaviours[Math.min(script.next, script.behaviours.length - 1)]!;
      script.next += 1;
      behaviour(response, request);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    on(route, ...behaviours) {
      scripts.set(route, { behaviours, next: 0 });
    },
    count(route) {
      return seen.filter((request) => `${request.method} ${request.path}` === route).length;
    },
    async clientHungUp(ms = 2_000) {
      const started = Date.now();
      // One turn of the event loop first: a request the client wrote just before giving up may still
      // sit unread in this server's socket, and would otherwise be seen (and counted) in the next test.
      await new Promise((resolve) => setTimeout(resolve, 10));
      while (unfinished.size > 0) {
        if (Date.now() - started > ms)
          throw new Error(`${unfinished.size} connection(s) still open after ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    reset() {
      // A test that failed may have left a connection hanging; it must not fail the next test too.
      for (const response of unfinished) response.destroy();
      unfinished.clear();
      scripts.clear();
      seen.length = 0;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
