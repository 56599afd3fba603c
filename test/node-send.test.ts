/**
 * The default transport (src/node-send.ts) over real loopback sockets: requests go through
 * node:http unless the app gave a fetch or replaced the global one; msw still intercepts them; the
 * `agent` option is used as given; HTTPS verifies certificates; a kept-alive socket that the server
 * closed is sent again at once only when the call is safe to repeat. Redirects, timeouts, bodies,
 * streams and secrets over this transport are covered by test/faults/.
 */
import { readFileSync } from "node:fs";
import {
  createServer as createHttpServer,
  Agent as HttpAgent,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer, Agent as HttpsAgent } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Cutoff } from "../src/cutoff.js";
import { DatabricksConfigError, DatabricksConnectionError } from "../src/errors.js";
import { createDatabricksClient, unwrap } from "../src/index.js";
import { nodeSend } from "../src/node-send.js";

const KEY = "sk-node-send-0123456789abcdef";
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

type Handler = (
  request: IncomingMessage,
  body: string,
  reply: (status: number, json: unknown) => void,
  response: ServerResponse,
) => unknown;

const servers: Server[] = [];
afterEach(async () => {
  vi.unstubAllGlobals();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A loopback server (HTTP, or HTTPS with the fixture certificate) that records what it received. */
async function serve(handler: Handler, tls = false) {
  const received: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] = [];
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      received.push({ method: request.method!, url: request.url!, headers: request.headers, body });
      const reply = (status: number, json: unknown) =>
        response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
      handler(request, body, reply, response);
    });
  };
  const server = tls
    ? createHttpsServer({ key: fixture("loopback-key.pem"), cert: fixture("loopback-cert.pem") }, listener)
    : createHttpServer(listener);
  servers.push(server);
  server.on("connection", (socket: Socket) => server.once("close", () => socket.destroy()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `${tls ? "https" : "http"}://127.0.0.1:${port}`, received };
}

const ok: Handler = (_request, _body, reply) => reply(200, { cluster_id: "c-1", state: "RUNNING" });
const getCluster = (client: ReturnType<typeof createDatabricksClient>) =>
  unwrap(client.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: "c-1" } } }));

describe("which way a request goes", () => {
  it("sends through node:http by default: same URL, key and JSON body, none of fetch's own headers", async () => {
    const { url, received } = await serve(ok);
    const client = createDatabricksClient({ apimUrl: url, subscriptionKey: KEY });
    expect(await getCluster(client)).toMatchObject({ cluster_id: "c-1" });
    await unwrap(client.POST("/api/2.1/clusters/create", { body: { spark_version: "15.4.x-scala2.12" } }));
    const [get, post] = received;
    expect(get).toMatchObject({ method: "GET", url: "/dbw-01/api/2.1/clusters/get?cluster_id=c-1" });
    expect(get!.headers["ocp-apim-subscription-key"]).toBe(KEY);
    expect(post).toMatchObject({ method: "POST", body: '{"spark_version":"15.4.x-scala2.12"}' });
    expect(post!.headers["content-length"]).toBe(String(post!.body.length));
    // undici's fetch adds `sec-fetch-mode: cors` to every request (fetch spec, "fetch" step 12);
    // node:http sends only what it was given.
    expect(get!.headers["sec-fetch-mode"]).toBeUndefined();
  });

  it("asks for no compression, which node:http would not undo", async () => {
    const { url, received } = await serve(ok);
    const headers = { "Accept-Encoding": "gzip, br" };
    await getCluster(createDatabricksClient({ apimUrl: url, subscriptionKey: KEY, headers }));
    expect(received[0]!.headers["accept-encoding"]).toBeUndefined();
  });

  it("hands a stream over whose cancel closes the connection", async () => {
    let closed!: Promise<void>;
    const { url } = await serve((_request, _body, _reply, res) => {
      closed = new Promise((resolve) => res.once("close", () => resolve()));
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const timer = setInterval(() => res.write("z"), 5);
      res.once("close", () => clearInterval(timer));
    });
    const client = createDatabricksClient({ apimUrl: url, subscriptionKey: KEY });
    const { data } = await client.GET("/api/2.1/clusters/get", {
      params: { query: { cluster_id: "c-1" } },
      parseAs: "stream",
    });
    const reader = (data as unknown as ReadableStream<Uint8Array>).getReader();
    expect((await reader.read()).done).toBe(false);
    await reader.cancel();
    await closed;
  });

  it("sends through global fetch once something replaced it, and through a given fetch", async () => {
    const { url, received } = await serve(ok);
    const realFetch = globalThis.fetch;
    const stub = vi.fn((input: string | URL | Request, init?: RequestInit) => realFetch(input, init));
    vi.stubGlobal("fetch", stub);
    await getCluster(createDatabricksClient({ apimUrl: url, subscriptionKey: KEY }));
    expect(stub).toHaveBeenCalledTimes(1);
    vi.unstubAllGlobals();
    const given = vi.fn((request: Request, init?: { signal?: AbortSignal }) => fetch(request, init));
    await getCluster(createDatabricksClient({ apimUrl: url, subscriptionKey: KEY, fetch: given }));
    expect(given).toHaveBeenCalledTimes(1);
    expect(received).toHaveLength(2);
  });

  it("is intercepted by msw's setupServer, which patches node:http as well as fetch", async () => {
    // Nothing listens here: only msw can answer.
    const target = "http://127.0.0.1:9/dbw-01/api/2.1/clusters/get";
    const mock = setupServer(http.get(target, () => HttpResponse.json({ cluster_id: "from-msw" })));
    mock.listen({ onUnhandledRequest: "error" });
    try {
      const send = nodeSend();
      const call = {
        url: target,
        method: "GET",
        headers: new Headers(),
        body: null,
        signal: undefined,
        init: {},
      };
      const response = await send(call, new Cutoff());
      expect(await response.json()).toEqual({ cluster_id: "from-msw" });
    } finally {
      mock.close();
    }
  });
});

describe("the agent option", () => {
  it("sends through the given agent", async () => {
    const { url } = await serve(ok);
    const agent = new HttpAgent({ keepAlive: true });
    const connect = vi.spyOn(agent, "createConnection");
    await getCluster(createDatabricksClient({ apimUrl: url, subscriptionKey: KEY, agent }));
    expect(connect).toHaveBeenCalledTimes(1);
    agent.destroy();
  });

  it("refuses what is not an agent, and an agent beside fetch, before any request", () => {
    const base = { apimUrl: "http://127.0.0.1:9", subscriptionKey: KEY };
    expect(() => createDatabricksClient({ ...base, agent: {} as HttpAgent })).toThrow(DatabricksConfigError);
    expect(() => createDatabricksClient({ ...base, agent: new HttpAgent(), fetch })).toThrow(
      /agent is used only without fetch/,
    );
  });
});

describe("HTTPS", () => {
  it("verifies the server's certificate, and trusts what the agent's `ca` adds", async () => {
    const { url, received } = await serve(ok, true);
    const untrusted = createDatabricksClient({ apimUrl: url, subscriptionKey: KEY, maxRetries: 0 });
    const error = await getCluster(untrusted).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabricksConnectionError);
    expect(String(error)).toMatch(/self[- ]signed certificate/);
    expect(received).toHaveLength(0);
    const agent = new HttpsAgent({ ca: fixture("loopback-cert.pem") });
    await getCluster(createDatabricksClient({ apimUrl: url, subscriptionKey: KEY, agent }));
    expect(received).toHaveLength(1);
    agent.destroy();
  });
});

describe("a kept-alive socket the server closed", () => {
  /**
   * The first request on each connection is answered, the next one on the same connection is cut
   * before any byte of a response: what a client meets when the server closed an idle keep-alive
   * socket just as it was reused. Node documents the case and the remedy (retry when
   * `request.reusedSocket` and ECONNRESET): https://nodejs.org/docs/latest-v20.x/api/http.html#requestreusedsocket
   */
  const closesReused: Handler = (request, _body, reply) => {
    const socket = request.socket as Socket & { served?: boolean };
    if (socket.served) return socket.resetAndDestroy();
    socket.served = true;
    reply(200, { cluster_id: "c-1", events: [] });
  };

  it("sends a GET again at once on a fresh socket, even with maxRetries: 0", async () => {
    const { url, received } = await serve(closesReused);
    const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
    const events: unknown[] = [];
    const client = createDatabricksClient({
      apimUrl: url,
      subscriptionKey: KEY,
      agent,
      maxRetries: 0,
      onRetry: (event) => events.push(event),
    });
    await getCluster(client);
    expect(await getCluster(client)).toMatchObject({ cluster_id: "c-1" });
    expect(received).toHaveLength(3);
    expect(events).toMatchObject([{ attempt: 1, delay: 0, reason: "network" }]);
    agent.destroy();
  });

  it("does not send clusters/create twice: it may have been carried out", async () => {
    const { url, received } = await serve(closesReused);
    const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
    const client = createDatabricksClient({ apimUrl: url, subscriptionKey: KEY, agent });
    await getCluster(client);
    const create = client.POST("/api/2.1/clusters/create", { body: { spark_version: "x" } });
    await expect(create).rejects.toBeInstanceOf(DatabricksConnectionError);
    expect(received.map((r) => r.method)).toEqual(["GET", "POST"]);
    agent.destroy();
  });
});
