/**
 * The sides of the request scenarios: the same GET of `clusters/get` (or POST of `clusters/create`)
 * through the client, raw fetch, three reference points and the official JS SDK. Each is built and
 * run in a process of its own (side-process.ts), as an app runs one client.
 */
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "../src/generated/schema.js";
import type { OfficialClient, Sdk } from "./sdk.js";

/** What every scenario needs to reach the bench server. */
export interface Target {
  sdk: Sdk;
  /** The official JS SDK's client class, when installed (`npm ci --prefix test/official-sdk`). */
  official: OfficialClient | undefined;
  /** e.g. `http://127.0.0.1:41234` */
  origin: string;
  /** The subscription key both sides send. */
  key: string;
}

/** The body of the benchmarked POST: a typical `clusters/create`. */
const CREATE_BODY = {
  cluster_name: "etl-nightly",
  spark_version: "15.4.x-scala2.12",
  node_type_id: "Standard_D4ds_v5",
  num_workers: 4,
  autotermination_minutes: 60,
  data_security_mode: "USER_ISOLATION",
  spark_conf: { "spark.sql.shuffle.partitions": "200" },
  custom_tags: { team: "data-eng", cost_center: "cc-4711" },
} as const;

/** The headers the client sends, so raw fetch sends the same bytes. */
export function rawHeaders(target: Target): Record<string, string> {
  return {
    Accept: "application/json",
    "User-Agent": `databricks-apim/${target.sdk.VERSION} node/${process.versions.node}`,
    "Ocp-Apim-Subscription-Key": target.key,
  };
}

export function fail(what: string, status: number): never {
  throw new Error(`Bench request failed: ${what} answered ${status}. Is the bench server routing it?`);
}

export type Call = (i: number) => Promise<void>;

/** The request through plain fetch, as an app would write it. With `timeout`, it also pays what any
 * abortable per-attempt timeout costs: an AbortController whose signal fetch follows, and a timer
 * cleared only once the body has been read. */
function viaRawFetch(target: Target, method: "GET" | "POST", timeout?: number): Call {
  const base = `${target.origin}/dbw-01`;
  const headers = rawHeaders(target);
  const postHeaders = { ...headers, "Content-Type": "application/json" };
  // Without a timeout the init has no `signal` key at all: exactly what an app passes.
  const send = (i: number, signal: AbortSignal | undefined) =>
    method === "GET"
      ? fetch(`${base}/api/2.1/clusters/get?cluster_id=0128-${i}`, signal ? { headers, signal } : { headers })
      : fetch(`${base}/api/2.1/clusters/create`, {
          method: "POST",
          headers: postHeaders,
          body: JSON.stringify(CREATE_BODY),
          ...(signal ? { signal } : {}),
        });
  const read = async (response: Response) => {
    if (!response.ok)
      fail(`fetch ${method} clusters/${method === "GET" ? "get" : "create"}`, response.status);
    await response.json();
  };
  if (timeout === undefined) return async (i) => read(await send(i, undefined));
  return async (i) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    try {
      await read(await send(i, controller.signal));
    } finally {
      clearTimeout(timer);
    }
  };
}

/** The benchmarked request through any openapi-fetch client (ours, or a reference built on openapi-fetch). */
function viaTypedClient(
  client: Client<paths, "application/json">,
  who: string,
  method: "GET" | "POST",
): Call {
  return method === "GET"
    ? async (i) => {
        const { data, response } = await client.GET("/api/2.1/clusters/get", {
          params: { query: { cluster_id: `0128-${i}` } },
        });
        if (data === undefined) fail(`${who} GET clusters/get`, response.status);
      }
    : async () => {
        const { data, response } = await client.POST("/api/2.1/clusters/create", { body: CREATE_BODY });
        if (data === undefined) fail(`${who} POST clusters/create`, response.status);
      };
}

/** The request through openapi-fetch alone (its defaults: a WHATWG Request per call, global fetch). */
function viaOpenapiFetch(target: Target, method: "GET" | "POST"): Call {
  const client = createClient<paths, "application/json">({
    baseUrl: `${target.origin}/dbw-01`,
    headers: rawHeaders(target),
  });
  return viaTypedClient(client, "openapi-fetch", method);
}

/** A Request class that only records its arguments, like the client's PlannedRequest. */
class RecordedRequest {
  readonly method: string;
  constructor(
    readonly url: string,
    readonly init: RequestInit,
  ) {
    this.method = init.method ?? "GET";
  }
}

/**
 * The floor of the client's design, built from the same parts with nothing of ours: openapi-fetch
 * with a recording Request class, sending `fetch(url, init)` under an abortable per-attempt timeout
 * (covering the headers only, so this floor is if anything a little low).
 */
function viaDesignFloor(target: Target, method: "GET" | "POST"): Call {
  const client = createClient<paths, "application/json">({
    baseUrl: `${target.origin}/dbw-01`,
    headers: rawHeaders(target),
    Request: RecordedRequest as unknown as typeof Request,
    fetch: async (request) => {
      const { url, init } = request as unknown as RecordedRequest;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 60_000);
      try {
        return await fetch(url, { ...init, signal: controller.signal });
      } finally {
        clearTimeout(timer);
      }
    },
  });
  return viaTypedClient(client, "design floor", method);
}

/**
 * The GET through the official JS SDK, which sends through node:http. The one shim, as in
 * test/official-sdk/check.mjs: the SDK keeps only the host of `host`, so the gateway's API suffix is
 * put back in front of every path. Auth is its custom-credentials hook sending the same key.
 */
function viaOfficialSdk(target: Target, official: OfficialClient): Call {
  const workspace = new official({
    host: target.origin,
    credentials: {
      name: "apim-subscription-key",
      configure: async () => (headers) => {
        headers.set("Ocp-Apim-Subscription-Key", target.key);
      },
    },
  });
  const request = workspace.apiClient.request.bind(workspace.apiClient);
  workspace.apiClient.request = (options, context) =>
    request({ ...options, path: `/dbw-01${options.path}` }, context);
  return async (i) => {
    await workspace.clusters.get({ cluster_id: `0128-${i}` });
  };
}

/** The sides a request scenario compares, raw fetch (the baseline) first. */
export const SIDES = ["raw", "client", "timeout", "openapiFetch", "floor", "officialSdk"] as const;
export type SideName = (typeof SIDES)[number];

/** The benchmarked request through one side. */
export function sideCall(target: Target, name: SideName, method: "GET" | "POST"): Call {
  switch (name) {
    case "raw":
      return viaRawFetch(target, method);
    case "client":
      return viaTypedClient(
        target.sdk.createDatabricksClient({ apimUrl: target.origin, subscriptionKey: target.key }),
        "client",
        method,
      );
    case "timeout":
      return viaRawFetch(target, method, 60_000);
    case "openapiFetch":
      return viaOpenapiFetch(target, method);
    case "floor":
      return viaDesignFloor(target, method);
    case "officialSdk":
      if (!target.official || method !== "GET")
        throw new Error("The official SDK side is GET only, when installed.");
      return viaOfficialSdk(target, target.official);
  }
}
