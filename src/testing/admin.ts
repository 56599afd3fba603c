/**
 * The workspace's SCIM admin operations (openapi/databricks-admin.yaml), reachable only when the
 * emulator answers as the workspace itself (direct calls with a bearer token, see direct.ts), never
 * through the gateway, whose whitelist does not hold them. Also the grant model: the gateway's managed
 * identity may call Databricks iff an active service principal with its application id exists.
 *
 * Shapes follow Databricks' SCIM reference (create answers 201 with the resource; PATCH takes an RFC 7644
 * PatchOp and answers 204, as the official SDKs' `patch` returns nothing) and SCIM's error body.
 */
import type { HttpHandler } from "msw";
import type { components } from "../generated/admin-schema.js";
import { HttpResponse, http } from "./msw.js";
import type { ScimDirectory } from "./workspace/scim.js";

type ServicePrincipal = components["schemas"]["ServicePrincipal"];
type Group = components["schemas"]["Group"];
type PatchRequest = components["schemas"]["PatchRequest"];
type ComplexValue = components["schemas"]["ComplexValue"];

const SCIM = "/api/2.0/preview/scim/v2";
const SP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal";
const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";

/** SCIM's own error body (RFC 7644 §3.12), which Databricks' SCIM endpoints answer with. */
export function scimError(status: number, detail: string, scimType?: string): Response {
  return HttpResponse.json(
    {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      detail,
      status: String(status),
      ...(scimType ? { scimType } : {}),
    },
    { status },
  );
}

/** Who calls the workspace directly: a workspace admin, or any other workspace user. */
export type DirectCaller = "admin" | "user";

/** The grant of the gateway's identity, read from and written to the SCIM directory. */
export interface IdentityGrant {
  /** The managed identity's application (client) id. */
  readonly appId: string;
  /** An active service principal with `appId` exists. */
  granted(): boolean;
  /** Adds (or re-activates) that service principal, or removes it. */
  set(granted: boolean): void;
}

/** Numeric string ids, as Databricks gives SCIM resources; above the seed's ids. */
export function idMaker(): () => string {
  let next = 7_000_000_000_000_000;
  return () => String(++next);
}

export function createIdentityGrant(
  directory: ScimDirectory,
  appId: string,
  nextId: () => string,
): IdentityGrant {
  const matches = (sp: ServicePrincipal) => sp.applicationId?.toLowerCase() === appId.toLowerCase();
  return {
    appId,
    granted: () => directory.principals().some((sp) => matches(sp) && sp.active !== false),
    set(granted) {
      const principals = directory.principals();
      if (!granted) {
        const gone = new Set(principals.filter(matches).map((sp) => sp.id));
        principals.splice(0, principals.length, ...principals.filter((sp) => !matches(sp)));
        for (const group of directory.groups())
          if (group.members) group.members = group.members.filter((m) => !gone.has(m.value));
        return;
      }
      const existing = principals.find(matches);
      if (existing) existing.active = true;
      else
        principals.push({
          id: nextId(),
          applicationId: appId,
          displayName: "apim-managed-identity",
          active: true,
        });
    },
  };
}

/** The admin handlers for one direct call, answering at `baseUrl` (where the workspace API starts). */
export function createAdminHandlers(
  baseUrl: string,
  directory: ScimDirectory,
  caller: DirectCaller,
  nextId: () => string,
): HttpHandler[] {
  const root = `${baseUrl}${SCIM}`;
  const notAdmin = () => scimError(403, "Only workspace admins can manage service principals and groups.");
  const findSp = (id: string | readonly string[] | undefined) =>
    directory.principals().find((sp) => sp.id === String(id));
  const findGroup = (id: string | readonly string[] | undefined) =>
    directory.groups().find((group) => group.id === String(id));

  return [
    http.post(`${root}/ServicePrincipals`, async ({ request }) => {
      if (caller !== "admin") return notAdmin();
      const body = (await readObject(request)) as ServicePrincipal | undefined;
      if (!body?.applicationId) return scimError(400, "applicationId is required.", "invalidValue");
      const appId = body.applicationId.toLowerCase();
      if (directory.principals().some((sp) => sp.applicationId?.toLowerCase() === appId))
        return scimError(
          409,
          `Service principal with application ID ${body.applicationId} already exists.`,
          "uniqueness",
        );
      const created: ServicePrincipal = {
        schemas: [SP_SCHEMA],
        ...body,
        id: nextId(),
        active: body.active ?? true,
        displayName: body.displayName ?? body.applicationId,
      };
      directory.principals().push(created as never);
      return HttpResponse.json(created, { status: 201 });
    }),
    http.get(`${root}/ServicePrincipals/:id`, ({ params }) => {
      const sp = findSp(params.id);
      return sp ? HttpResponse.json(sp) : scimError(404, `Service principal ${String(params.id)} not found.`);
    }),
    http.patch(`${root}/ServicePrincipals/:id`, async ({ request, params }) => {
      if (caller !== "admin") return notAdmin();
      const sp = findSp(params.id);
      if (!sp) return scimError(404, `Service principal ${String(params.id)} not found.`);
      const patch = (await readObject(request)) as PatchRequest | undefined;
      const problem = applyPatch(sp as Record<string, unknown>, patch, [
        "active",
        "displayName",
        "entitlements",
      ]);
      return problem ? scimError(400, problem, "invalidSyntax") : new HttpResponse(null, { status: 204 });
    }),
    http.post(`${root}/Groups`, async ({ request }) => {
      if (caller !== "admin") return notAdmin();
      const body = (await readObject(request)) as Group | undefined;
      if (!body?.displayName) return scimError(400, "displayName is required.", "invalidValue");
      if (directory.groups().some((g) => g.displayName === body.displayName))
        return scimError(409, `Group with name ${body.displayName} already exists.`, "uniqueness");
      const created: Group = { schemas: [GROUP_SCHEMA], ...body, id: nextId() };
      directory.groups().push(created as never);
      for (const member of created.members ?? []) linkMember(directory, created, member.value);
      return HttpResponse.json(created, { status: 201 });
    }),
    http.get(`${root}/Groups/:id`, ({ params }) => {
      const group = findGroup(params.id);
      return group ? HttpResponse.json(group) : scimError(404, `Group ${String(params.id)} not found.`);
    }),
    http.patch(`${root}/Groups/:id`, async ({ request, params }) => {
      if (caller !== "admin") return notAdmin();
      const group = findGroup(params.id);
      if (!group) return scimError(404, `Group ${String(params.id)} not found.`);
      const patch = (await readObject(request)) as PatchRequest | undefined;
      const problem = applyPatch(group as Record<string, unknown>, patch, [
        "displayName",
        "entitlements",
        "members",
      ]);
      if (problem) return scimError(400, problem, "invalidSyntax");
      for (const member of group.members ?? []) linkMember(directory, group, member.value);
      return new HttpResponse(null, { status: 204 });
    }),
  ];
}

/** Keeps a member's own `groups` list in step with the group's `members`, as SCIM reads show both. */
function linkMember(directory: ScimDirectory, group: Group, memberId: string | undefined): void {
  const sp = directory.principals().find((p) => p.id === memberId);
  if (!sp || sp.groups?.some((g) => g.value === group.id)) return;
  sp.groups = [
    ...(sp.groups ?? []),
    { value: group.id ?? "", display: group.displayName ?? "", type: "direct" },
  ];
}

/**
 * RFC 7644 §3.5.2 on one resource: `add` appends to multi-valued attributes (no duplicates by `value`),
 * `replace` sets, `remove` with a `members[value eq "…"]` filter drops one; a value object without a
 * path applies each of its attributes. Returns a problem text, or undefined when applied.
 */
function applyPatch(
  target: Record<string, unknown>,
  patch: PatchRequest | undefined,
  allowed: string[],
): string | undefined {
  if (!patch || !Array.isArray(patch.Operations)) return "PATCH body needs an Operations array.";
  for (const operation of patch.Operations) {
    const op = String(operation.op).toLowerCase();
    const entries: Array<[string, unknown]> =
      operation.path === undefined
        ? Object.entries((operation.value ?? {}) as Record<string, unknown>)
        : [[operation.path, operation.value]];
    for (const [path, value] of entries) {
      const filtered = /^(\w+)\[value eq "([^"]*)"\]$/.exec(path);
      const attr = filtered?.[1] ?? path;
      if (!allowed.includes(attr)) return `Unsupported PATCH path: ${path}`;
      if (op === "remove") {
        const list = (target[attr] as ComplexValue[] | undefined) ?? [];
        target[attr] = filtered ? list.filter((item) => item.value !== filtered[2]) : [];
      } else if (op === "add" && Array.isArray(value)) {
        const list = (target[attr] as ComplexValue[] | undefined) ?? [];
        const fresh = (value as ComplexValue[]).filter(
          (item) => !list.some((old) => old.value === item.value),
        );
        target[attr] = [...list, ...fresh];
      } else if (op === "add" || op === "replace") target[attr] = value;
      else return `Unsupported PATCH op: ${String(operation.op)}`;
    }
  }
  return undefined;
}

async function readObject(request: Request): Promise<Record<string, unknown> | undefined> {
  try {
    const parsed: unknown = JSON.parse(await request.text());
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
