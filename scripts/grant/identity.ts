/**
 * Who APIM's managed identity is, in the terms the workspace needs: its application (client) id.
 *
 * - ARM: `GET …/providers/Microsoft.ApiManagement/service/{name}` carries `identity`
 *   (`ApiManagementServiceIdentity` in azure-rest-api-specs apimanagement 2024-05-01): `type`
 *   (SystemAssigned, UserAssigned, "SystemAssigned, UserAssigned", None), `principalId` and `tenantId`
 *   of the system-assigned one, and `userAssignedIdentities` keyed by resource id with each one's
 *   `principalId` and `clientId`.
 * - A user-assigned identity's application id is its `clientId`. A system-assigned one lists only its
 *   object id, so Microsoft Graph is asked: `GET /v1.0/servicePrincipals/{id}?$select=appId,displayName`
 *   (learn.microsoft.com/graph/api/serviceprincipal-get).
 *
 * Both calls send the operator's bearer token to a fixed origin only; redirects are not followed.
 */
import type { TokenCredential } from "@azure/identity";
import { redactAll } from "../../src/redact.js";

/** ARM api-version for the service read (as import-to-apim uses). */
const API_VERSION = "2024-05-01";

/** The identity to grant. */
export interface GatewayIdentity {
  kind: "system-assigned" | "user-assigned";
  /** Application (client) id: what the workspace calls `applicationId`. */
  appId: string;
  /** Entra object id of its service principal. */
  principalId: string | undefined;
  /** A name for the workspace's service principal. */
  displayName: string;
}

/** A failed Azure call (ARM or Graph); the message never holds the token. */
export class AzureCallError extends Error {
  override readonly name = "AzureCallError";
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

/** Endpoints, credential and fetch for the two reads. */
export interface IdentityLookup {
  arm: { origin: string; scope: string };
  graph: { origin: string; scope: string };
  credential: TokenCredential;
  fetch: typeof fetch;
}

interface ServiceIdentity {
  type?: string;
  principalId?: string;
  tenantId?: string;
  userAssignedIdentities?: Record<string, { principalId?: string; clientId?: string }>;
}

/** Reads the APIM service's identity over ARM and resolves its application id. */
export async function readGatewayIdentity(
  lookup: IdentityLookup,
  target: {
    subscriptionId: string;
    resourceGroup: string;
    serviceName: string;
    clientId: string | undefined;
  },
): Promise<GatewayIdentity> {
  const path =
    `/subscriptions/${encodeURIComponent(target.subscriptionId)}/resourceGroups/${encodeURIComponent(target.resourceGroup)}` +
    `/providers/Microsoft.ApiManagement/service/${encodeURIComponent(target.serviceName)}`;
  const service = (await getJson(
    lookup,
    "arm",
    `${path}?api-version=${API_VERSION}`,
    "read the APIM service",
  )) as {
    identity?: ServiceIdentity;
  };
  const identity = service.identity ?? {};
  const types = (identity.type ?? "None").split(",").map((t) => t.trim().toLowerCase());
  if (target.clientId) {
    const assigned = Object.entries(identity.userAssignedIdentities ?? {}).find(
      ([, value]) => value.clientId?.toLowerCase() === target.clientId,
    );
    if (!assigned) {
      const listed = Object.values(identity.userAssignedIdentities ?? {})
        .map((value) => value.clientId)
        .filter(Boolean);
      throw new AzureCallError(
        `APIM service ${target.serviceName} has no user-assigned identity with client id ${target.clientId}` +
          (listed.length ? ` (it has ${listed.join(", ")})` : " (it has none)"),
        undefined,
      );
    }
    const [resourceId, value] = assigned;
    return {
      kind: "user-assigned",
      appId: target.clientId,
      principalId: value.principalId,
      displayName: resourceId.split("/").pop() || target.serviceName,
    };
  }
  if (!types.includes("systemassigned") || !identity.principalId)
    throw new AzureCallError(
      `APIM service ${target.serviceName} has no system-assigned managed identity (identity type: ${identity.type ?? "None"}); ` +
        "turn it on (portal → Security → Managed identities) or pass --managed-identity-client-id for a user-assigned one",
      undefined,
    );
  const sp = (await getJson(
    lookup,
    "graph",
    `/v1.0/servicePrincipals/${encodeURIComponent(identity.principalId)}?$select=appId,displayName`,
    "read the identity's service principal from Microsoft Graph",
  )) as { appId?: string; displayName?: string };
  if (!sp.appId)
    throw new AzureCallError(
      `Microsoft Graph returned no appId for service principal ${identity.principalId}`,
      200,
    );
  return {
    kind: "system-assigned",
    appId: sp.appId.toLowerCase(),
    principalId: identity.principalId,
    displayName: sp.displayName || target.serviceName,
  };
}

/** One authenticated GET to `which`'s origin; 429/5xx retried twice. */
async function getJson(
  lookup: IdentityLookup,
  which: "arm" | "graph",
  path: string,
  what: string,
): Promise<unknown> {
  const endpoint = lookup[which];
  const token = await lookup.credential.getToken(endpoint.scope);
  if (!token)
    throw new AzureCallError(`${what}: the credential returned no token for ${endpoint.scope}`, undefined);
  const redact = (text: string) => redactAll(text, [token.token]);
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await lookup.fetch(`${endpoint.origin}${path}`, {
        headers: { Authorization: `Bearer ${token.token}`, Accept: "application/json" },
        redirect: "manual",
      });
    } catch (error) {
      throw new AzureCallError(
        `${what}: ${endpoint.origin} could not be reached: ${redact(String((error as Error).message))}`,
        undefined,
      );
    }
    const text = await response.text();
    if (response.ok) return JSON.parse(text) as unknown;
    if ((response.status === 429 || response.status >= 500) && attempt < 2) {
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
      continue;
    }
    let reason = text.slice(0, 300);
    try {
      const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
      if (body.error) reason = `${body.error.code ?? ""} ${body.error.message ?? ""}`.trim();
    } catch {
      // Not JSON: keep the start of the text.
    }
    throw new AzureCallError(redact(`${what}: ${response.status} ${reason}`), response.status);
  }
}

/** Microsoft Graph origins per cloud (learn.microsoft.com/graph/deployments). */
export const GRAPH_ENDPOINTS = {
  AzureCloud: "https://graph.microsoft.com",
  AzureUSGovernment: "https://graph.microsoft.us",
  AzureChinaCloud: "https://microsoftgraph.chinacloudapi.cn",
} as const;
