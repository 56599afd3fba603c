/**
 * createDatabricksClient without msw: options read from the environment, the `agent` option's checks,
 * and the bottom layer chosen per request (node:http through the agent, or a global fetch replaced
 * after the client was created), against a loopback server.
 */
import { Agent, createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DatabricksConfigError } from "../src/errors.js";
import { createDatabricksClient, unwrap } from "../src/index.js";

const KEY = "sk-client-create-0123456789abcdef";
const servers: Server[] = [];
afterEach(async () => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A loopback gateway answering every request with `{ "clusters": [] }`; records method and URL. */
async function gateway() {
  const received: string[] = [];
  const server = createServer((request, response) => {
    received.push(`${request.method} ${request.url}`);
    request.resume();
    response.writeHead(200, { "content-type": "application/json" }).end('{"clusters":[]}');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe("options from the environment", () => {
  it("a client created with no options at all reads the gateway and key from the environment", async () => {
    const { url, received } = await gateway();
    vi.stubEnv("DATABRICKS_APIM_URL", url);
    vi.stubEnv("DATABRICKS_APIM_SUBSCRIPTION_KEY", KEY);
    vi.stubEnv("DATABRICKS_APIM_API_SUFFIX", "dbw-07");
    await unwrap(createDatabricksClient().GET("/api/2.1/clusters/list"));
    expect(received).toEqual(["GET /dbw-07/api/2.1/clusters/list"]);
  });
});

describe("the agent option", () => {
  const base = { apimUrl: "https://apim.example.net", subscriptionKey: KEY };
  const notAnAgent = new DatabricksConfigError(
    "Invalid option: agent must be an http.Agent or https.Agent (or compatible)",
  );

  it("refuses what is not an http(s).Agent-compatible object, naming the option", () => {
    for (const agent of [null, "keep-alive", 1, {}, { addRequest: "no" }, () => undefined])
      expect(
        () => createDatabricksClient({ ...base, agent: agent as unknown as Agent }),
        String(agent),
      ).toThrow(notAnAgent);
  });

  // What makes an object an agent to node:http is `addRequest` (Node's lib/_http_client.js calls
  // `agent.addRequest(req, options)`), so proxy agents that only implement it are accepted.
  it("accepts an agent or any object with addRequest, and none", () => {
    expect(() => createDatabricksClient({ ...base, agent: new Agent() })).not.toThrow();
    const compatible = { addRequest: () => undefined } as unknown as Agent;
    expect(() => createDatabricksClient({ ...base, agent: compatible })).not.toThrow();
    expect(() => createDatabricksClient({ ...base, agent: undefined })).not.toThrow();
  });

  it("refuses an agent beside fetch, which would ignore it", () => {
    const fetch = async () => Response.json({});
    expect(() => createDatabricksClient({ ...base, agent: new Agent(), fetch })).toThrow(
      new DatabricksConfigError(
        "Invalid options: agent is used only without fetch; give your fetch its own dispatcher or agent instead",
      ),
    );
    expect(() => createDatabricksClient({ ...base, fetch })).not.toThrow();
  });
});

describe("the bottom layer, chosen per request", () => {
  it("sends through node:http and the given agent while global fetch is the one Node started with", async () => {
    const { url, received } = await gateway();
    const agent = new Agent({ keepAlive: false });
    const connect = vi.spyOn(agent, "createConnection");
    await unwrap(
      createDatabricksClient({ apimUrl: url, subscriptionKey: KEY, agent }).GET("/api/2.1/clusters/list"),
    );
    expect(received).toEqual(["GET /dbw-01/api/2.1/clusters/list"]);
    expect(connect).toHaveBeenCalledTimes(1);
    agent.destroy();
  });

  it("sends through global fetch once it was replaced, even after the client was created", async () => {
    const { url, received } = await gateway();
    const client = createDatabricksClient({ apimUrl: url, subscriptionKey: KEY });
    const urls: unknown[] = [];
    vi.stubGlobal("fetch", async (target: unknown) => {
      urls.push(target);
      return Response.json({ clusters: ["stub"] });
    });
    expect(await unwrap(client.GET("/api/2.1/clusters/list"))).toEqual({ clusters: ["stub"] });
    expect(urls).toEqual([`${url}/dbw-01/api/2.1/clusters/list`]);
    expect(received).toEqual([]);
  });
});
