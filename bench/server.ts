/**
 * The benchmark's gateway stand-in: a keep-alive `node:http` server on 127.0.0.1, run in a child
 * process (forked by `run.ts`) so that serving requests does not share the event loop being measured.
 * Bodies are serialised once and cached, so the server costs the same for the client and for raw fetch.
 *
 * Routes (any first path segment, the APIM API suffix, is accepted; `/n<total>` picks a list size):
 *   GET  /<suffix>/api/2.1/clusters/get?cluster_id=…        one cluster; ids `retry-*` answer 429 once first
 *   POST /<suffix>/api/2.1/clusters/create                  drains the JSON body, answers `{cluster_id}`
 *   GET  /n<total>/api/2.1/clusters/list?page_size&page_token  `total` clusters, `next_page_token` paging
 * It exits when the parent disconnects, and after a hard deadline in any case.
 */
import { createServer, type ServerResponse } from "node:http";

/** The server gives up after this long even if the parent never disconnects. */
const HARD_DEADLINE_MS = 20 * 60_000;

/** A representative `ClusterDetails` (about 1 KB of JSON, like a real `clusters/get` answer). */
function cluster(i: number): Record<string, unknown> {
  return {
    cluster_id: `0128-${String(100000 + (i % 900000))}-bench${i}`,
    cluster_name: `etl-nightly-${i}`,
    spark_version: "15.4.x-scala2.12",
    node_type_id: "Standard_D4ds_v5",
    driver_node_type_id: "Standard_D4ds_v5",
    autotermination_minutes: 60,
    num_workers: 4,
    state: "RUNNING",
    state_message: "",
    start_time: 1_764_300_000_000 + i,
    creator_user_name: "data-eng@example.com",
    cluster_source: "API",
    data_security_mode: "USER_ISOLATION",
    runtime_engine: "PHOTON",
    enable_elastic_disk: true,
    spark_conf: { "spark.sql.shuffle.partitions": "200", "spark.databricks.delta.preview.enabled": "true" },
    custom_tags: { team: "data-eng", cost_center: "cc-4711" },
    default_tags: {
      Vendor: "Databricks",
      Creator: "data-eng@example.com",
      ClusterName: `etl-nightly-${i}`,
      ClusterId: `0128-${i}`,
    },
    azure_attributes: { availability: "ON_DEMAND_AZURE", first_on_demand: 1, spot_bid_max_price: -1 },
    cluster_memory_mb: 81920,
    cluster_cores: 20,
    driver: { private_ip: "10.139.64.4", node_id: `n-${i}`, start_timestamp: 1_764_300_000_000 },
  };
}

const CLUSTER = Buffer.from(JSON.stringify(cluster(1)));
const CREATED = Buffer.from(JSON.stringify({ cluster_id: "0128-000001-created" }));
const THROTTLED = Buffer.from(
  JSON.stringify({ statusCode: 429, message: "Rate limit is exceeded. Try again in 0 seconds." }),
);
const NOT_FOUND = Buffer.from(JSON.stringify({ error_code: "ENDPOINT_NOT_FOUND", message: "No such route" }));

const pagesCache = new Map<string, Buffer>();

/** Page `index` of a `total`-item list, `size` per page; serialised on first use, then cached. */
function page(total: number, size: number, index: number): Buffer {
  const key = `${total}/${size}/${index}`;
  let body = pagesCache.get(key);
  if (body === undefined) {
    const from = index * size;
    const to = Math.min(total, from + size);
    const clusters = Array.from({ length: Math.max(0, to - from) }, (_, k) => cluster(from + k));
    const json: Record<string, unknown> = { clusters };
    if (to < total) json.next_page_token = `p${index + 1}`;
    if (index > 0) json.prev_page_token = `p${index - 1}`;
    body = Buffer.from(JSON.stringify(json));
    pagesCache.set(key, body);
  }
  return body;
}

function send(res: ServerResponse, status: number, body: Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": body.length, ...headers });
  res.end(body);
}

/** Ids that have been throttled once; their next request succeeds. */
const throttled = new Set<string>();

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const [, suffix = "", ...rest] = url.pathname.split("/");
  const route = `${req.method} /${rest.join("/")}`;
  if (route === "GET /api/2.1/clusters/get") {
    const id = url.searchParams.get("cluster_id") ?? "";
    if (id.startsWith("retry-") && !throttled.has(id)) {
      throttled.add(id);
      send(res, 429, THROTTLED, { "Retry-After": "0" });
      return;
    }
    throttled.delete(id);
    send(res, 200, CLUSTER);
    return;
  }
  if (route === "POST /api/2.1/clusters/create") {
    req.on("data", () => {});
    req.on("end", () => send(res, 200, CREATED));
    return;
  }
  if (route === "GET /api/2.1/clusters/list") {
    const total = Number(/^n(\d+)$/.exec(suffix)?.[1] ?? 1000);
    const size = Number(url.searchParams.get("page_size") ?? 100);
    const index = Number((url.searchParams.get("page_token") ?? "p0").slice(1));
    send(res, 200, page(total, size, index));
    return;
  }
  send(res, 404, NOT_FOUND);
});

// Connections stay open between rounds; the client's keep-alive decides when to close them.
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("Bench server has no TCP address.");
  process.send?.({ port: address.port });
});
process.on("disconnect", () => process.exit(0));
setTimeout(() => process.exit(0), HARD_DEADLINE_MS).unref();
