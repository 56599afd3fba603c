/**
 * The documentation site's parts (scripts/docs/): the examples and generated operation samples compile
 * against src/ and the examples run against the mock; each operation's notes say what its
 * `x-databricks-*` extensions say; the link check finds broken links and anchors. `npm run docs`
 * builds the real site and fails on any broken link (part of `npm test`).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { redocRoutes } from "../scripts/docs/build.js";
import { checkSite } from "../scripts/docs/links.js";
import { annotateSpec, operationNotes } from "../scripts/docs/operations.js";
import { docCode, typecheck } from "../scripts/docs/typecheck.js";
import { toRoot, withoutRepeatedTitle } from "../scripts/docs/typedoc-plugin.js";
import { listOperations, loadSpec } from "../scripts/lib/spec.js";
import { createDatabricksClient } from "../src/index.js";
import { createDatabricksMock, TEST_SUBSCRIPTION_KEY } from "../src/testing/index.js";

// The examples import the package by name, as an app does; here that name is the sources.
vi.mock("databricks-apim", () => import("../src/index.js"));
vi.mock("databricks-apim/waiters", () => import("../src/waiters/index.js"));
vi.mock("databricks-apim/testing", () => import("../src/testing/index.js"));

const ROOT = path.resolve(import.meta.dirname, "..");

/**
 * Loads an example module. The path is computed so that `npm run typecheck` does not pull the examples
 * in without their `databricks-apim` path mapping: they are type-checked above, with it.
 */
// biome-ignore lint/suspicious/noExplicitAny: the examples' own types are checked by typecheck()
const example = (name: string): Promise<any> => import(path.join(ROOT, "docs/examples", name));
const { doc } = loadSpec();
const operations = listOperations(doc);
const byId = (id: string) => {
  const found = operations.find(({ op }) => op.operationId === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found;
};

// `npm run docs` type-checks the examples and every generated sample against src/ (one program of
// about 20 s, so it runs there, before vitest, rather than beside the other type-checking tests).
describe("documentation code", () => {
  it("is every docs/examples/*.ts and one sample per operation, naming its path", () => {
    const { examples, samples } = docCode(ROOT, doc);
    expect(examples.map((file) => path.basename(file)).sort()).toEqual(
      expect.arrayContaining(["client.ts", "paginate.ts", "testing.ts", "waiters.ts"]),
    );
    expect(samples.size).toBe(operations.length);
    for (const { path: route, op } of operations) {
      const sample = samples.get(path.join(ROOT, "docs/examples/.samples", `${op.operationId}.ts`));
      // POST sql/statements is shown through executeStatement, which submits, polls and reads rows.
      expect(sample).toContain(
        op.operationId === "statementsExecute" ? "executeStatement(client" : `"${route}"`,
      );
    }
  });

  it("type errors are reported with the file they are in", { timeout: 60_000 }, () => {
    const file = path.join(ROOT, "docs/examples/.samples/broken.ts");
    const errors = typecheck(ROOT, [], new Map([[file, 'export const n: number = "one";\n']]));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/broken\.ts\(1,14\): error TS2322/);
  });
});

describe("the examples run against the mock", () => {
  const mock = createDatabricksMock({ timing: { pollsPerStep: 0 } });
  const server = setupServer(...mock.handlers);
  const client = createDatabricksClient({
    apimUrl: mock.apimUrl,
    apiSuffix: mock.apiSuffix,
    subscriptionKey: TEST_SUBSCRIPTION_KEY,
    maxRetries: 0,
  });
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => mock.reset());
  afterAll(() => server.close());

  it("createDatabricksClient and unwrap", async () => {
    const { connect, clusterState } = await example("client.ts");
    expect(typeof connect().GET).toBe("function");
    expect(await clusterState(client, "0000-000000-missing")).toBeUndefined();
  });

  it("paginate", async () => {
    const { jobNames } = await example("paginate.ts");
    expect(await jobNames(client)).toEqual(["nightly-etl"]); // the default seed's one job
  });

  it("the waiters", async () => {
    vi.spyOn(console, "debug").mockImplementation(() => {});
    const waiters = await example("waiters.ts");
    expect(await waiters.createCluster(client)).toBe("RUNNING");
    expect(await waiters.runJob(client, 1001)).toBe("SUCCESS");
    expect(await waiters.startWarehouse(client, "5c4f3e2d1a0b9c8d")).toBe("RUNNING");
    expect(await waiters.firstTrips(client, "5c4f3e2d1a0b9c8d")).toHaveLength(3);
  });
});

describe("createDatabricksMock's example", () => {
  it("starts and stops its own msw server", async () => {
    const { warehouseNamesFromMock } = await example("testing.ts");
    expect(await warehouseNamesFromMock()).toEqual(["Starter Warehouse"]);
  });
});

describe("operation notes come from the spec's extensions", () => {
  const urls = new Map([
    ["paginate", "functions/databricks-apim.paginate.html"],
    ["waitForCluster", "functions/databricks-apim_waiters.waitForCluster.html"],
  ]);
  const notes = (id: string) => {
    const { method, path: route, op } = byId(id);
    return operationNotes(method, route, op, urls);
  };

  it("paging: style, tokens and the items key, with a link to paginate", () => {
    expect(notes("clustersList")).toContain(
      "**Paged by token**: send `page_token` = the previous `next_page_token`",
    );
    expect(notes("clustersList")).toContain(
      "[`paginate`](functions/databricks-apim.paginate.html) yields the `clusters`",
    );
    expect(notes("reposList")).toContain("send `next_page_token` = the previous `next_page_token`");
    expect(notes("catalogsList")).toContain("`max_results=0`");
    expect(notes("usersList")).toContain("Paged by offset (SCIM)");
    expect(notes("clustersEvents")).toContain(
      "the response's `next_page` is the complete body of the next request",
    );
    expect(notes("tokensList")).toContain("one call returns every item in `token_infos`");
  });

  it("long-running: status field, target and failure states, and the waiter", () => {
    expect(notes("clustersCreate")).toContain(
      "poll `state` until it is `RUNNING`; `ERROR`, `TERMINATED` are failures. Wait with [`waitForCluster`]",
    );
    expect(notes("clustersDelete")).toContain('(`until: "TERMINATED"`)');
    expect(notes("jobsRunNow")).toContain(
      "poll `state.life_cycle_state` until it is `TERMINATED`, `SKIPPED`",
    );
    expect(notes("warehousesStop")).toContain("until it is `STOPPED`; none are failures");
  });

  it("retry safety follows the method, x-databricks-idempotent and the idempotency token", () => {
    expect(notes("clustersGet")).toContain("**Retry-safe**: the client retries it");
    expect(notes("clustersDelete")).toContain("**Retry-safe** (`x-databricks-idempotent`)");
    expect(notes("jobsRunNow")).toContain("**Retry-safe with `idempotency_token`**");
    expect(notes("clustersCreate")).toContain("**Not retry-safe**");
  });

  it("missing resources and arrays paged inside one object", () => {
    expect(notes("clustersGet")).toContain("400 `INVALID_PARAMETER_VALUE`");
    expect(notes("jobsRunsGet")).toContain("`repair_history`, and one of `iterations`, `tasks`");
  });

  it("annotates a copy: every operation gets notes and a sample, the spec itself is untouched", () => {
    const before = JSON.stringify(doc);
    const annotated = annotateSpec(doc, urls, new Map([["Testing", "documents/testing.html"]]));
    expect(JSON.stringify(doc)).toBe(before);
    const annotatedOps = listOperations(annotated);
    expect(annotatedOps).toHaveLength(operations.length);
    for (const { op } of annotatedOps) {
      expect((op as { description?: string }).description).toContain("#### With databricks-apim");
      const [sample] = op["x-codeSamples"] as Array<{ lang: string; source: string }>;
      expect(sample?.lang).toBe("TypeScript");
      expect(sample?.source).toContain("createDatabricksClient()");
    }
    expect((annotated.info as { description?: string }).description).toContain(
      "[Testing](documents/testing.html)",
    );
  });
});

describe("link check", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const site = (pages: Record<string, string>) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "docs-links-"));
    dirs.push(dir);
    for (const [name, html] of Object.entries(pages)) writeFileSync(path.join(dir, name), html);
    return dir;
  };
  const page = (body: string) =>
    `<!doctype html><html><head><title>t</title></head><body>${body}</body></html>`;

  it("passes a site whose links and anchors resolve; other origins are not fetched", async () => {
    const dir = site({
      "index.html": page('<a href="guide.html#setup">setup</a> <a href="https://example.invalid/x">out</a>'),
      "guide.html": page('<h2 id="setup">Setup</h2>'),
    });
    const { checked, broken } = await checkSite(dir);
    expect(broken).toEqual([]);
    expect(checked).toBe(2);
  });

  it("reports a missing page and a missing anchor, with the page they are on", async () => {
    const dir = site({
      "index.html": page('<a href="guide.html#install">install</a> <a href="gone.html">gone</a>'),
      "guide.html": page('<h2 id="setup">Setup</h2>'),
    });
    const { broken } = await checkSite(dir);
    expect(broken.map((link) => path.basename(link.url))).toEqual(
      expect.arrayContaining(["gone.html", expect.stringContaining("guide.html")]),
    );
    expect(broken).toHaveLength(2);
  });

  it("skips only Redoc's own tag routes", async () => {
    const routes = redocRoutes(doc.tags as Array<{ name: string }>);
    expect(routes.has("/clusters")).toBe(true);
    expect(routes.has("/")).toBe(false);
    const dir = site({ "index.html": page('<a href="/clusters">c</a> <a href="/not-a-tag">x</a>') });
    const { broken } = await checkSite(dir, routes);
    expect(broken.map((link) => new URL(link.url, "http://x").pathname.split("/").pop())).toEqual([
      "not-a-tag",
    ]);
  });
});

it("header links are made relative to each page's depth", () => {
  expect(toRoot("index.html")).toBe("");
  expect(toRoot("functions/databricks-apim.paginate.html")).toBe("../");
  expect(toRoot("documents/a/b.html")).toBe("../../");
});

it("the landing page keeps the README's title and drops TypeDoc's identical one", () => {
  const readme =
    '<div class="tsd-panel tsd-typography"><h1 id="pkg" class="tsd-anchor-link">pkg<a href="#pkg"></a></h1>';
  expect(withoutRepeatedTitle(`<div class="tsd-page-title">\n<h1>pkg</h1></div>\n${readme}`)).toBe(
    `\n${readme}`,
  );
  const other = `<div class="tsd-page-title">\n<h1>pkg</h1></div>\n${readme.replaceAll("pkg", "other")}`;
  expect(withoutRepeatedTitle(other)).toBe(other);
});
