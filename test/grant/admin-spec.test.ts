import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderGenerated } from "../../scripts/generate.js";
import { ADMIN_SPEC_PATH, listOperations, loadSpec, SPEC_PATH } from "../../scripts/lib/spec.js";
import { routes } from "../../src/generated/routes.js";

describe("openapi/databricks-admin.yaml", () => {
  it("is generated into src/generated/admin-schema.ts, checked by the freshness test", async () => {
    const files = await renderGenerated();
    const committed = readFileSync(new URL("../../src/generated/admin-schema.ts", import.meta.url), "utf8");
    expect(files["admin-schema.ts"]).toBe(committed);
    expect(committed).toContain('"/api/2.0/preview/scim/v2/ServicePrincipals/{id}"');
  });

  it("stays out of the gateway whitelist: no admin write is in the curated spec or routes.ts", () => {
    // import-to-apim publishes SPEC_PATH only; the admin file is a different file.
    expect(ADMIN_SPEC_PATH).not.toBe(SPEC_PATH);
    const admin = listOperations(loadSpec(ADMIN_SPEC_PATH).doc);
    const writes = admin.filter((op) => op.method !== "GET");
    expect(writes.map((op) => `${op.method} ${op.path}`)).toEqual([
      "POST /api/2.0/preview/scim/v2/ServicePrincipals",
      "PATCH /api/2.0/preview/scim/v2/ServicePrincipals/{id}",
      "POST /api/2.0/preview/scim/v2/Groups",
      "PATCH /api/2.0/preview/scim/v2/Groups/{id}",
    ]);
    for (const op of writes)
      expect(routes.some((r) => r.method === op.method && r.path === op.path)).toBe(false);
    const curated = listOperations(loadSpec(SPEC_PATH).doc);
    const scim = curated.filter((op) => op.path.startsWith("/api/2.0/preview/scim/"));
    expect(scim.length).toBeGreaterThan(0);
    expect(scim.every((op) => op.method === "GET" && !op.path.endsWith("/{id}"))).toBe(true);
  });
});
