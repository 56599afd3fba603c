/**
 * docs/grant-walkthrough.md, run as written: its `sh` blocks in order (the `sh azure` lookup is answered
 * by the loopback fakes instead), each `curl` compared with the `json` block after it. ARM and Graph
 * are the fakes of test/grant/fakes.ts, reached through the grant's own environment fallbacks
 * (AZURE_ARM_ENDPOINT, AZURE_GRAPH_ENDPOINT), and the operator's credential is a static one.
 */
import { readFileSync } from "node:fs";
import { afterAll, expect, it } from "vitest";
import { run } from "../../scripts/grant/main.js";
import { doctorCommand } from "../../src/cli/doctor.js";
import { parseMockGatewayArgs, startFromArgs } from "../../src/cli/mock-gateway.js";
import type { MockGatewayServer } from "../../src/testing/index.js";
import { APP_ID, type Fake, fakeArm, fakeGraph, SYSTEM_ASSIGNED, scopedCredential } from "./fakes.js";

const DOC = readFileSync(new URL("../../docs/grant-walkthrough.md", import.meta.url), "utf8");
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** Fenced blocks in order: info string and body, with backslash-continued lines joined. */
function blocks(markdown: string): Array<{ info: string; body: string }> {
  return [...markdown.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    info: (m[1] ?? "").trim(),
    body: (m[2] ?? "").replace(/\\\n\s*/g, " ").trim(),
  }));
}

/** Splits a command line as sh would for the simple forms used in the doc (double quotes, $VARS). */
function words(line: string, env: Record<string, string>): string[] {
  const expanded = line.replace(/\$([A-Z_]+)/g, (_, name: string) => env[name] ?? "");
  return [...expanded.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");
}

it("docs/grant-walkthrough.md replays the 401 and its fix as written", async () => {
  const credentialTokens: Record<string, string> = {};
  const arm: Fake = await fakeArm(SYSTEM_ASSIGNED, "arm-token-0123456789");
  const graph: Fake = await fakeGraph("graph-token-0123456789");
  cleanups.push(arm.close, graph.close);
  Object.assign(credentialTokens, {
    [arm.url]: "arm-token-0123456789",
    [graph.url]: "graph-token-0123456789",
    "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d": "operator-entra-token-0123456789",
  });
  const credential = scopedCredential(credentialTokens);
  // What the `sh azure` block would have found, and where the grant finds ARM and Graph here.
  const env: Record<string, string> = {
    APP_ID,
    AZURE_ARM_ENDPOINT: arm.url,
    AZURE_GRAPH_ENDPOINT: graph.url,
  };
  let origin = "http://127.0.0.1:8080";
  const local = (text: string) => text.replaceAll("http://127.0.0.1:8080", origin);

  const all = blocks(DOC);
  const ran: string[] = [];
  for (const [index, block] of all.entries()) {
    if (block.info !== "sh") continue;
    for (const line of block.body.split("\n").filter((l) => l.trim() !== "")) {
      const argv = words(local(line), env);
      ran.push(argv[0] === "export" ? "export" : (argv.find((w) => !w.includes("=")) ?? ""));
      if (argv[0] === "export") {
        const [name, value] = (argv[1] ?? "").split("=");
        env[name ?? ""] = value ?? "";
      } else if (argv[0] === "npm" && argv[2] === "mock-gateway") {
        const flags = argv.slice(4).map((w, i, a) => (a[i - 1] === "--port" ? "0" : w));
        const args = parseMockGatewayArgs([...flags, "--quiet"]);
        if (args === "help") throw new Error("help");
        const server: MockGatewayServer = await startFromArgs(args, () => {});
        cleanups.push(() => server.close());
        origin = server.url;
      } else if (argv[0] === "curl") {
        const header = argv[argv.indexOf("-H") + 1] ?? "";
        const [name, value] = header.split(/:\s*/);
        const response = await fetch(argv.at(-1) ?? "", { headers: { [name ?? ""]: value ?? "" } });
        const expected = all[index + 1];
        expect(expected?.info, `the curl in block ${index} is followed by its output`).toBe("json");
        expect(await response.text()).toBe(expected?.body);
      } else if (argv.at(-1) === "doctor") {
        const assigned = Object.fromEntries(argv.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => w.split("=")));
        let out = "";
        const code = await doctorCommand(
          [],
          { ...env, ...assigned },
          { stdout: { write: (t: string) => (out += t) } },
        );
        expect(code).toBe(1);
        expect(out).toContain("[managed-identity-not-granted]");
      } else if (argv[0] === "scripts/grant-workspace-access") {
        let out = "";
        let err = "";
        const code = await run(argv.slice(1), env, {
          credential,
          stdout: { write: (t: string) => (out += t) },
          stderr: { write: (t: string) => (err += t) },
        });
        expect(err).toBe("");
        expect(code).toBe(0);
        expect(out).toContain(`application id ${APP_ID}`);
        expect(out).toContain("Granted");
      } else throw new Error(`the walkthrough test does not know how to run: ${line}`);
    }
  }
  expect(ran).toEqual([
    "export",
    "export",
    "export",
    "npm",
    "curl",
    "npm",
    "scripts/grant-workspace-access",
    "curl",
  ]);
});
