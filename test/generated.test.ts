import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderGenerated } from "../scripts/generate.js";
import { loadSpec } from "../scripts/lib/spec.js";
import { OPERATIONS_DOC_PATH, withOperationsTable } from "../scripts/readme-operations.js";

describe("src/generated/", () => {
  it("is up to date with openapi/ (run `npm run generate` and commit if this fails)", async () => {
    const files = await renderGenerated();
    expect(Object.keys(files).length).toBeGreaterThan(1);
    for (const [name, contents] of Object.entries(files)) {
      const committed = readFileSync(new URL(`../src/generated/${name}`, import.meta.url), "utf8");
      expect(committed, `src/generated/${name} is stale`).toBe(contents);
    }
  });

  it("docs/operations.md's table of operations matches the spec", () => {
    const markdown = readFileSync(OPERATIONS_DOC_PATH, "utf8");
    expect(
      withOperationsTable(markdown, loadSpec().doc),
      "docs/operations.md's operations table is stale: npm run generate",
    ).toBe(markdown);
    expect(markdown).toContain("| sql-statements | POST | `/api/2.0/sql/statements` | `statementsExecute` |");
  });

  it("package.json and VERSION agree", async () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    const { VERSION } = await import("../src/version.js");
    expect(VERSION).toBe(pkg.version);
  });
});
