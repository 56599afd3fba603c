import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderGenerated } from "../scripts/generate.js";

describe("src/generated/", () => {
  it("is up to date with openapi/ (run `npm run generate` and commit if this fails)", async () => {
    const files = await renderGenerated();
    expect(Object.keys(files).length).toBeGreaterThan(1);
    for (const [name, contents] of Object.entries(files)) {
      const committed = readFileSync(new URL(`../src/generated/${name}`, import.meta.url), "utf8");
      expect(committed, `src/generated/${name} is stale`).toBe(contents);
    }
  });

  it("package.json and VERSION agree", async () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    const { VERSION } = await import("../src/version.js");
    expect(VERSION).toBe(pkg.version);
  });
});
