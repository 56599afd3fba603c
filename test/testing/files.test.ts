import { describe, expect, it } from "vitest";
import { BadRequest, collect, NotFound, ResourceAlreadyExists, unwrap } from "../../src/index.js";
import { useDatabricksMock } from "./setup.js";

const { mock, client } = useDatabricksMock({
  seed: {
    workspaceObjects: [
      { path: "/Shared/etl/ingest", object_type: "NOTEBOOK", language: "PYTHON", content: "x = 1\n" },
    ],
    secretScopes: [{ name: "app", secrets: { "db-password": "hunter2" } }],
  },
});

const b64 = (text: string) => Buffer.from(text).toString("base64");
const text = (base64: string | undefined) => Buffer.from(base64 ?? "", "base64").toString("utf8");

describe("workspace objects", () => {
  it("lists, exports and imports notebooks", async () => {
    const listed = await collect(client, "/api/2.0/workspace/list", {
      params: { query: { path: "/Shared/etl" } },
    });
    expect(listed).toMatchObject([
      { path: "/Shared/etl/ingest", object_type: "NOTEBOOK", language: "PYTHON" },
    ]);
    const exported = await unwrap(
      client.GET("/api/2.0/workspace/export", { params: { query: { path: "/Shared/etl/ingest" } } }),
    );
    expect(text(exported.content)).toBe("x = 1\n");
    expect(exported.file_type).toBe("py");

    const body = {
      path: "/Shared/etl/report",
      content: b64("SELECT 1"),
      language: "SQL" as const,
      format: "SOURCE" as const,
    };
    await unwrap(client.POST("/api/2.0/workspace/import", { body }));
    expect(mock.workspace.files.get("/Shared/etl/report")).toMatchObject({
      info: { object_type: "NOTEBOOK", language: "SQL" },
      content: "SELECT 1",
    });
    await expect(unwrap(client.POST("/api/2.0/workspace/import", { body }))).rejects.toBeInstanceOf(
      ResourceAlreadyExists,
    );
    await unwrap(client.POST("/api/2.0/workspace/import", { body: { ...body, overwrite: true } }));
  });

  it("answers missing paths, missing parents and non-empty folders like the workspace service", async () => {
    const { error, response } = await client.GET("/api/2.0/workspace/get-status", {
      params: { query: { path: "/nope" } },
    });
    expect(response.status).toBe(404);
    expect(error).toEqual({ error_code: "RESOURCE_DOES_NOT_EXIST", message: "Path (/nope) doesn't exist." });
    await expect(
      unwrap(client.POST("/api/2.0/workspace/import", { body: { path: "/a/b/c", content: b64("x") } })),
    ).rejects.toBeInstanceOf(NotFound);
    const full = await client.POST("/api/2.0/workspace/delete", { body: { path: "/Shared/etl" } });
    expect(full.error).toMatchObject({ error_code: "DIRECTORY_NOT_EMPTY" });
    await unwrap(
      client.POST("/api/2.0/workspace/delete", { body: { path: "/Shared/etl", recursive: true } }),
    );
    expect(mock.workspace.files.paths()).not.toContain("/Shared/etl/ingest");
  });

  it("creates folders with their parents", async () => {
    await unwrap(client.POST("/api/2.0/workspace/mkdirs", { body: { path: "/Users/ada/project/src" } }));
    const status = await unwrap(
      client.GET("/api/2.0/workspace/get-status", { params: { query: { path: "/Users/ada/project" } } }),
    );
    expect(status.object_type).toBe("DIRECTORY");
  });
});

describe("DBFS", () => {
  it("puts, lists and reads files by offset and length", async () => {
    await unwrap(
      client.POST("/api/2.0/dbfs/put", {
        body: { path: "/tmp/data/a.csv", contents: b64("id,name\n1,ada\n") },
      }),
    );
    const files = await collect(client, "/api/2.0/dbfs/list", { params: { query: { path: "/tmp/data" } } });
    expect(files).toEqual([
      { path: "/tmp/data/a.csv", is_dir: false, file_size: 14, modification_time: mock.clock.now() },
    ]);
    const read = await unwrap(
      client.GET("/api/2.0/dbfs/read", {
        params: { query: { path: "/tmp/data/a.csv", offset: 8, length: 6 } },
      }),
    );
    expect(read).toEqual({ bytes_read: 6, data: b64("1,ada\n") });
    await expect(
      unwrap(client.POST("/api/2.0/dbfs/put", { body: { path: "/tmp/data/a.csv", contents: b64("x") } })),
    ).rejects.toBeInstanceOf(ResourceAlreadyExists);
  });

  it("streams large files through create, add-block and close", async () => {
    const { handle } = await unwrap(
      client.POST("/api/2.0/dbfs/create", { body: { path: "/FileStore/big.txt" } }),
    );
    for (const part of ["hello ", "blocks"]) {
      await unwrap(
        client.POST("/api/2.0/dbfs/add-block", { body: { handle: handle ?? 0, data: b64(part) } }),
      );
    }
    await unwrap(client.POST("/api/2.0/dbfs/close", { body: { handle: handle ?? 0 } }));
    expect(mock.workspace.dbfs.read("/FileStore/big.txt")).toBe("hello blocks");
    await expect(
      unwrap(client.POST("/api/2.0/dbfs/close", { body: { handle: handle ?? 0 } })),
    ).rejects.toBeInstanceOf(BadRequest);
  });

  it("refuses reads over 1 MB and says what is missing", async () => {
    mock.workspace.dbfs.write("/tmp/x", "x");
    const big = await client.GET("/api/2.0/dbfs/read", {
      params: { query: { path: "/tmp/x", length: 2_000_000 } },
    });
    expect(big.error).toMatchObject({ error_code: "MAX_READ_SIZE_EXCEEDED" });
    const missing = await client.GET("/api/2.0/dbfs/get-status", { params: { query: { path: "/nope" } } });
    expect(missing.error).toEqual({
      error_code: "RESOURCE_DOES_NOT_EXIST",
      message: "No file or directory exists on path /nope.",
    });
  });
});

describe("secrets", () => {
  it("stores secrets write-only and lists only their keys", async () => {
    await unwrap(client.POST("/api/2.0/secrets/scopes/create", { body: { scope: "etl" } }));
    await unwrap(
      client.POST("/api/2.0/secrets/put", { body: { scope: "etl", key: "token", string_value: "s3cr3t" } }),
    );
    const secrets = await collect(client, "/api/2.0/secrets/list", { params: { query: { scope: "etl" } } });
    expect(secrets).toEqual([{ key: "token", last_updated_timestamp: mock.clock.now() }]);
    expect(JSON.stringify(secrets)).not.toContain("s3cr3t");
    expect(mock.workspace.secrets.value("etl", "token")).toBe("s3cr3t");
    expect(mock.workspace.secrets.value("app", "db-password")).toBe("hunter2");
    const acls = await collect(client, "/api/2.0/secrets/acls/list", { params: { query: { scope: "etl" } } });
    expect(acls).toEqual([{ principal: mock.workspace.identity.me().userName, permission: "MANAGE" }]);
  });

  it("answers duplicate and missing scopes like the secrets service", async () => {
    const duplicate = await client.POST("/api/2.0/secrets/scopes/create", { body: { scope: "app" } });
    expect(duplicate.error).toEqual({
      error_code: "RESOURCE_ALREADY_EXISTS",
      message: "Scope app already exists!",
    });
    const missing = await client.GET("/api/2.0/secrets/list", { params: { query: { scope: "nope" } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toEqual({
      error_code: "RESOURCE_DOES_NOT_EXIST",
      message: "Scope nope does not exist!",
    });
    const both = await client.POST("/api/2.0/secrets/put", {
      body: { scope: "app", key: "k", string_value: "a", bytes_value: "Yg==" },
    });
    expect(both.error).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE" });
  });
});
