/**
 * The emulator answering as the workspace itself: the same API without the gateway's suffix, for
 * callers that send `Authorization: Bearer <token>` (an operator's Entra token in real life), so scripts
 * such as the grant can talk to it with `--workspace-url http://127.0.0.1:PORT`.
 *
 * A direct call is re-addressed onto the workspace's base URL and answered by the admin handlers and the
 * workspace handlers, skipping the gateway (no key, no whitelist). Without a bearer token the request
 * falls through to the gateway, which answers 404 as APIM does for any path outside the API.
 * With `adminToken` set, only that token is a workspace admin; any other token is a plain workspace
 * user, whose admin writes get 403.
 */
import type { HttpHandler } from "msw";
import { createAdminHandlers, type DirectCaller } from "./admin.js";
import { getResponse, http } from "./msw.js";
import { databricksError } from "./responses.js";
import type { ScimDirectory } from "./workspace/scim.js";

/** How the direct workspace is wired to the rest of the mock. */
export interface DirectOptions {
  apimUrl: string;
  apiSuffix: string;
  /** Where the workspace handlers answer (`apimUrl/apiSuffix`). */
  baseUrl: string;
  /** The one token that is a workspace admin; any non-empty token when undefined. */
  adminToken: string | undefined;
  directory: ScimDirectory;
  nextId: () => string;
  /** The workspace handlers (read at call time, after the mock is built). */
  workspaceHandlers: () => readonly HttpHandler[];
}

/** The msw handler for direct calls; place it before the gateway's. */
export function createDirectWorkspace(options: DirectOptions): HttpHandler {
  const prefix = `/${options.apiSuffix}`;
  return http.all(`${options.apimUrl}/*`, async ({ request }) => {
    const url = new URL(request.url);
    if (url.pathname === prefix || url.pathname.startsWith(`${prefix}/`)) return undefined;
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.get("authorization") ?? "");
    if (!match) return undefined;
    const token = match[1] ?? "";
    const caller: DirectCaller =
      options.adminToken === undefined || token === options.adminToken ? "admin" : "user";
    const method = request.method.toUpperCase();
    const body = method === "GET" || method === "HEAD" ? null : await request.arrayBuffer();
    const target = new Request(`${options.baseUrl}${url.pathname}${url.search}`, {
      method,
      headers: request.headers,
      body,
    });
    const handlers = [
      ...createAdminHandlers(options.baseUrl, options.directory, caller, options.nextId),
      ...options.workspaceHandlers(),
    ];
    return (
      (await getResponse(handlers, target)) ??
      databricksError(404, "ENDPOINT_NOT_FOUND", `No API found for '${method} ${url.pathname}'`)
    );
  });
}
