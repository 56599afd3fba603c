/**
 * Per-request cost of the client against plain `fetch`: the same request (URL, headers, JSON body),
 * the same connection settings (Node's global fetch and its default keep-alive dispatcher, one
 * server), the same work on the answer (read and parse the JSON). Whatever the ratio shows above 1
 * is what the client adds: openapi-fetch, query encoding, auth and the transport's retry/timeout layer.
 */
import { type Comparison, compare, timeCalls } from "./measure.js";
import type { Sdk } from "./sdk.js";

/** What every scenario needs to reach the bench server. */
export interface Target {
  sdk: Sdk;
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
function rawHeaders(target: Target): Record<string, string> {
  return {
    Accept: "application/json",
    "User-Agent": `databricks-apim/${target.sdk.VERSION} node/${process.versions.node}`,
    "Ocp-Apim-Subscription-Key": target.key,
  };
}

function fail(what: string, status: number): never {
  throw new Error(`Bench request failed: ${what} answered ${status}. Is the bench server routing it?`);
}

/** `count` GETs of `clusters/get` (or POSTs of `clusters/create`) at `concurrency`: client vs raw fetch. */
export async function requestOverhead(
  target: Target,
  method: "GET" | "POST",
  count: number,
  concurrency: number,
  rounds: number,
): Promise<Record<"wall" | "cpu", Comparison>> {
  const client = target.sdk.createDatabricksClient({ apimUrl: target.origin, subscriptionKey: target.key });
  const base = `${target.origin}/dbw-01`;
  const headers = rawHeaders(target);
  const postHeaders = { ...headers, "Content-Type": "application/json" };

  const viaClient =
    method === "GET"
      ? async (i: number) => {
          const { data, response } = await client.GET("/api/2.1/clusters/get", {
            params: { query: { cluster_id: `0128-${i}` } },
          });
          if (data === undefined) fail("client GET clusters/get", response.status);
        }
      : async () => {
          const { data, response } = await client.POST("/api/2.1/clusters/create", { body: CREATE_BODY });
          if (data === undefined) fail("client POST clusters/create", response.status);
        };
  const viaFetch =
    method === "GET"
      ? async (i: number) => {
          const response = await fetch(`${base}/api/2.1/clusters/get?cluster_id=0128-${i}`, { headers });
          if (!response.ok) fail("fetch GET clusters/get", response.status);
          await response.json();
        }
      : async () => {
          const response = await fetch(`${base}/api/2.1/clusters/create`, {
            method: "POST",
            headers: postHeaders,
            body: JSON.stringify(CREATE_BODY),
          });
          if (!response.ok) fail("fetch POST clusters/create", response.status);
          await response.json();
        };
  return compare(
    rounds,
    () => timeCalls(count, concurrency, viaClient),
    () => timeCalls(count, concurrency, viaFetch),
  );
}

/** Unique ids, so each call meets exactly one 429 before its success. */
let retryId = 0;

/**
 * A 429 with `Retry-After: 0`, then success: the client's own retry vs a minimal hand-written one
 * (drain the 429, fetch again at once). The difference is the retry machinery's cost.
 * Returns `undefined` when the client does not retry (a transport without retries).
 */
export async function retryOverhead(
  target: Target,
  count: number,
  rounds: number,
): Promise<Record<"wall" | "cpu", Comparison> | undefined> {
  const client = target.sdk.createDatabricksClient({ apimUrl: target.origin, subscriptionKey: target.key });
  const probe = await client.GET("/api/2.1/clusters/get", {
    params: { query: { cluster_id: `retry-probe-${retryId++}` } },
  });
  if (probe.response.status === 429) return undefined;

  const base = `${target.origin}/dbw-01`;
  const headers = rawHeaders(target);
  const viaClient = async () => {
    const { data, response } = await client.GET("/api/2.1/clusters/get", {
      params: { query: { cluster_id: `retry-${retryId++}` } },
    });
    if (data === undefined) fail("client GET clusters/get (retry)", response.status);
  };
  const viaFetch = async () => {
    const url = `${base}/api/2.1/clusters/get?cluster_id=retry-${retryId++}`;
    for (;;) {
      const response = await fetch(url, { headers });
      if (response.status === 429) {
        await response.arrayBuffer();
        continue;
      }
      if (!response.ok) fail("fetch GET clusters/get (retry)", response.status);
      await response.json();
      return;
    }
  };
  return compare(
    rounds,
    () => timeCalls(count, 1, viaClient),
    () => timeCalls(count, 1, viaFetch),
  );
}
