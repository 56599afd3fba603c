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
import { type DirectBody, type Outgoing, type Send, staleSocketErrors } from "./call.js";
import type { Cutoff } from "./cutoff.js";

/** Errors of a kept-alive socket that the server closed while the request was being written. */
const STALE_CODES: ReadonlySet<string> = new Set(["ECONNRESET", "EPIPE"]);
const NULL_BODY: ReadonlySet<number> = new Set([204, 205, 304]);
/** A path and query that URL parsing would leave exactly as written: no escaping, no dot segments. */
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*$/;
const DOT_SEGMENT = /\/(?:\.|%2e)/i;

type Target = Pick<RequestOptions, "protocol" | "hostname" | "port" | "path">;

/**
 * Where a request goes, as http.request options. A client sends to one origin, so the last origin's
 * fields are kept and a URL on it is sliced instead of parsed again.
 */
function targets(): (href: string) => Target {
  let origin = "";
  let last: Target = {};
  return (href) => {
    const path = href.slice(origin.length);
    if (origin !== "" && href.startsWith(origin) && PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path))
      return { protocol: last.protocol, hostname: last.hostname, port: last.port, path };
    const url = new URL(href);
    origin = url.origin;
    // http.request takes an IPv6 host name without its brackets.
    last = { protocol: url.protocol, hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: url.port };
    return { ...last, path: url.pathname + url.search };
  };
}

/** A `Send` through node:http / node:https; `agent` replaces the modules' global agents. */
export function nodeSend(agent?: Agent): Send {
  const locate = targets();
  return (call, cutoff) =>
    new Promise((resolve, reject) => {
      cutoff.throwIfAborted();
      const options: RequestOptions = locate(call.url);
      const http = process.getBuiltinModule(options.protocol === "https:" ? "node:https" : "node:http");
      const headers: Record<string, string> = {};
      // No compression is asked for: node:http, unlike fetch, would hand compressed bytes over as they are.
      for (const [name, value] of call.headers) if (name !== "accept-encoding") headers[name] = value;
      const body = typeof call.body === "string" ? call.body : call.body && new Uint8Array(call.body);
      if (body !== null) headers["content-length"] = String(Buffer.byteLength(body));
      options.method = call.method;
      options.headers = headers;
      if (agent) options.agent = agent;
      const request = http.request(options);
      // Destroying a request whose socket went back to the agent is a no-op, so the listener may stay.
      cutoff.onAbort((reason) => request.destroy(reason as Error));
      request.on("error", (error: NodeJS.ErrnoException) => {
        // A reused socket that fails before any response most likely sat idle until the server closed
        // it: the transport may send a call that is safe to repeat again at once (transport.ts).
        if (request.reusedSocket && STALE_CODES.has(error.code ?? "")) staleSocketErrors.add(error);
        reject(error);
      });
      request.once("response", (incoming) => {
        try {
          resolve(toResponse(incoming, call, cutoff));
        } catch (error) {
          incoming.destroy();
          reject(error);
        }
      });
      request.end(body ?? undefined);
    });
}

/** The Response over what node:http received; its body stays in the socket until read. */
function toResponse(incoming: IncomingMessage, call: Outgoing, cutoff: Cutoff): Response {
  const status = incoming.statusCode ?? 0;
  // fetch fails on statuses outside 200–599 as on a network error; so does this path.
  if (status < 200 || status > 599) throw new TypeError(`invalid HTTP status ${status}`);
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const init = { status, statusText: incoming.statusMessage ?? "", headers };
  if (NULL_BODY.has(status) || call.method === "HEAD") {
    // Nothing to read, but the message must still end for the socket to go back to the agent.
    incoming.resume();
    return new Response(null, init);
  }
  NodeResponse ??= defineNodeResponse();
  return new NodeResponse(incoming, init, call.url, cutoff);
}

type Init = { status: number; statusText: string; headers: Headers };
let NodeResponse:
  | (new (
      incoming: IncomingMessage,
      init: Init,
      url: string,
      cutoff: Cutoff,
    ) => Response)
  | undefined;

/**
 * A Response whose body is still in the socket. The attempt reads it with `readAllBytes` (call.ts),
 * straight into memory; anything else (a stream handed to the caller, `text()`…) goes through a real
 * Response over a web stream of it, built on first touch. Defined on first use, as reading the global
 * `Response` at import would load undici (buffered-response.ts says more).
 */
function defineNodeResponse() {
  // A plain base, as in buffered-response.ts: lib.dom declares Response's getters as properties.
  const ResponseBase = Response as unknown as new (
    body: null,
    init: { status: number; statusText: string },
  ) => object;

  return class NodeResponse extends ResponseBase implements DirectBody {
    readonly #incoming: IncomingMessage;
    readonly #init: Init;
    readonly #url: string;
    readonly #cutoff: Cutoff;
    #real: Response | undefined;

    constructor(incoming: IncomingMessage, init: Init, url: string, cutoff: Cutoff) {
      super(null, { status: init.status, statusText: init.statusText });
      this.#incoming = incoming;
      this.#init = init;
      this.#url = url;
      this.#cutoff = cutoff;
    }

    #materialize(): Response {
      this.#real ??= new Response(bodyStream(this.#incoming, this.#cutoff), this.#init);
      return this.#real;
    }
    get url(): string {
      return this.#url;
    }
    get headers(): Headers {
      return this.#init.headers;
    }
    get body(): ReadableStream<Uint8Array> | null {
      return this.#materialize().body;
    }
    get bodyUsed(): boolean {
      return this.#real?.bodyUsed ?? false;
    }
    readAllBytes(maxBytes: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
      if (this.#real) return Promise.reject(new TypeError("Body has already been read"));
      return readIncoming(this.#incoming, maxBytes);
    }
    text(): Promise<string> {
      return this.#materialize().text();
    }
    json(): Promise<unknown> {
      return this.#materialize().json();
    }
    arrayBuffer(): Promise<ArrayBuffer> {
      return this.#materialize().arrayBuffer();
    }
    blob(): Promise<Blob> {
      return this.#materialize().blob();
    }
    formData(): Promise<FormData> {
      return this.#materialize().formData();
    }
    clone(): Response {
      return this.#materialize().clone();
    }
  } as unknown as new (
    incoming: IncomingMessage,
    init: Init,
    url: string,
    cutoff: Cutoff,
  ) => Response;
}

const closedEarly = () => new Error("the connection closed before the response body ended");

/**
 * The whole body, read from the socket into one buffer, or `undefined` once it passes `maxBytes`
 * (the socket is destroyed). An abort destroys the request, which ends the read here too.
 */
function readIncoming(
  incoming: IncomingMessage,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  // Torn down before this read began (connection dropped, or cut off): its events have passed.
  if (incoming.destroyed) return Promise.reject(closedEarly());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on("data", (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= maxBytes) return void chunks.push(chunk);
      // Past the limit for good: any chunk still emitted after destroy() lands here too, harmlessly.
      chunks.length = 0;
      incoming.destroy();
      resolve(undefined);
    });
    incoming.once("end", () => {
      // A copy of its own: a chunk may be a view into a larger socket buffer.
      const bytes = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.byteLength;
      }
      resolve(bytes);
    });
    // A connection dropped mid-body, or an abort (the request destroyed), ends the read here.
    incoming.on("error", reject);
  });
}

/**
 * The body as a web stream. The attempt's cutoff fails it at once, even with chunks queued, and
 * destroys the socket; so does cancelling it, or the connection closing before the body ended.
 */
function bodyStream(incoming: IncomingMessage, cutoff: Cutoff): ReadableStream<Uint8Array> {
  let settled = false;
  let stopListening = () => {};
  const settle = () => {
    settled = true;
    stopListening();
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
      stopListening = cutoff.onAbort(finish);
      // A stream read late, after the connection dropped, would otherwise wait for events that passed.
      if (incoming.destroyed) return finish(closedEarly());
      incoming.on("data", (chunk: Buffer) => {
        if (settled) return;
        controller.enqueue(chunk);
        // Backpressure: wait for the reader before taking more from the socket.
        if ((controller.desiredSize ?? 0) <= 0) incoming.pause();
      });
      incoming.once("end", () => finish());
      incoming.on("error", finish);
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
