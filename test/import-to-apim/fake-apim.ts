/**
 * An in-memory Azure API Management behind MSW, answering the ARM calls `import-to-apim` makes the way
 * the real service does where the script depends on it (each awkward reply is in fake-apim-replies.ts
 * with its source):
 * - an import is long-running: answered as in the swagger example (200/201 + both headers + InProgress)
 *   or in the other styles, applied only once polled to the end, while writes on the API meet 409
 *   "Operation on the API is in progress" and reads see the previous import;
 * - operations come from the imported document with APIM's name normalisation (required query
 *   parameters in the URL template unless `translateRequiredQueryParameters: "query"`); recursive
 *   schemas fail the import;
 * - an import PUT resets the API properties it is not given, and a backend PUT replaces the backend;
 * - policies come back re-indented with attributes reordered; revisions and releases work;
 * - it can be told to fail an import, drop its operations, throttle, or refuse the next writes.
 */
import { HttpResponse, http } from "msw";
import { findSchemaCycles } from "../../scripts/lib/apim-rules.js";
import type { OpenApiDocument } from "../../scripts/lib/spec.js";
import { operationsOf, resetOnImport } from "./fake-apim-import.js";
import {
  armError,
  importAccepted,
  inProgressConflict,
  type LroStyle,
  reindent,
  type StatusShape,
  statusBody,
} from "./fake-apim-replies.js";

export { reindent };

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
/** A fake API with its revisions and releases. */
export interface FakeApi {
  revisions: Map<number, FakeRevision>;
  current: number;
  releases?: Map<string, Record<string, unknown>>;
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
interface Pending {
  polls: number;
  notFound: number;
  run: () => ArmFailure | undefined;
  outcome?: ArmFailure | "ok";
  ref: string;
}

/** Creates the fake; register `fake.handlers` with `server.use(...)`. */
export function createFakeApim(options: {
  origin?: string;
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  products?: string[];
  lroStyle?: LroStyle;
  statusShape?: StatusShape;
  /** Polls of `Location` answered 404 before it answers at all (terraform-provider-azurerm#23322). */
  locationNotFoundPolls?: number;
  pageSize?: number;
}) {
  const origin = options.origin ?? "https://management.azure.com";
  const style = options.lroStyle ?? "example";
  const prefix = `/subscriptions/${options.subscriptionId}/resourceGroups/${options.resourceGroup}/providers/Microsoft.ApiManagement/service/${options.serviceName}/`;
  const backends = new Map<string, Record<string, unknown>>();
  const apis = new Map<string, FakeApi>();
  const links = new Set<string>();
  const requests: Recorded[] = [];
  const pending = new Map<string, Pending>();
  const refusals: Array<{ status: number; code: string; message: string }> = [];
  let throttles = 0;
  let nextFailure: { error: ArmFailure } | undefined;
  let dropNext = false;
  let counter = 0;

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
    return {
      id: `${prefix}apis/${ref}`,
      name: found.rev === found.api.current ? id : ref,
      properties: {
        ...found.revision.properties,
        apiRevision: String(found.rev),
        isCurrent: found.api.current === found.rev,
      },
    };
  };
  /** An import still running on this API (any revision) blocks writes to it. */
  const busy = (apiId: string) =>
    [...pending.values()].some((op) => op.outcome === undefined && parseRef(op.ref).id === apiId);

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
      revision.operations = dropNext ? [] : operationsOf(doc, translateRequiredQueryParameters === "query");
      dropNext = false;
      resetOnImport(revision.properties, doc, rest);
    }
    Object.assign(revision.properties, rest);
    api.revisions.set(n, revision);
    return undefined;
  };

  const startImport = (ref: string, props: Record<string, unknown>): Response => {
    const id = `op${++counter}`;
    const failure = nextFailure;
    nextFailure = undefined;
    const created = resolve(ref) === undefined;
    pending.set(id, {
      polls: 1,
      notFound: options.locationNotFoundPolls ?? 0,
      ref,
      run: () => failure?.error ?? importInto(ref, props),
    });
    const base = `${origin}${prefix}`;
    const before = apiBody(ref) ?? { id: `${prefix}apis/${ref}`, name: ref, properties: {} };
    return importAccepted(
      style,
      created,
      {
        status: `${base}operationStatuses/${id}?api-version=2024-05-01`,
        location: `${base}operationResults/${id}?api-version=2024-05-01`,
        exampleLocation: `${base}apis/tempgroup?api-version=2024-05-01&asyncId=${id}&asyncCode=${created ? 201 : 200}`,
      },
      before,
    );
  };
  const finish = (op: Pending) => {
    op.outcome ??= op.run() ?? "ok";
    return op.outcome;
  };

  /** Body-mode polling: the API GET reports the running import's provisioning state. */
  const apiGet = (ref: string): Response => {
    const op = [...pending.values()].find((o) => o.ref === ref && o.outcome === undefined);
    if (op && style === "body") {
      if (op.polls-- > 0)
        return HttpResponse.json({
          ...(apiBody(ref) ?? {}),
          properties: { provisioningState: "InProgress" },
        });
      const outcome = finish(op);
      if (outcome !== "ok")
        return HttpResponse.json({ properties: { provisioningState: "Failed" }, error: outcome });
    }
    const body = apiBody(ref);
    return body ? HttpResponse.json(body) : armError(404, "ResourceNotFound", "api");
  };

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const text = request.method === "GET" || request.method === "HEAD" ? "" : await request.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    const path = url.pathname.startsWith(prefix)
      ? url.pathname.slice(prefix.length).split("/").map(decodeURIComponent).join("/")
      : url.pathname;
    const m = request.method;
    requests.push({ method: m, url, path, authorization: request.headers.get("authorization"), body });
    if (request.headers.get("authorization") !== `Bearer ${TOKEN}`)
      return armError(401, "AuthenticationFailed", "bad token");
    if (url.searchParams.get("api-version") !== "2024-05-01")
      return armError(400, "InvalidApiVersion", "api-version");
    if (throttles > 0) {
      throttles--;
      return armError(429, "TooManyRequests", "Throttled", { "Retry-After": "1" });
    }
    if (!url.pathname.startsWith(prefix)) return armError(404, "ResourceNotFound", "unknown service");
    const seg = path.split("/");
    const write = m !== "GET" && m !== "HEAD";
    // apimapis.json: DELETE takes the required IfMatchRequiredParameter ("*" for unconditional).
    if (m === "DELETE" && request.headers.get("if-match") === null)
      return armError(400, "IfMatchRequired", "If-Match header is required");
    const refusal = write ? refusals.shift() : undefined;
    if (refusal) return armError(refusal.status, refusal.code, refusal.message);
    if (write && seg[0] === "apis" && busy(parseRef(seg[1] ?? "").id)) return inProgressConflict();
    const props = ((body as { properties?: Record<string, unknown> } | undefined)?.properties ??
      {}) as Record<string, unknown>;

    if (seg[0] === "backends" && seg.length === 2) {
      const id = seg[1] ?? "";
      if (m === "GET") {
        const b = backends.get(id);
        return b
          ? HttpResponse.json({ name: id, properties: b })
          : armError(404, "ResourceNotFound", "backend");
      }
      // PUT replaces the whole backend: whatever the body leaves out (credentials, tls, circuitBreaker) is
      // gone afterwards (azure-cli#29363).
      const created = !backends.has(id);
      backends.set(id, { ...props });
      return HttpResponse.json({ name: id, properties: props }, { status: created ? 201 : 200 });
    }
    if (seg[0] === "apis" && seg.length === 2) {
      const ref = seg[1] ?? "";
      return m === "GET" ? apiGet(ref) : startImport(ref, props);
    }
    if ((seg[0] === "operationStatuses" || seg[0] === "operationResults") && seg.length === 2) {
      const op = pending.get(seg[1] ?? "");
      if (!op) return armError(404, "ResourceNotFound", "operation");
      const shape = options.statusShape ?? "top";
      if (seg[0] === "operationResults" && op.notFound > 0) {
        op.notFound--;
        return armError(404, "ResourceNotFound", `Api not found.`);
      }
      if (op.polls > 0) {
        op.polls--;
        return seg[0] === "operationStatuses"
          ? HttpResponse.json(statusBody(shape, "InProgress"))
          : new HttpResponse(null, { status: 202, headers: { "Retry-After": "2" } });
      }
      const outcome = finish(op);
      if (seg[0] === "operationStatuses")
        return HttpResponse.json(
          outcome === "ok" ? statusBody(shape, "Succeeded") : statusBody(shape, "Failed", outcome),
        );
      return outcome === "ok"
        ? HttpResponse.json(apiBody(op.ref))
        : HttpResponse.json({ error: outcome }, { status: 400 });
    }
    if (seg[0] === "apis" && seg[2] === "operations" && seg.length === 3) {
      const found = resolve(seg[1] ?? "");
      if (!found) return armError(404, "ResourceNotFound", "api");
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
      if (!found) return armError(404, "ResourceNotFound", "api");
      if (m === "GET")
        return found.revision.policy === undefined
          ? armError(404, "ResourceNotFound", "policy")
          : HttpResponse.json({ properties: { format: "rawxml", value: reindent(found.revision.policy) } });
      if (props.format !== "rawxml") return armError(400, "ValidationError", "format");
      const created = found.revision.policy === undefined;
      found.revision.policy = String(props.value);
      return HttpResponse.json({ properties: { format: "rawxml" } }, { status: created ? 201 : 200 });
    }
    if (seg[0] === "apis" && seg[2] === "revisions") {
      const api = apis.get(seg[1] ?? "");
      if (!api) return armError(404, "ResourceNotFound", "api");
      const value = [...api.revisions.entries()].map(([n, r]) => ({
        apiId: `/apis/${seg[1]};rev=${n}`,
        apiRevision: String(n),
        isCurrent: n === api.current,
        description: r.properties.apiRevisionDescription,
      }));
      return HttpResponse.json({ value, nextLink: null });
    }
    if (seg[0] === "apis" && seg[2] === "releases") return release(seg, m, props);
    if (seg[0] === "products" && seg[2] === "apis" && seg.length === 4) {
      const known = (options.products ?? []).includes(seg[1] ?? "");
      const key = `${seg[1]}/${seg[3]}`;
      if (m === "HEAD") return new HttpResponse(null, { status: links.has(key) ? 204 : 404 });
      if (!known) return armError(404, "ResourceNotFound", `Product ${seg[1]} not found`);
      links.add(key);
      return HttpResponse.json({ name: seg[3] }, { status: 201 });
    }
    return armError(400, "UnexpectedRequest", `${m} ${path}`);
  };

  /** Releases: list, PUT (makes the named revision current), DELETE. */
  const release = (seg: string[], m: string, props: Record<string, unknown>): Response => {
    const api = apis.get(seg[1] ?? "");
    if (!api) return armError(404, "ResourceNotFound", "api");
    api.releases ??= new Map();
    const releases = api.releases;
    if (m === "GET" && seg.length === 3)
      return HttpResponse.json({
        value: [...releases].map(([name, p]) => ({ name, properties: p })),
        nextLink: null,
      });
    const releaseId = seg[3] ?? "";
    if (m === "DELETE") {
      releases.delete(releaseId);
      return new HttpResponse(null, { status: 200 });
    }
    if (m !== "PUT") return armError(400, "UnexpectedRequest", `${m} release`);
    const target = String(props.apiId ?? "").replace(/^.*\/apis\//, "");
    const found = resolve(target);
    if (!found || parseRef(target).rev === undefined)
      return armError(400, "ValidationError", "release apiId");
    found.api.current = found.rev;
    const created = !releases.has(releaseId);
    releases.set(releaseId, props);
    return HttpResponse.json({ name: releaseId, properties: props }, { status: created ? 201 : 200 });
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
    /** The next writes are refused with these ARM errors, in order (412, 422, 409 …). */
    refuseNextWrites(...replies: Array<{ status: number; code: string; message: string }>) {
      refusals.push(...replies);
    },
  };
}
