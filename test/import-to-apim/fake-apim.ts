/**
 * An in-memory Azure API Management behind MSW, answering the ARM calls `import-to-apim` makes.
 *
 * It behaves like the real service where the script depends on it: the API import PUT answers 202
 * with `Azure-AsyncOperation` and `Location` and takes effect only once polled; operations are derived
 * from the imported document with APIM's name normalisation (and, without
 * `translateRequiredQueryParameters: "query"`, required query parameters in the URL template);
 * recursive schemas fail the import; policies come back re-indented with attributes reordered;
 * revisions and releases work; it can be told to fail an import, drop its operations or throttle.
 */
import { HttpResponse, http } from "msw";
import { findSchemaCycles, normalizeOperationName } from "../../scripts/lib/apim-rules.js";
import { listOperations, type OpenApiDocument } from "../../scripts/lib/spec.js";

/**
 * The bearer token the fake accepts: JWT-shaped with the claims an Entra ARM token carries, so the
 * run's "acting as" line has something to read. The signature part is not checked by anyone.
 */
export const TOKEN = [
  "eyJhbGciOiJub25lIn0",
  Buffer.from(
    JSON.stringify({
      tid: "72f988bf-0000-0000-0000-0000000000aa",
      oid: "0b1c2d3e-0000-0000-0000-0000000000bb",
      upn: "deployer@contoso.com",
      idtyp: "user",
    }),
  ).toString("base64url"),
  "dGVzdC1zaWduYXR1cmU",
].join(".");

export interface FakeOperation {
  name: string;
  method: string;
  urlTemplate: string;
  displayName: string;
}
/** One revision of a fake API. */
export interface FakeRevision {
  properties: Record<string, unknown>;
  operations: FakeOperation[];
  policy: string | undefined;
}
/** A fake API with its revisions. */
export interface FakeApi {
  revisions: Map<number, FakeRevision>;
  current: number;
}
/** A request the fake received. */
export interface Recorded {
  method: string;
  url: URL;
  /** Decoded path below the service, e.g. `apis/dbw-01;rev=2/policies/policy`. */
  path: string;
  authorization: string | null;
  body: unknown;
}
type ArmFailure = {
  code: string;
  message: string;
  details?: Array<{ code: string; target?: string; message: string }>;
};

/** Creates the fake; register `fake.handlers` with `server.use(...)`. */
export function createFakeApim(options: {
  origin?: string;
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  products?: string[];
  lroStyle?: "async" | "location";
  pageSize?: number;
}) {
  const origin = options.origin ?? "https://management.azure.com";
  const prefix = `/subscriptions/${options.subscriptionId}/resourceGroups/${options.resourceGroup}/providers/Microsoft.ApiManagement/service/${options.serviceName}/`;
  const backends = new Map<string, Record<string, unknown>>();
  const apis = new Map<string, FakeApi>();
  const links = new Set<string>();
  const requests: Recorded[] = [];
  const pending = new Map<
    string,
    { polls: number; run: () => ArmFailure | undefined; outcome?: ArmFailure | "ok"; apiRef: string }
  >();
  let throttles = 0;
  let nextFailure: { error: ArmFailure } | undefined;
  let dropNext = false;
  let counter = 0;

  const error = (status: number, code: string, message: string) =>
    HttpResponse.json({ error: { code, message } }, { status });
  const parseRef = (ref: string) => {
    const [id = "", rev] = ref.split(";rev=");
    return { id, rev: rev === undefined ? undefined : Number(rev) };
  };
  const resolve = (ref: string): { api: FakeApi; rev: number; revision: FakeRevision } | undefined => {
    const { id, rev } = parseRef(ref);
    const api = apis.get(id);
    const n = rev ?? api?.current ?? 0;
    const revision = api?.revisions.get(n);
    return api && revision ? { api, rev: n, revision } : undefined;
  };
  const apiBody = (ref: string) => {
    const found = resolve(ref);
    if (!found) return undefined;
    const { id } = parseRef(ref);
    const props = {
      ...found.revision.properties,
      apiRevision: String(found.rev),
      isCurrent: found.api.current === found.rev,
    };
    return {
      id: `${prefix}apis/${ref}`,
      name: found.rev === found.api.current ? id : ref,
      properties: props,
    };
  };

  /** Applies an import (or a revision copy) to `ref`; returns an ARM error for a bad document. */
  const importInto = (ref: string, props: Record<string, unknown>): ArmFailure | undefined => {
    const { id, rev } = parseRef(ref);
    let api = apis.get(id);
    if (!api) {
      api = { revisions: new Map(), current: 1 };
      apis.set(id, api);
    }
    const n = rev ?? api.current;
    const source =
      typeof props.sourceApiId === "string"
        ? resolve(props.sourceApiId.replace(/^.*\/apis\//, ""))
        : undefined;
    const existing = api.revisions.get(n) ?? source?.revision;
    const revision: FakeRevision = {
      properties: { ...(existing?.properties ?? {}) },
      operations: [...(existing?.operations ?? [])],
      policy: existing?.policy,
    };
    const { value, format, sourceApiId: _s, translateRequiredQueryParameters, ...rest } = props;
    if (value !== undefined) {
      if (format !== "openapi+json")
        return { code: "ValidationError", message: `unexpected format ${String(format)}` };
      const doc = JSON.parse(String(value)) as OpenApiDocument;
      const cycles = findSchemaCycles(doc);
      if (cycles.length > 0)
        return {
          code: "ValidationError",
          message: "One or more fields contain incorrect values:",
          details: [
            { code: "ValidationError", target: "representation", message: `Recursive schema ${cycles[0]}` },
          ],
        };
      const taken = new Set<string>();
      revision.operations = dropNext
        ? []
        : listOperations(doc).map(({ method, path, op }) => {
            let name = normalizeOperationName(op.operationId ?? `${method}-${path}`);
            for (let i = 1; taken.has(name); i++) name = `${name.slice(0, 76)}-${i}`;
            taken.add(name);
            const required = (op.parameters ?? []).filter((p) => p.in === "query" && p.required);
            const query = required.map((p) => `${p.name}={${p.name}}`).join("&");
            const urlTemplate =
              translateRequiredQueryParameters === "query" || !query ? path : `${path}?${query}`;
            return { name, method, urlTemplate, displayName: op.summary ?? name };
          });
      dropNext = false;
      revision.properties.description = (doc.info as { description?: string }).description;
      if (rest.serviceUrl === undefined) revision.properties.serviceUrl = doc.servers?.[0]?.url;
    }
    Object.assign(revision.properties, rest);
    api.revisions.set(n, revision);
    return undefined;
  };

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const text = request.method === "GET" || request.method === "HEAD" ? "" : await request.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    const path = url.pathname.startsWith(prefix)
      ? url.pathname.slice(prefix.length).split("/").map(decodeURIComponent).join("/")
      : url.pathname;
    requests.push({
      method: request.method,
      url,
      path,
      authorization: request.headers.get("authorization"),
      body,
    });
    if (request.headers.get("authorization") !== `Bearer ${TOKEN}`)
      return error(401, "AuthenticationFailed", "bad token");
    if (url.searchParams.get("api-version") !== "2024-05-01")
      return error(400, "InvalidApiVersion", "api-version");
    if (throttles > 0) {
      throttles--;
      return HttpResponse.json(
        { error: { code: "TooManyRequests", message: "Throttled" } },
        { status: 429, headers: { "Retry-After": "1" } },
      );
    }
    if (!url.pathname.startsWith(prefix)) return error(404, "ResourceNotFound", "unknown service");
    const seg = path.split("/");
    const props = ((body as { properties?: Record<string, unknown> } | undefined)?.properties ??
      {}) as Record<string, unknown>;
    const m = request.method;

    if (seg[0] === "backends" && seg.length === 2) {
      const id = seg[1] ?? "";
      if (m === "GET") {
        const b = backends.get(id);
        return b ? HttpResponse.json({ name: id, properties: b }) : error(404, "ResourceNotFound", "backend");
      }
      const created = !backends.has(id);
      backends.set(id, { ...props, url: props.url });
      return HttpResponse.json({ name: id, properties: props }, { status: created ? 201 : 200 });
    }
    if (seg[0] === "apis" && seg.length === 2) {
      const ref = seg[1] ?? "";
      if (m === "GET")
        return HttpResponse.json(apiBody(ref) ?? { error: { code: "ResourceNotFound" } }, {
          status: apiBody(ref) ? 200 : 404,
        });
      const id = `op${++counter}`;
      const failure = nextFailure;
      nextFailure = undefined;
      pending.set(id, { polls: 1, apiRef: ref, run: () => failure?.error ?? importInto(ref, props) });
      const base = `${origin}${prefix}`;
      const headers: Record<string, string> = {
        Location: `${base}operationResults/${id}?api-version=2024-05-01`,
        "Retry-After": "2",
      };
      if (options.lroStyle !== "location")
        headers["Azure-AsyncOperation"] = `${base}operationStatuses/${id}?api-version=2024-05-01`;
      return new HttpResponse(null, { status: 202, headers });
    }
    if ((seg[0] === "operationStatuses" || seg[0] === "operationResults") && seg.length === 2) {
      const op = pending.get(seg[1] ?? "");
      if (!op) return error(404, "ResourceNotFound", "operation");
      if (op.polls > 0) {
        op.polls--;
        return seg[0] === "operationStatuses"
          ? HttpResponse.json({ status: "InProgress" })
          : new HttpResponse(null, { status: 202, headers: { "Retry-After": "2" } });
      }
      op.outcome ??= op.run() ?? "ok";
      if (seg[0] === "operationStatuses")
        return HttpResponse.json(
          op.outcome === "ok" ? { status: "Succeeded" } : { status: "Failed", error: op.outcome },
        );
      return op.outcome === "ok"
        ? HttpResponse.json(apiBody(op.apiRef))
        : HttpResponse.json({ error: op.outcome }, { status: 400 });
    }
    if (seg[0] === "apis" && seg[2] === "operations" && seg.length === 3) {
      const found = resolve(seg[1] ?? "");
      if (!found) return error(404, "ResourceNotFound", "api");
      const size = options.pageSize ?? 50;
      const skip = Number(url.searchParams.get("$skip") ?? 0);
      const page = found.revision.operations.slice(skip, skip + size);
      const next = new URL(url);
      next.searchParams.set("$skip", String(skip + size));
      return HttpResponse.json({
        value: page.map((o) => ({
          name: o.name,
          properties: { method: o.method, urlTemplate: o.urlTemplate, displayName: o.displayName },
        })),
        nextLink: skip + size < found.revision.operations.length ? next.href : null,
      });
    }
    if (seg[0] === "apis" && seg[2] === "policies" && seg[3] === "policy") {
      const found = resolve(seg[1] ?? "");
      if (!found) return error(404, "ResourceNotFound", "api");
      if (m === "GET")
        return found.revision.policy === undefined
          ? error(404, "ResourceNotFound", "policy")
          : HttpResponse.json({ properties: { format: "rawxml", value: reindent(found.revision.policy) } });
      if (props.format !== "rawxml") return error(400, "ValidationError", "format");
      const created = found.revision.policy === undefined;
      found.revision.policy = String(props.value);
      return HttpResponse.json({ properties: { format: "rawxml" } }, { status: created ? 201 : 200 });
    }
    if (seg[0] === "apis" && seg[2] === "revisions") {
      const api = apis.get(seg[1] ?? "");
      if (!api) return error(404, "ResourceNotFound", "api");
      const value = [...api.revisions.entries()].map(([n, r]) => ({
        apiId: `/apis/${seg[1]};rev=${n}`,
        apiRevision: String(n),
        isCurrent: n === api.current,
        description: r.properties.apiRevisionDescription,
      }));
      return HttpResponse.json({ value, nextLink: null });
    }
    if (seg[0] === "apis" && seg[2] === "releases" && m === "PUT") {
      const target = String(props.apiId ?? "").replace(/^.*\/apis\//, "");
      const found = resolve(target);
      if (!found || parseRef(target).rev === undefined) return error(400, "ValidationError", "release apiId");
      found.api.current = found.rev;
      return HttpResponse.json({ name: seg[3], properties: props }, { status: 201 });
    }
    if (seg[0] === "products" && seg[2] === "apis" && seg.length === 4) {
      const known = (options.products ?? []).includes(seg[1] ?? "");
      const key = `${seg[1]}/${seg[3]}`;
      if (m === "HEAD") return new HttpResponse(null, { status: links.has(key) ? 204 : 404 });
      if (!known) return error(404, "ResourceNotFound", `Product ${seg[1]} not found`);
      links.add(key);
      return HttpResponse.json({ name: seg[3] }, { status: 201 });
    }
    return error(400, "UnexpectedRequest", `${m} ${path}`);
  };

  return {
    handlers: [http.all(`${origin}/*`, ({ request }) => handle(request))],
    requests,
    /** Requests that change state (polls excluded). */
    writes: () => requests.filter((r) => r.method !== "GET" && r.method !== "HEAD"),
    backends,
    apis,
    links,
    api: (ref = "dbw-01") => resolve(ref),
    /** The next import fails with this ARM error (reported through the poll). */
    failNextImport(failure: ArmFailure) {
      nextFailure = { error: failure };
    },
    /** The next import "succeeds" but leaves the API without operations. */
    dropOperationsOnNextImport() {
      dropNext = true;
    },
    /** The next `count` requests get 429 with `Retry-After: 1`. */
    throttle(count: number) {
      throttles = count;
    },
  };
}

/** What APIM does to a stored policy: one element per line, tab indentation, attributes reordered. */
export function reindent(xml: string): string {
  const tokens = xml.match(/<!--[\s\S]*?-->|<[^>]+>|[^<]+/g) ?? [];
  let depth = 0;
  const lines: string[] = [];
  for (const token of tokens) {
    if (token.trim() === "") continue;
    if (token.startsWith("</")) depth--;
    let out = token.trim();
    const tag = /^<([\w:.-]+)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>$/.exec(out);
    if (tag) {
      const attrs = [...(tag[2] ?? "").matchAll(/([\w:.-]+)="([^"]*)"/g)].reverse();
      out = `<${tag[1]}${attrs.map((a) => ` ${a[1]}="${a[2]}"`).join("")}${tag[3] ? " /" : ""}>`;
    }
    lines.push(`${"\t".repeat(Math.max(0, depth))}${out}`);
    if (tag && !tag[3]) depth++;
  }
  return lines.join("\r\n");
}
