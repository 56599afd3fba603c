/**
 * The workspace side of the grant, through this package's own client in direct mode (the operator's
 * Entra token for Azure Databricks), typed by openapi/databricks-admin.yaml. Shapes: Databricks SCIM
 * reference (docs.databricks.com/api/azure/workspace/serviceprincipals and /groups); filters
 * `applicationId eq "…"` / `displayName eq "…"`; PATCH bodies are RFC 7644 PatchOps.
 */
import type { Client } from "openapi-fetch";
import type { components, paths } from "../../src/generated/admin-schema.js";
import { createDatabricksClient, type FetchLike, type TokenCredential } from "../../src/index.js";

export type ServicePrincipal = components["schemas"]["ServicePrincipal"];
export type Group = components["schemas"]["Group"];
export type AdminClient = Client<paths, "application/json">;

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/** A workspace call that failed; `admin` says the operator lacks workspace-admin rights. */
export class WorkspaceCallError extends Error {
  override readonly name = "WorkspaceCallError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The package's client pointed at the workspace, typed for the admin operations. */
export function createAdminClient(
  workspaceUrl: string,
  credential: TokenCredential,
  fetch?: FetchLike,
): AdminClient {
  // The client is generic over the spec it calls; the admin spec's paths are not the gateway's.
  return createDatabricksClient({
    workspaceUrl,
    credential,
    userAgent: "grant-workspace-access",
    ...(fetch ? { fetch } : {}),
  }) as unknown as AdminClient;
}

/** What the workspace holds for the grant. */
export interface WorkspaceState {
  servicePrincipal: ServicePrincipal | undefined;
  group: Group | undefined;
}

/** Reads the service principal with `appId` and the group named `group` (with its members). */
export async function readWorkspaceState(
  client: AdminClient,
  appId: string,
  group: string,
): Promise<WorkspaceState> {
  const sps = await call(
    "find the service principal",
    client.GET("/api/2.0/preview/scim/v2/ServicePrincipals", {
      params: { query: { filter: `applicationId eq "${appId}"` } },
    }),
  );
  const servicePrincipal = sps?.Resources?.find(
    (sp) => sp.applicationId?.toLowerCase() === appId.toLowerCase(),
  );
  const groups = await call(
    "find the group",
    client.GET("/api/2.0/preview/scim/v2/Groups", {
      params: { query: { filter: `displayName eq "${group}"` } },
    }),
  );
  // SCIM compares displayName case-insensitively; so does this, so a re-run never creates a twin.
  const found = groups?.Resources?.find((g) => g.displayName?.toLowerCase() === group.toLowerCase());
  // A list may leave out members; the group itself has them.
  const full = found?.id
    ? await call(
        "read the group",
        client.GET("/api/2.0/preview/scim/v2/Groups/{id}", { params: { path: { id: found.id } } }),
      )
    : undefined;
  return { servicePrincipal, group: full ?? found };
}

export async function createServicePrincipal(client: AdminClient, appId: string, displayName: string) {
  return call(
    "create the service principal",
    client.POST("/api/2.0/preview/scim/v2/ServicePrincipals", {
      body: {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal"],
        applicationId: appId,
        displayName,
        active: true,
      },
    }),
  );
}

export async function activateServicePrincipal(client: AdminClient, id: string): Promise<void> {
  await call(
    "activate the service principal",
    client.PATCH("/api/2.0/preview/scim/v2/ServicePrincipals/{id}", {
      params: { path: { id } },
      body: { schemas: [PATCH_OP], Operations: [{ op: "replace", path: "active", value: true }] },
    }),
  );
}

export async function createGroup(client: AdminClient, displayName: string, entitlements: string[]) {
  return call(
    "create the group",
    client.POST("/api/2.0/preview/scim/v2/Groups", {
      body: {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        displayName,
        entitlements: entitlements.map((value) => ({ value })),
      },
    }),
  );
}

/** Adds entitlements and/or a member to a group in one PATCH. */
export async function addToGroup(
  client: AdminClient,
  id: string,
  add: { entitlements?: string[]; member?: string },
): Promise<void> {
  const Operations: components["schemas"]["PatchOperation"][] = [];
  if (add.entitlements?.length)
    Operations.push({ op: "add", path: "entitlements", value: add.entitlements.map((value) => ({ value })) });
  if (add.member) Operations.push({ op: "add", path: "members", value: [{ value: add.member }] });
  await call(
    "update the group",
    client.PATCH("/api/2.0/preview/scim/v2/Groups/{id}", {
      params: { path: { id } },
      body: { schemas: [PATCH_OP], Operations },
    }),
  );
}

/** Awaits an openapi-fetch call; a non-2xx becomes a WorkspaceCallError naming what failed. */
async function call<T>(
  what: string,
  pending: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T | undefined> {
  const { data, error, response } = await pending;
  if (response.ok) return data;
  const body = (error ?? {}) as { detail?: unknown; message?: unknown; error_code?: unknown };
  const reason = [body.error_code, body.detail ?? body.message]
    .filter((part) => typeof part === "string")
    .join(": ");
  const admin =
    response.status === 403
      ? "\n  You must be a workspace admin to add service principals and groups: ask a workspace admin to run " +
        "this script, or to add you to the workspace's admins group."
      : "";
  throw new WorkspaceCallError(
    `failed to ${what}: ${response.status} ${reason || response.statusText}${admin}`,
    response.status,
  );
}
