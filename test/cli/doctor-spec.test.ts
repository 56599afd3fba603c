/**
 * doctor follows the curated spec it ships with (src/generated/routes.ts): it probes only operations
 * the spec holds as GETs (APIM answers 404 for any other path or method: docs/apim.md §3, "APIM returns
 * 404, not 405, for a wrong method"), and tests the whitelist with an operation the spec leaves out.
 * Here the spec is replaced, as a regenerated one might look.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Route } from "../../src/generated/routes.js";

const spec = vi.hoisted(() => ({ routes: [] as Route[] }));
vi.mock("../../src/generated/routes.js", () => spec);

const { doctorCommand } = await import("../../src/cli/doctor.js");

const ORIGIN = "http://127.0.0.1:9";
const BASE = `${ORIGIN}/dbw-01`;
const ME = "/api/2.0/preview/scim/v2/Me";
const CLUSTERS = "/api/2.1/clusters/list";
const JOBS = "/api/2.2/jobs/list";
const TOKENS = "/api/2.0/token-management/tokens";
const IP_LISTS = "/api/2.0/ip-access-lists";
const INIT_SCRIPTS = "/api/2.0/global-init-scripts";

const route = (method: string, path: string): Route => ({ method, path, operationId: `${method} ${path}` });
const notFound = () =>
  new Response(JSON.stringify({ statusCode: 404, message: "Resource not found" }), { status: 404 });

/** Runs doctor against a gateway that answers 200 on `ok` paths and APIM's 404 elsewhere; the paths it sent. */
async function probed(ok: string[]) {
  const paths: string[] = [];
  let out = "";
  const fetchFn = (async (url: string) => {
    const path = url.slice(BASE.length);
    paths.push(path);
    return ok.includes(path) ? new Response("{}", { status: 200 }) : notFound();
  }) as unknown as typeof fetch;
  const io = {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: () => {} },
    fetch: fetchFn,
  };
  const code = await doctorCommand(
    ["--apim-url", ORIGIN, "--json"],
    { DATABRICKS_APIM_SUBSCRIPTION_KEY: "spec-test-key-0123456789" },
    io,
  );
  const checks = (JSON.parse(out) as { checks: Array<{ name: string; detail: string }> }).checks;
  return { code, paths, checks };
}

afterEach(() => {
  spec.routes = [];
});

describe("doctor and the curated spec", () => {
  it("skips a probe the spec holds only under another method, and probes the next GET", async () => {
    spec.routes = [
      route("PATCH", ME),
      route("GET", CLUSTERS),
      route("GET", JOBS),
      route("POST", "/api/2.1/clusters/create"),
    ];
    const run = await probed([CLUSTERS]);
    expect(run.paths).toEqual([CLUSTERS, TOKENS]);
    expect(run.code).toBe(0);
  });

  it("lists only the spec's probes when none of them is imported", async () => {
    spec.routes = [route("GET", JOBS), route("GET", "/api/2.0/clusters/spark-versions")];
    const run = await probed([]);
    expect(run.paths).toEqual([JOBS]);
    expect(run.checks[1]?.detail).toBe(`every probed operation (${JOBS}) answered the gateway's 404.`);
  });

  it("still probes SCIM Me when the spec holds none of its probes", async () => {
    spec.routes = [route("GET", "/api/2.0/clusters/spark-versions")];
    const run = await probed([ME]);
    expect(run.paths).toEqual([ME, TOKENS]);
  });

  it("tests the whitelist with the first operation the spec leaves out", async () => {
    spec.routes = [route("GET", ME), route("GET", TOKENS)];
    const first = await probed([ME]);
    expect(first.paths).toEqual([ME, IP_LISTS]);
    expect(first.checks.at(-1)).toMatchObject({
      name: "whitelist-only",
      detail: `GET ${IP_LISTS} (not in the curated spec) got the gateway's 404.`,
    });
    spec.routes = [route("GET", ME), route("GET", TOKENS), route("DELETE", IP_LISTS)];
    expect((await probed([ME])).paths).toEqual([ME, INIT_SCRIPTS]);
  });
});
