/**
 * The package as users get it: the packed tarball's file list, and a consumer project that installs
 * it offline, imports and requires it, type-checks an app against its `.d.ts`, and calls a loopback
 * server. publint and attw run on the same tarball in `npm run check:package`.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensureBuilt,
  installedPackages,
  installInto,
  type Packed,
  pack,
  ROOT,
  runIn,
} from "./package/consumer.js";

const KEY = "sk-consumer-0123456789abcdef";

/** The README's ```ts blocks as files; a block whose first line is a `// name.ts` comment keeps that name. */
function readmeExamples(readme: string): { name: string; code: string }[] {
  return [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match, index) => {
    const code = match[1] ?? "";
    const name = /^\/\/ ([\w.-]+\.ts)\n/.exec(code)?.[1] ?? `readme-example-${index + 1}.ts`;
    return { name, code };
  });
}
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
  dependencies: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
};

let work: string;
let packed: Packed;
let app: string;
let how: "npm" | "linked";

beforeAll(async () => {
  await ensureBuilt();
  work = mkdtempSync(join(tmpdir(), "databricks-apim-package-"));
  packed = await pack(work);
  app = join(work, "app");
  how = await installInto(app, packed.tarball);
  cpSync(join(ROOT, "test/package/consumer"), app, { recursive: true });
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("holds dist, README, LICENSE, package.json, the spec and the policy template, and nothing else", () => {
    const unexpected = packed.files.filter(
      (file) =>
        !/^dist\/.+\.(js|d\.ts)$/.test(file) &&
        ![
          "package.json",
          "README.md",
          "LICENSE",
          "openapi/databricks-workspace.yaml",
          "openapi/policy.xml",
        ].includes(file),
    );
    expect(unexpected).toEqual([]);
    for (const file of [
      "package.json",
      "README.md",
      "LICENSE",
      "openapi/databricks-workspace.yaml",
      "openapi/policy.xml",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/waiters/index.js",
      "dist/waiters/index.d.ts",
      "dist/generated/schema.d.ts",
      "dist/generated/operations.js",
    ]) {
      expect(packed.files).toContain(file);
    }
  });

  it("ships no tests, sources, scripts or benchmarks, and no source maps pointing at unshipped sources", () => {
    expect(packed.files.filter((file) => /^(src|test|scripts|bench)\//.test(file))).toEqual([]);
    const sources = packed.files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"));
    expect(sources).toEqual([]);
    expect(packed.files.filter((file) => /\.(test|spec)\.|\.map$/.test(file))).toEqual([]);
  });

  it("has a file for every export target", () => {
    const targets = Object.values(pkg.exports).flatMap((target) =>
      typeof target === "string" ? [target] : Object.values(target),
    );
    for (const target of targets) expect(packed.files).toContain(target.replace(/^\.\//, ""));
  });
});

describe("a consumer project", () => {
  const seen: { url: string; key: string | undefined; agent: string | undefined }[] = [];
  let server: Server;
  let url: string;
  const env = () => ({ SMOKE_URL: url, SMOKE_KEY: KEY });

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      seen.push({
        url: req.url ?? "",
        key: req.headers["ocp-apim-subscription-key"] as string | undefined,
        agent: req.headers["user-agent"],
      });
      const target = new URL(req.url ?? "/", "http://127.0.0.1");
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (target.pathname === "/dbw-01/api/2.1/clusters/get") {
        if (target.searchParams.get("cluster_id") === "c-1")
          json(200, { cluster_id: "c-1", state: "RUNNING" });
        else json(404, { error_code: "RESOURCE_DOES_NOT_EXIST", message: "Cluster missing does not exist" });
      } else if (target.pathname === "/dbw-01/api/2.1/clusters/list") {
        if (target.searchParams.get("page_token") === "p2") json(200, { clusters: [{ cluster_id: "b" }] });
        else json(200, { clusters: [{ cluster_id: "a" }], next_page_token: "p2" });
      } else json(404, { error_code: "ENDPOINT_NOT_FOUND", message: "No route" });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("installs it offline with openapi-fetch as its only runtime dependency (no msw, no @azure)", () => {
    expect(Object.keys(pkg.dependencies)).toEqual(["openapi-fetch"]);
    const installed = installedPackages(join(app, "node_modules"));
    expect(installed).toEqual(["databricks-apim", "openapi-fetch", "openapi-typescript-helpers"]);
    expect(["npm", "linked"]).toContain(how);
  });

  it("imports it as ESM and calls a loopback endpoint: typed data, pagination, typed errors", async () => {
    seen.length = 0;
    const out = JSON.parse(await runIn(app, process.execPath, ["smoke.mjs"], env())) as Record<
      string,
      unknown
    >;
    expect(out).toEqual({
      waited: "RUNNING",
      waiterErrorsShareBase: true,
      waitersResolved: `file://${join(app, "node_modules/databricks-apim/dist/waiters/index.js")}`,
      version: pkg.version,
      state: "RUNNING",
      ids: ["a", "b"],
      missing: {
        notFound: true,
        name: "ResourceDoesNotExist",
        status: 404,
        errorCode: "RESOURCE_DOES_NOT_EXIST",
      },
      resolved: `file://${join(app, "node_modules/databricks-apim/dist/index.js")}`,
    });
    expect(seen.map((request) => request.url)).toEqual([
      "/dbw-01/api/2.1/clusters/get?cluster_id=c-1",
      "/dbw-01/api/2.1/clusters/list",
      "/dbw-01/api/2.1/clusters/list?page_token=p2",
      "/dbw-01/api/2.1/clusters/get?cluster_id=missing",
      "/dbw-01/api/2.1/clusters/get?cluster_id=c-1",
    ]);
    expect(new Set(seen.map((request) => request.key))).toEqual(new Set([KEY]));
    expect(seen[0]?.agent).toBe(`databricks-apim/${pkg.version} node/${process.versions.node}`);
  });

  it.runIf((process.features as { require_module?: boolean }).require_module === true)(
    "require()s it from CommonJS (require(esm), Node ≥ 20.19)",
    async () => {
      const out = JSON.parse(await runIn(app, process.execPath, ["smoke.cjs"], env())) as Record<
        string,
        unknown
      >;
      expect(out).toEqual({
        version: pkg.version,
        state: "RUNNING",
        resolved: join(app, "node_modules/databricks-apim/dist/index.js"),
      });
    },
  );

  it("explains a missing msw when the app imports the test kit without it", async () => {
    // msw is an optional peer dependency, and this consumer did not install it.
    expect(existsSync(join(app, "node_modules/msw"))).toBe(false);
    const failure = await runIn(app, process.execPath, [
      "--input-type=module",
      "--eval",
      'await import("databricks-apim/testing");',
    ]).then(
      () => "imported",
      (error: Error) => error.message,
    );
    expect(failure).toContain(
      'databricks-apim/testing needs msw, an optional peer dependency that is not installed. Run "npm install -D msw"',
    );
  });

  // tsc over the shipped .d.ts and their dependencies takes 10–20 s on 2 busy cores, past vitest's default.
  it("type-checks a strict app against the shipped .d.ts (skipLibCheck off)", {
    timeout: 120_000,
  }, async () => {
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2023"],
          types: ["node"],
          typeRoots: [join(ROOT, "node_modules/@types")],
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: false,
          noEmit: true,
        },
        files: ["app.ts"],
      }),
    );
    expect(existsSync(join(app, "node_modules/databricks-apim/dist/index.d.ts"))).toBe(true);
    await runIn(app, process.execPath, [
      join(ROOT, "node_modules/typescript/bin/tsc"),
      "-p",
      "tsconfig.json",
    ]);
  });

  it("type-checks every TypeScript example of the README under exactOptionalPropertyTypes", {
    timeout: 120_000,
  }, async () => {
    const examples = readmeExamples(readFileSync(join(ROOT, "README.md"), "utf8"));
    expect(examples.map((example) => example.name)).toEqual(
      expect.arrayContaining(["report.ts", "report.test.ts"]),
    );
    // Its own project: the installed package (copied, so its .d.ts resolve msw from here), and the
    // dev tools an app's test imports (msw, vitest) linked from this repository.
    const dir = join(work, "readme-app");
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    cpSync(join(app, "node_modules/databricks-apim"), join(dir, "node_modules/databricks-apim"), {
      recursive: true,
    });
    symlinkSync(join(app, "node_modules/openapi-fetch"), join(dir, "node_modules/openapi-fetch"), "dir");
    for (const name of ["msw", "vitest"]) {
      symlinkSync(join(ROOT, "node_modules", name), join(dir, "node_modules", name), "dir");
    }
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "readme-app", private: true, type: "module" }),
    );
    for (const { name, code } of examples) writeFileSync(join(dir, name), code);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2023", "DOM"],
          types: ["node"],
          typeRoots: [join(ROOT, "node_modules/@types")],
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: true,
          noEmit: true,
        },
        files: examples.map((example) => example.name),
      }),
    );
    await runIn(dir, process.execPath, [
      join(ROOT, "node_modules/typescript/bin/tsc"),
      "-p",
      "tsconfig.json",
    ]);
  });
});
