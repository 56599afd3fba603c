import { describe, expect, it } from "vitest";
import { collect, NotFound, pages, unwrap } from "../../src/index.js";
import { useDatabricksMock } from "./setup.js";

const { mock, client } = useDatabricksMock({
  seed: {
    catalogs: [
      { name: "main", schemas: [{ name: "default", tables: [{ name: "events" }] }, { name: "finance" }] },
      { name: "sandbox" },
    ],
  },
});

describe("Unity Catalog", () => {
  it("lists catalogs, schemas and tables, and pages once max_results opts in", async () => {
    expect((await collect(client, "/api/2.1/unity-catalog/catalogs")).map((c) => c.name)).toEqual([
      "main",
      "sandbox",
    ]);
    for (let i = 0; i < 60; i += 1) mock.workspace.catalog.addTable(`main.finance.t${i}`, {});
    const sizes: number[] = [];
    for await (const page of pages(client, "/api/2.1/unity-catalog/tables", {
      params: { query: { catalog_name: "main", schema_name: "finance" } },
    })) {
      sizes.push(page.tables?.length ?? 0);
    }
    // paginate() sends max_results=0, so the server picks the page size (50 here).
    expect(sizes).toEqual([50, 10]);
    const schemas = await collect(client, "/api/2.1/unity-catalog/schemas", {
      params: { query: { catalog_name: "main" } },
    });
    expect(schemas.map((s) => s.full_name)).toEqual(["main.default", "main.finance"]);
  });

  it("gets objects by full name and answers missing ones with the catalog service's codes", async () => {
    const table = await unwrap(
      client.GET("/api/2.1/unity-catalog/tables/{full_name}", {
        params: { path: { full_name: "main.default.events" } },
      }),
    );
    expect(table).toMatchObject({
      catalog_name: "main",
      schema_name: "default",
      name: "events",
      table_type: "MANAGED",
    });
    const missing = await client.GET("/api/2.1/unity-catalog/catalogs/{name}", {
      params: { path: { name: "nope" } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toEqual({
      error_code: "CATALOG_DOES_NOT_EXIST",
      message: "Catalog 'nope' does not exist.",
    });
    await expect(
      unwrap(
        client.GET("/api/2.1/unity-catalog/schemas/{full_name}", {
          params: { path: { full_name: "main.x" } },
        }),
      ),
    ).rejects.toBeInstanceOf(NotFound);
  });
});

describe("identity", () => {
  it("answers SCIM Me with the gateway's managed identity, replaceable from the test", async () => {
    expect((await unwrap(client.GET("/api/2.0/preview/scim/v2/Me"))).displayName).toBe(
      "apim-managed-identity",
    );
    mock.workspace.identity.setMe({ userName: "ada@example.com", displayName: "Ada" });
    expect(await unwrap(client.GET("/api/2.0/preview/scim/v2/Me"))).toEqual({
      userName: "ada@example.com",
      displayName: "Ada",
    });
  });

  it("pages SCIM lists by startIndex and filters simply", async () => {
    mock.workspace.identity.setMe({ id: "1", userName: "grace@example.com", displayName: "Grace" });
    const users = await collect(client, "/api/2.0/preview/scim/v2/Users", {
      params: { query: { count: 1 } },
    });
    expect(users.map((u) => u.userName)).toEqual(["grace@example.com", "ada@example.com"]);
    const ada = await collect(client, "/api/2.0/preview/scim/v2/Users", {
      params: { query: { filter: 'userName eq "ada@example.com"' } },
    });
    expect(ada).toHaveLength(1);
  });

  it("answers a filter it does not understand with SCIM's own error body", async () => {
    const { error, response } = await client.GET("/api/2.0/preview/scim/v2/Groups", {
      params: { query: { filter: "displayName pr and" } },
    });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ status: "400", scimType: "invalidFilter" });
    await expect(
      unwrap(
        client.GET("/api/2.0/preview/scim/v2/Groups", {
          params: { query: { filter: "displayName pr and" } },
        }),
      ),
    ).rejects.toMatchObject({ errorCode: "SCIM_400" });
  });
});
