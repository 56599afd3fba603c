/**
 * Identities (SCIM 2.0 under `/api/2.0/preview/scim/v2`) and the caller's tokens. Behind APIM the
 * caller is the gateway's managed identity, so `Me` is a service principal's user view (its
 * `userName` is the application id). Lists page the SCIM way (`startIndex` from 1, `count`) and accept
 * simple `attr eq|co|sw "value"` filters; anything else gets SCIM's own error body
 * (`{ schemas, detail, status, scimType }`), not the `{ error_code, message }` shape.
 */

import type { Group, ServicePrincipal, User } from "../../generated/schema.js";
import { HttpResponse } from "../msw.js";
import type { WorkspaceArea, WorkspaceContext } from "./context.js";
import { intParam } from "./errors.js";

/** Test controls for identities. */
export interface IdentityControls {
  /** The caller as `Me` returns it. */
  me(): User;
  /** Replaces the caller (e.g. to test an app's "who am I" screen). */
  setMe(user: User): void;
}

const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse" as const;

/** Creates the identity area; `userName()` feeds `creator_user_name` fields elsewhere. */
export function createScim(ctx: WorkspaceContext): WorkspaceArea<IdentityControls> & { userName(): string } {
  let me: User = {};
  let users: User[] = [];
  let groups: Group[] = [];
  let principals: ServicePrincipal[] = [];

  /** SCIM list paging and filtering over `items`; a Response when the filter is not understood. */
  function list<T extends object>(items: T[], query: URLSearchParams) {
    const filter = query.get("filter");
    let matched = items;
    if (filter) {
      const m = /^(\w+)\s+(eq|co|sw)\s+"([^"]*)"$/i.exec(filter.trim());
      if (!m) {
        return HttpResponse.json(
          {
            schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
            detail: `Unsupported filter: ${filter}`,
            status: "400",
            scimType: "invalidFilter",
          },
          { status: 400 },
        );
      }
      const [, attr = "", op = "", value = ""] = m;
      matched = items.filter((item) => {
        const field = String((item as Record<string, unknown>)[attr] ?? "").toLowerCase();
        const v = value.toLowerCase();
        return op.toLowerCase() === "eq"
          ? field === v
          : op.toLowerCase() === "co"
            ? field.includes(v)
            : field.startsWith(v);
      });
    }
    const startIndex = Math.max(1, intParam(query, "startIndex") ?? 1);
    const count = Math.max(0, intParam(query, "count") ?? 10_000);
    const Resources = structuredClone(matched.slice(startIndex - 1, startIndex - 1 + count));
    return {
      schemas: [LIST_SCHEMA],
      totalResults: matched.length,
      startIndex,
      itemsPerPage: Resources.length,
      Resources,
    };
  }

  const { http } = ctx;
  const handlers = [
    http.get("/api/2.0/preview/scim/v2/Me", () => structuredClone(me)),
    http.get("/api/2.0/preview/scim/v2/Users", ({ query }) => list([me, ...users], query)),
    http.get("/api/2.0/preview/scim/v2/Groups", ({ query }) => list(groups, query)),
    http.get("/api/2.0/preview/scim/v2/ServicePrincipals", ({ query }) => list(principals, query)),
    http.get("/api/2.0/token/list", () => ({ token_infos: [] })),
  ];

  return {
    handlers,
    userName: () => me.userName ?? "",
    load(seed) {
      me = structuredClone(seed.me);
      users = structuredClone(seed.users).filter((u) => u.id !== me.id);
      groups = structuredClone(seed.groups);
      principals = structuredClone(seed.servicePrincipals);
    },
    controls: {
      me: () => structuredClone(me),
      setMe(user) {
        me = structuredClone(user);
      },
    },
  };
}
