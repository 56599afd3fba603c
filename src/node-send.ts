/**
 * The default bottom of the request path: one request through Node's `http`/`https` modules and
 * their keep-alive global agents (or the app's `agent`, e.g. a proxy agent). They cost far less per
 * request than global fetch (bench/results.md). Both modules are looked up per request, so an
 * interceptor that patches `http.request` (msw's `setupServer`, nock) sees every request, and nothing
 * is loaded at import time. HTTPS verifies certificates with Node's defaults (its CA store and
 * NODE_EXTRA_CA_CERTS); redirects are never followed, since node:http does not follow them.
 *
 * The Response it returns is a real one whose body streams from the socket: cancelling the body, or
 * aborting the attempt's signal, destroys the socket.
 */
import type { Agent, IncomingMessage, RequestOptions } from "node:http";
import { type Outgoing, type Send, staleSocketErrors } from "./call.js";

/** Errors of a kept-alive socket that the server closed while the request was being written. */
const STALE_CODES: ReadonlySet<string> = new Set(["ECONNRESET", "EPIPE"]);
const NULL_BODY: ReadonlySet<number> = new Set([204, 205, 304]);

/** A `Send` through node:http / node:https; `agent` replaces the modules' global agents. */
export function nodeSend(agent?: Agent): Send {
  return (call, signal) =>
    new Promise((resolve, reject) => {
      signal.throwIfAborted();
      const url = new URL(call.url);
      const http = process.getBuiltinModule(url.protocol === "https:" ? "node:https" : "node:http");
      const headers: Record<string, string> = {};
      for (const [name, value] of call.headers) headers[name] = value;
      const body = typeof call.body === "string" ? call.body : call.body && new Uint8Array(call.body);
      if (body !== null) headers["content-length"] = String(Buffer.byteLength(body));
      const options: RequestOptions = { method: call.method, headers, signal };
      if (agent) options.agent = agent;
      const request = http.request(url, options);
      request.once("error", (error: NodeJS.ErrnoException) => {
        // A reused socket that fails before any response most likely sat idle until the server closed
        // it: the transport may send a call that is safe to repeat again at once (transport.ts).
        if (request.reusedSocket && STALE_CODES.has(error.code ?? "")) staleSocketErrors.add(error);
        reject(error);
      });
      request.once("response", (incoming) => {
        try {
          resolve(toResponse(incoming, call, signal));
        } catch (error) {
          incoming.destroy();
          reject(error);
        }
      });
      request.end(body ?? undefined);
    });
}

/** The Response over what node:http received; its body streams from the socket. */
function toResponse(incoming: IncomingMessage, call: Outgoing, signal: AbortSignal): Response {
  const status = incoming.statusCode ?? 0;
  // fetch fails on statuses outside 200–599 as on a network error; so does this path.
  if (status < 200 || status > 599) throw new TypeError(`invalid HTTP status ${status}`);
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const init = { status, statusText: incoming.statusMessage ?? "", headers };
  let body: ReadableStream<Uint8Array> | null = null;
  if (NULL_BODY.has(status) || call.method === "HEAD") {
    // Nothing to read, but the message must still end for the socket to go back to the agent.
    incoming.resume();
  } else body = bodyStream(incoming, signal);
  const response = new Response(body, init);
  // As on a fetched Response: where it came from.
  Object.defineProperty(response, "url", { value: call.url });
  return response;
}

/**
 * The body as a web stream. Aborting the signal fails it at once, even with chunks queued, and
 * destroys the socket; so does cancelling it, or the connection closing before the body ended.
 */
function bodyStream(incoming: IncomingMessage, signal: AbortSignal): ReadableStream<Uint8Array> {
  let settled = false;
  let onAbort = () => {};
  const settle = () => {
    settled = true;
    signal.removeEventListener("abort", onAbort);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const finish = (error?: unknown) => {
        if (settled) return;
        settle();
        if (error === undefined) return controller.close();
        controller.error(error);
        incoming.destroy();
      };
      onAbort = () => finish(signal.reason);
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      incoming.on("data", (chunk: Buffer) => {
        if (settled) return;
        controller.enqueue(chunk);
        // Backpressure: wait for the reader before taking more from the socket.
        if ((controller.desiredSize ?? 0) <= 0) incoming.pause();
      });
      incoming.once("end", () => finish());
      incoming.on("error", finish);
      incoming.once("close", () => {
        if (!incoming.complete) finish(new Error("the connection closed before the response body ended"));
      });
    },
    pull() {
      incoming.resume();
    },
    cancel() {
      settle();
      incoming.destroy();
    },
  });
}
