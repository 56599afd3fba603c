/**
 * Loopback fakes of the two Azure services the grant reads, answering with the documented shapes:
 * - ARM `GET …/Microsoft.ApiManagement/service/{name}` with `identity` as ApiManagementServiceIdentity
 *   (azure-rest-api-specs, specification/apimanagement/resource-manager/Microsoft.ApiManagement/stable/
 *   2024-05-01/apimanagement.json; example ApiManagementServiceGetMultiRegionInternalVnet.json style:
 *   `type`, `principalId`, `tenantId`, `userAssignedIdentities: { "<resource id>": { principalId, clientId } }`);
 * - Microsoft Graph `GET /v1.0/servicePrincipals/{id}?$select=appId,displayName` answering
 *   `{ "@odata.context": …, "appId": …, "displayName": … }` (learn.microsoft.com/graph/api/serviceprincipal-get).
 * Each checks the bearer token it expects for its own scope and records what it was asked.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AccessToken, TokenCredential } from "@azure/identity";

export const SUBSCRIPTION = "11111111-2222-4333-8444-555555555555";
export const TENANT = "99999999-8888-4777-8666-555555555555";
export const PRINCIPAL_ID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
export const APP_ID = "12345678-90ab-4cde-8f01-23456789abcd";
export const UA_CLIENT_ID = "cccccccc-1111-4222-8333-444444444444";

/** A started loopback server; `requests` lists "METHOD path?query" lines. */
export interface Fake {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

async function serve(
  handle: (path: string, auth: string | undefined) => { status: number; body: unknown },
): Promise<Fake> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const { status, body } = handle(req.url ?? "/", req.headers.authorization);
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const unauthorized = {
  status: 401,
  body: { error: { code: "InvalidAuthenticationToken", message: "The access token is invalid." } },
};

/** Fake ARM holding one APIM service with the given identity (`undefined` = none). */
export function fakeArm(identity: Record<string, unknown> | undefined, token: string): Promise<Fake> {
  const path = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-apim/providers/Microsoft.ApiManagement/service/apim-test`;
  return serve((url, auth) => {
    if (auth !== `Bearer ${token}`) return unauthorized;
    if (url !== `${path}?api-version=2024-05-01`)
      return { status: 404, body: { error: { code: "ResourceNotFound", message: `not found: ${url}` } } };
    return {
      status: 200,
      body: {
        id: path,
        name: "apim-test",
        type: "Microsoft.ApiManagement/service",
        location: "Japan East",
        sku: { name: "Developer", capacity: 1 },
        ...(identity ? { identity } : {}),
        properties: { gatewayUrl: "https://apim-test.azure-api.net", provisioningState: "Succeeded" },
      },
    };
  });
}

/** Fake Graph knowing the service principal of the system-assigned identity. */
export function fakeGraph(token: string): Promise<Fake> {
  return serve((url, auth) => {
    if (auth !== `Bearer ${token}`) return unauthorized;
    const u = new URL(url, "http://x");
    if (u.pathname !== `/v1.0/servicePrincipals/${PRINCIPAL_ID}`)
      return {
        status: 404,
        body: {
          error: { code: "Request_ResourceNotFound", message: `Resource '${u.pathname}' does not exist.` },
        },
      };
    return {
      status: 200,
      body: {
        "@odata.context":
          "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals(appId,displayName)/$entity",
        appId: APP_ID,
        displayName: "apim-test",
      },
    };
  });
}

/** The system-assigned identity as ARM lists it. */
export const SYSTEM_ASSIGNED = { type: "SystemAssigned", principalId: PRINCIPAL_ID, tenantId: TENANT };
/** A user-assigned identity as ARM lists it. */
export const USER_ASSIGNED = {
  type: "UserAssigned",
  userAssignedIdentities: {
    [`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-apim/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-apim`]:
      { principalId: "dddddddd-1111-4222-8333-444444444444", clientId: UA_CLIENT_ID },
  },
};

/** A credential giving one token per scope: `tokens[scope origin or resource]`. Records the scopes. */
export function scopedCredential(tokens: Record<string, string>): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    async getToken(scope: string | string[]): Promise<AccessToken> {
      const s = [scope].flat()[0] ?? "";
      scopes.push(s);
      const key = s.replace(/\/\.default$/, "");
      const token = tokens[key];
      if (!token) throw new Error(`no token for ${s}`);
      return { token, expiresOnTimestamp: Date.now() + 3600e3 };
    },
  };
}
