/**
 * Serves a mock's handlers over real HTTP on 127.0.0.1, so curl, other languages and an unmodified
 * client talk to the emulator through real sockets. Each request is turned into a fetch `Request` at
 * the mock's own origin and answered by msw's `getResponse` over the same handlers a test would give
 * `setupServer`; no interception, no express. `node:http` is imported on first use so that importing
 * `databricks-apim/testing` in a browser test runner does not fail.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { HttpHandler } from "msw";
import { getResponse } from "./msw.js";
import { APIM_MESSAGES, apimError } from "./responses.js";

/** A running emulator server. */
export interface MockGatewayServer {
  /** Base URL to give the client as `apimUrl`, e.g. `http://127.0.0.1:49152`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** Options of {@link startMockGateway}. */
export interface MockGatewayServerOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** Interface to bind. @default "127.0.0.1" */
  host?: string;
  /** Called after each answer, e.g. to log it; gets no headers or query, so no key can leak. */
  onResponse?: (line: { method: string; path: string; status: number }) => void;
  /**
   * Largest request body read, in bytes; a bigger one gets a 413 without being buffered, and the
   * connection is closed. @default 16 MiB (Databricks' own per-operation limits are lower)
   */
  maxBodyBytes?: number;
}

/** Default of {@link MockGatewayServerOptions.maxBodyBytes}. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Starts an HTTP server answering with `mock.handlers` (anything with `handlers` and `apimUrl`). */
export async function startMockGateway(
  mock: { handlers: readonly HttpHandler[]; apimUrl: string },
  options: MockGatewayServerOptions = {},
): Promise<MockGatewayServer> {
  const { createServer } = await import("node:http");
  const host = options.host ?? "127.0.0.1";
  const server: Server = createServer((req, res) => {
    answer(mock, req, res, options).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function answer(
  mock: { handlers: readonly HttpHandler[]; apimUrl: string },
  req: IncomingMessage,
  res: ServerResponse,
  options: MockGatewayServerOptions,
): Promise<void> {
  const method = req.method ?? "GET";
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const chunks = await readBounded(req, limit);
  if (chunks === "too-large") {
    // Answer at once and close: the rest of the body is never read into memory.
    const body = JSON.stringify({
      statusCode: 413,
      message: `Request entity too large: this emulator reads at most ${limit} bytes of a request body.`,
    });
    res.writeHead(413, {
      "content-type": "application/json; charset=utf-8",
      "content-length": String(Buffer.byteLength(body)),
      connection: "close",
    });
    res.end(body, () => req.destroy());
    options.onResponse?.({ method, path: new URL(req.url ?? "/", "http://x").pathname, status: 413 });
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === "host" || name === "connection") continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  // The handlers know the mock's origin, not this socket's; the path and query carry over unchanged.
  const target = new URL(req.url ?? "/", `${mock.apimUrl}/`);
  const body = method === "GET" || method === "HEAD" || chunks.length === 0 ? null : Buffer.concat(chunks);
  const request = new Request(target, { method, headers, body });

  let response: Response;
  try {
    response = (await getResponse([...mock.handlers], request)) ?? apimError(404, APIM_MESSAGES.notFound);
  } catch (error) {
    // An emulator bug must show up as itself, not as a hung socket.
    const message = error instanceof Error ? error.message : String(error);
    response = Response.json(
      { error_code: "INTERNAL_ERROR", message: `Emulator failure: ${message}` },
      { status: 500 },
    );
  }
  const out = Buffer.from(await response.arrayBuffer());
  const outHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    outHeaders[name] = value;
  });
  outHeaders["content-length"] = String(out.length);
  res.writeHead(response.status, outHeaders);
  res.end(method === "HEAD" ? undefined : out);
  options.onResponse?.({ method, path: target.pathname, status: response.status });
}

/** The body's chunks, or "too-large" as soon as `Content-Length` or the bytes read pass `limit`. */
function readBounded(req: IncomingMessage, limit: number): Promise<Buffer[] | "too-large"> {
  if (Number(req.headers["content-length"] ?? 0) > limit) return Promise.resolve("too-large");
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      // Stop reading (no async iterator: leaving one destroys the socket before the 413 is written).
      req.off("data", onData);
      req.pause();
      chunks.length = 0;
      resolve("too-large");
    };
    req.on("data", onData);
    req.once("end", () => resolve(chunks));
    req.once("error", reject);
  });
}
