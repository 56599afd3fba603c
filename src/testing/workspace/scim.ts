/**
 * Identities (SCIM 2.0 under `/api/2.0/preview/scim/v2`) and the caller's tokens. Behind APIM the
 * caller is the gateway's managed identity, so `Me` is a service principal's user view (its
 * `userName` is the application id); a service principal is listed under /ServicePrincipals only.
 * Lists page the SCIM way (`startIndex` from 1, `count`) and take `filter`, `attributes`,
 * `excludedAttributes`, `sortBy`, `sortOrder` (scim-filter.ts); a filter the emulator cannot read gets
 * SCIM's own error body (`{ schemas, detail, status, scimType }`), not the `{ error_code, message }` shape.
 */

import type { Group, ServicePrincipal, User } from "../../generated/schema.js";
import { HttpResponse } from "../msw.js";
import type { WorkspaceArea, WorkspaceContext } from "./context.js";
import { intParam } from "./errors.js";
import { parseScimFilter, projectScim, ScimFilterError, sortScim } from "./scim-filter.js";

/** Test controls for identities. */
export interface IdentityControls {
  /** The caller as `Me` returns it. */
  me(): User;
  /** Replaces the caller (e.g. to test an app's "who am I" screen). */
  setMe(user: User): void;
}

const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse" as const;

/** The live SCIM directory, for the admin operations and the grant check outside this area. */
export interface ScimDirectory {
  principals(): ServicePrincipal[];
  groups(): Group[];
}

/** Creates the identity area; `userName()` feeds `creator_user_name` fields elsewhere. */
export function createScim(
  ctx: WorkspaceContext,
): WorkspaceArea<IdentityControls> & { userName(): string; directory: ScimDirectory } {
  let me: User = {};
  let users: User[] = [];
  let groups: Group[] = [];
  let principals: ServicePrincipal[] = [];

  /** SCIM list filtering, order, projection and paging over `items`; a Response for a bad filter. */
  function list<T extends object>(items: T[], query: URLSearchParams) {
    const filter = query.get("filter");
    let matched = items;
    if (filter) {
      try {
        const keep = parseScimFilter(filter);
        matched = items.filter((item) => keep(item as Record<string, unknown>));
      } catch (error) {
        if (!(error instanceof ScimFilterError)) throw error;
        return HttpResponse.json(
          {
            schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
            detail: error.message,
            status: "400",
            scimType: "invalidFilter",
          },
          { status: 400 },
        );
      }
    }
    const sorted = sortScim(matched, query);
    const startIndex = Math.max(1, intParam(query, "startIndex") ?? 1);
    const count = Math.max(0, intParam(query, "count") ?? 10_000);
    const Resources = structuredClone(sorted.slice(startIndex - 1, startIndex - 1 + count)).map((r) =>
      projectScim(r, query),
    );
    return {
      schemas: [LIST_SCHEMA],
      totalResults: matched.length,
      startIndex,
      itemsPerPage: Resources.length,
      Resources,
    };
  }

  /** True when the caller is a service principal (its `userName` is an application id). */
  function meIsPrincipal(): boolean {
    return principals.some((p) => p.id === me.id || p.applicationId === me.userName);
  }

  const { http } = ctx;
  const handlers = [
    http.get("/api/2.0/preview/scim/v2/Me", () => structuredClone(me)),
    // A service principal is listed under /ServicePrincipals only, never under /Users, even as `Me`.
    http.get("/api/2.0/preview/scim/v2/Users", ({ query }) =>
      list(meIsPrincipal() ? users : [me, ...users], query),
    ),
    http.get("/api/2.0/preview/scim/v2/Groups", ({ query }) => list(groups, query)),
    http.get("/api/2.0/preview/scim/v2/ServicePrincipals", ({ query }) => list(principals, query)),
    http.get("/api/2.0/token/list", () => ({ token_infos: [] })),
  ];

  return {
    handlers,
    userName: () => me.userName ?? "",
    directory: { principals: () => principals, groups: () => groups },
    load(seed) {
      me = structuredClone(seed.me);
      principals = structuredClone(seed.servicePrincipals);
      const principalIds = new Set(principals.flatMap((p) => [p.id, p.applicationId]));
      users = structuredClone(seed.users).filter(
        (u) => u.id !== me.id && !principalIds.has(u.id) && !principalIds.has(u.userName),
      );
      groups = structuredClone(seed.groups);
    },
    controls: {
      me: () => structuredClone(me),
      setMe(user) {
        me = structuredClone(user);
      },
    },
  };
}
