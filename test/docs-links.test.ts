/**
 * Every relative link and anchor in README.md, CONTRIBUTING.md, CHANGELOG.md and docs/*.md resolves,
 * so moving a section or renaming a heading cannot leave a dead link behind. Anchors are GitHub's
 * heading slugs (github-slugger, the algorithm github.com uses to render Markdown headings).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { anchors, brokenLinks, relativeLinks, slug } from "./markdown-links.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FILES = [
  "README.md",
  "CONTRIBUTING.md",
  "CHANGELOG.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

describe("relative links in the documentation", () => {
  it.each(FILES)("%s: every relative link and anchor resolves", (file) => {
    expect(brokenLinks(join(ROOT, file), ROOT)).toEqual([]);
  });

  it("checks a real number of links (the README links into docs/, docs link back)", () => {
    const count = FILES.reduce(
      (sum, file) => sum + relativeLinks(readFileSync(join(ROOT, file), "utf8")).length,
      0,
    );
    expect(count).toBeGreaterThan(30);
  });
});

describe("the link reader", () => {
  it("makes GitHub's heading slugs", () => {
    expect(slug("Waiting for long-running operations: `databricks-apim/waiters`")).toBe(
      "waiting-for-long-running-operations-databricks-apimwaiters",
    );
    expect(slug("This repository's tests")).toBe("this-repositorys-tests");
    expect(slug("Node versions: `npm run test:matrix`")).toBe("node-versions-npm-run-testmatrix");
    expect([...anchors("# A\n## A\n```\n# not a heading\n```\n## A")]).toEqual(["a", "a-1", "a-2"]);
  });

  it("finds links outside code only, and skips absolute URLs", () => {
    const markdown = [
      "See [client](docs/client.md#errors) and ![img](a.png).",
      "`[not](a-link.md)` and https://example.test and [web](https://example.test/x.md).",
      "```",
      "[in a fence](nowhere.md)",
      "```",
      "[ref]: ../CHANGELOG.md",
    ].join("\n");
    expect(relativeLinks(markdown).map((link) => link.target)).toEqual([
      "docs/client.md#errors",
      "a.png",
      "../CHANGELOG.md",
    ]);
  });

  it("reports a missing file, a missing anchor and an anchor into a non-Markdown file", () => {
    const dir = mkdtempSync(join(tmpdir(), "databricks-apim-links-"));
    try {
      writeFileSync(join(dir, "b.md"), "# Real heading\n");
      writeFileSync(join(dir, "c.txt"), "text\n");
      writeFileSync(
        join(dir, "a.md"),
        "[1](missing.md) [2](b.md#no-such) [3](b.md#real-heading) [4](c.txt#x) [5](#here)\n## Here\n",
      );
      const problems = brokenLinks(join(dir, "a.md"), dir);
      expect(problems).toEqual([
        "a.md:1 missing.md: missing.md does not exist",
        "a.md:1 b.md#no-such: b.md has no heading with anchor #no-such",
        "a.md:1 c.txt#x: an anchor into a file that is not Markdown",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
