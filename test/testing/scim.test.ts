/**
 * SCIM list queries as Databricks documents them. Filter: the workspace SCIM reference
 * (databricks-sdk-go service/iam/model.go `ListUsersRequest.Filter`: "Supported operators are
 * equals(`eq`), contains(`co`), starts with(`sw`) and not equals(`ne`) … logical operators - `and`
 * and `or`") and the grammar it points to, RFC 7644 §3.4.2.2 (ew, pr, gt/ge/lt/le, not, parentheses).
 * `attributes` / `excludedAttributes` ("Comma-separated list of attributes to return / to exclude"),
 * `sortBy` / `sortOrder` (`ascending` | `descending`) from the same request models.
 */
import { describe, expect, it } from "vitest";
import { collect } from "../../src/index.js";
import { useDatabricksMock } from "./setup.js";

const user = (id: string, userName: string, displayName: string, extra: object = {}) => ({
  id,
  userName,
  displayName,
  active: true,
  emails: [{ value: userName, primary: true, type: "work" }],
  ...extra,
});

const { mock, client } = useDatabricksMock({
  seed: {
    users: [
      user("11", "ada@example.com", "Ada Lovelace"),
      user("12", "grace@navy.mil", "Grace Hopper", { active: false }),
      user("13", "alan@example.org", "Alan Turing"),
    ],
  },
});

const USERS = "/api/2.0/preview/scim/v2/Users";
const names = async (query: Record<string, string>) =>
  (await collect(client, USERS, { params: { query } })).map((u) => u.userName);

describe("SCIM filters", () => {
  it.each([
    ['userName eq "ADA@example.com"', ["ada@example.com"]],
    ['userName ne "ada@example.com"', ["grace@navy.mil", "alan@example.org"]],
    ['displayName co "o"', ["ada@example.com", "grace@navy.mil"]],
    ['userName sw "a"', ["ada@example.com", "alan@example.org"]],
    ['userName ew ".org"', ["alan@example.org"]],
    ["active eq false", ["grace@navy.mil"]],
    ['emails.value ew "example.com"', ["ada@example.com"]],
    ['displayName gt "B"', ["grace@navy.mil"]],
    ['displayName le "Alan Turing"', ["ada@example.com", "alan@example.org"]],
    ['displayName lt "Alan" or displayName ge "G"', ["ada@example.com", "grace@navy.mil"]],
    ['userName sw "a" and not (userName ew ".org")', ["ada@example.com"]],
    ['(userName sw "g" or userName sw "alan") and active eq true', ["alan@example.org"]],
    ["name pr", []],
    ["displayName pr", ["ada@example.com", "grace@navy.mil", "alan@example.org"]],
  ])("%s", async (filter, expected) => {
    expect(await names({ filter })).toEqual(expected);
  });

  it.each(['userName xx "a"', 'userName eq "a" and', '(userName eq "a"', 'emails[type eq "work"]'])(
    "answers %s with SCIM's invalidFilter body",
    async (filter) => {
      const { response, error } = await client.GET(USERS, { params: { query: { filter } } });
      expect(response.status).toBe(400);
      expect(error).toMatchObject({ status: "400", scimType: "invalidFilter" });
    },
  );
});

describe("SCIM projection and order", () => {
  it("returns only attributes (id and schemas always), or all but excludedAttributes", async () => {
    const [first] = await collect(client, USERS, {
      params: { query: { attributes: "userName,emails.value" } },
    });
    expect(Object.keys(first ?? {}).sort()).toEqual(["emails", "id", "userName"]);
    const [trimmed] = await collect(client, USERS, {
      params: { query: { excludedAttributes: "emails,active" } },
    });
    expect(Object.keys(trimmed ?? {}).sort()).toEqual(["displayName", "id", "userName"]);
  });

  it("sorts by sortBy, ascending unless sortOrder is descending", async () => {
    expect(await names({ sortBy: "displayName" })).toEqual([
      "ada@example.com",
      "alan@example.org",
      "grace@navy.mil",
    ]);
    expect(await names({ sortBy: "userName", sortOrder: "descending" })).toEqual([
      "grace@navy.mil",
      "alan@example.org",
      "ada@example.com",
    ]);
  });
});

describe("service principals", () => {
  // A service principal is its own SCIM resource type (`/ServicePrincipals`, `applicationId`); the
  // gateway's managed identity answers `Me` but is never listed as a user.
  it("lists the gateway identity under /ServicePrincipals only, never under /Users", async () => {
    const me = mock.workspace.identity.me();
    expect(await names({})).not.toContain(me.userName);
    const principals = await collect(client, "/api/2.0/preview/scim/v2/ServicePrincipals", {
      params: { query: { filter: `applicationId eq "${me.userName}"` } },
    });
    expect(principals.map((p) => p.id)).toEqual([me.id]);
  });
});
