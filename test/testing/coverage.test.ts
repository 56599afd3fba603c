/**
 * Structural guarantees of the kit: every operation of the spec reaches an emulator handler (none
 * falls through to the "not emulated" 501), the typed handler factory rejects what the spec does not
 * allow, and msw stays out of everything that ships outside `src/testing/`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routes } from "../../src/generated/routes.js";
import {
  createDatabricksHttp,
  createDatabricksMock,
  TEST_SUBSCRIPTION_KEY,
} from "../../src/testing/index.js";

const mock = createDatabricksMock({ timing: { pollsPerStep: 0 } });
const server = setupServer(...mock.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

describe("spec coverage", () => {
  it("emulates every operation of the spec", async () => {
    expect(routes.length).toBeGreaterThan(80);
    const unhandled: string[] = [];
    for (const { method, path } of routes) {
      const url = `${mock.baseUrl}${path.replace(/\{[^}]+\}/g, "x")}`;
      const response = await fetch(url, {
        method,
        headers: { "Ocp-Apim-Subscription-Key": TEST_SUBSCRIPTION_KEY, "Content-Type": "application/json" },
        ...(method === "POST" ? { body: "{}" } : {}),
      });
      const body = (await response.json()) as Record<string, unknown>;
      // Refusals of the empty request (400/404 from the workspace) are fine; the gateway's 404 and 501 are not.
      if (response.status === 501 || "statusCode" in body)
        unhandled.push(`${method} ${path} → ${response.status}`);
    }
    expect(unhandled).toEqual([]);
  });

  it("answers spec operations without an emulator handler with 501 NOT_IMPLEMENTED", async () => {
    // Build a mock, then drop one workspace handler to see the fallback.
    const partial = createDatabricksMock({ apimUrl: "https://partial.databricks-apim.test" });
    const handlers = partial.handlers.filter((h) => !h.info.header.includes("/api/2.0/token/list"));
    server.use(...handlers);
    const response = await fetch(`${partial.baseUrl}/api/2.0/token/list`, {
      headers: { "Ocp-Apim-Subscription-Key": TEST_SUBSCRIPTION_KEY },
    });
    expect(response.status).toBe(501);
    expect(await response.json()).toMatchObject({ error_code: "NOT_IMPLEMENTED" });
    server.resetHandlers();
  });

  it("types handlers by the spec", () => {
    const http = createDatabricksHttp({ baseUrl: mock.baseUrl });
    http.get("/api/2.1/clusters/get", () => ({ cluster_id: "c", state: "RUNNING" as const }));
    // @ts-expect-error not an operation of the spec
    http.get("/api/2.0/token-management/tokens", () => ({}));
    // @ts-expect-error a field of the wrong type
    http.get("/api/2.1/clusters/get", () => ({ cluster_id: 5 }));
    // @ts-expect-error a state Databricks never reports
    http.get("/api/2.1/clusters/get", () => ({ state: "BOOTING" as const }));
    expect(http.baseUrl).toBe(mock.baseUrl);
  });
});

describe("packaging", () => {
  it("keeps msw out of everything in src/ but src/testing/", () => {
    const root = fileURLToPath(new URL("../../src/", import.meta.url));
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (full !== join(root, "testing")) walk(full);
        } else if (
          /\.ts$/.test(entry.name) &&
          /from\s+["'](msw|openapi-msw)(\/[^"']*)?["']/.test(readFileSync(full, "utf8"))
        ) {
          offenders.push(full.slice(root.length));
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
