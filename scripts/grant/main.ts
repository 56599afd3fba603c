/**
 * `scripts/grant-workspace-access`: makes APIM's managed identity a service principal of the
 * Databricks workspace — the step that cost the seed write-up its longest detour (every call answered
 * Databricks' `{"error_code":"401","message":"Unauthorized"}` until it was done by hand).
 *
 * Steps: validate (no network) → identity (ARM, then Graph for a system-assigned identity) → read the
 * workspace → plan → apply only what is missing → read back. `run()` takes every side effect as a
 * dependency so tests drive it against loopback fakes of ARM and Graph and the emulator's workspace.
 */
import { redactAll } from "../../src/redact.js";
import { CLOUDS, resolveArmEndpoint } from "../apim/clouds.js";
import { runIfEntryPoint, type ScriptDeps, signIn, startRun } from "../lib/run-main.js";
import { type GrantOptions, parseGrantCommandLine, usage } from "./cli.js";
import { type GatewayIdentity, GRAPH_ENDPOINTS, readGatewayIdentity } from "./identity.js";
import { applyGrantPlan, computeGrantPlan, describeStep, type Step } from "./plan.js";
import { createAdminClient, readWorkspaceState } from "./workspace.js";

/** Side effects of a run; everything defaults to the real thing. */
export type GrantDeps = ScriptDeps;

/** The `--json` document. */
interface JsonResult {
  status: "invalid" | "no-changes" | "planned" | "applied" | "failed";
  identity?: GatewayIdentity;
  plan?: Step[];
  applied?: Step[];
  writes?: number;
  errors?: string[];
}

/** Runs the command; resolves with the exit code (0 ok, 1 call/read-back failure, 2 bad input, 3 no token). */
export async function run(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  deps: GrantDeps = {},
): Promise<number> {
  const now = deps.now ?? Date.now;
  const start = startRun<GrantOptions, JsonResult>(parseGrantCommandLine(argv, env), argv, deps, {
    command: "grant-workspace-access",
    usage,
    nothingSent: "nothing was sent to Azure or the workspace.",
  });
  if ("exit" in start) return start.exit;
  const { out, options } = start;
  const { log, finish, invalid, stderr } = out;

  let arm: { origin: string; scope: string };
  let graph: { origin: string; scope: string };
  try {
    arm = resolveArmEndpoint(options.cloud, options.armEndpoint);
    graph = resolveGraphEndpoint(options.cloud, options.graphEndpoint);
  } catch (error) {
    return invalid([(error as Error).message]);
  }
  log(
    `[1/5] validate: APIM ${options.serviceName} (${options.resourceGroup}), workspace ${options.workspaceUrl}, group "${options.group}" with ${options.entitlements.join(", ")}`,
  );

  const selected = await signIn(out, deps, {
    choice: options.credential,
    env,
    authorityHost: CLOUDS[options.cloud].authorityHost,
    scope: arm.scope,
    now,
  });
  if (typeof selected === "number") return selected;

  const fetchFn = deps.fetch ?? globalThis.fetch;
  const applied: Step[] = [];
  let identity: GatewayIdentity | undefined;
  let plan: Step[] | undefined;
  try {
    identity = await readGatewayIdentity(
      { arm, graph, credential: selected.credential, fetch: fetchFn },
      {
        subscriptionId: options.subscriptionId,
        resourceGroup: options.resourceGroup,
        serviceName: options.serviceName,
        clientId: options.managedIdentityClientId,
      },
    );
    log(
      `[2/5] identity: ${identity.kind} managed identity of ${options.serviceName}: application id ${identity.appId}` +
        `${identity.principalId ? `, object id ${identity.principalId}` : ""}`,
    );
    const client = createAdminClient(
      options.workspaceUrl,
      selected.credential,
      deps.fetch ? (request, init) => fetchFn(request, init) : undefined,
    );
    const state = await readWorkspaceState(client, identity.appId, options.group);
    const sp = state.servicePrincipal;
    log(
      `[3/5] read: service principal ${sp ? `${sp.id} (${sp.active === false ? "inactive" : "active"})` : "missing"}, ` +
        `group "${options.group}" ${state.group ? `${state.group.id} (${state.group.members?.length ?? 0} members)` : "missing"}`,
    );
    const desired = {
      appId: identity.appId,
      displayName: identity.displayName,
      group: options.group,
      entitlements: options.entitlements,
    };
    plan = computeGrantPlan(state, desired);
    log(`[4/5] plan${plan.length === 0 ? ": no changes" : ""}`);
    for (const step of plan) log(`  ${describeStep(step)}`);
    if (plan.length === 0) return finish(0, { status: "no-changes", identity, plan, applied, writes: 0 });
    if (options.dryRun) {
      log("Dry run: nothing was written.");
      return finish(0, { status: "planned", identity, plan, applied, writes: 0 });
    }
    log("[5/5] apply");
    await applyGrantPlan(client, state, plan, (step) => {
      applied.push(step);
      log(`  done: ${describeStep(step)}`);
    });
    const after = computeGrantPlan(await readWorkspaceState(client, identity.appId, options.group), desired);
    if (after.length > 0)
      return fail([`read-back: the workspace still lacks: ${after.map(describeStep).join("; ")}`]);
    log(`  read back: service principal ${identity.appId} is active and in group "${options.group}".`);
    log(`Granted: calls through APIM now reach Databricks as ${identity.displayName}.`);
    return finish(0, { status: "applied", identity, plan, applied, writes: applied.length });
  } catch (error) {
    return fail([redactAll((error as Error).message ?? String(error), [])]);
  }

  function fail(errors: string[]): number {
    for (const error of errors) stderr.write(`grant-workspace-access: failed: ${error}\n`);
    stderr.write(
      `grant-workspace-access: writes made before the failure: ${applied.map((s) => s.action).join(", ") || "none"}\n`,
    );
    return finish(1, {
      status: "failed",
      ...(identity ? { identity } : {}),
      ...(plan ? { plan } : {}),
      applied,
      writes: applied.length,
      errors,
    });
  }
}

/** Graph origin for the cloud, or an explicit one (https, or http for a loopback test server). */
export function resolveGraphEndpoint(
  cloud: keyof typeof GRAPH_ENDPOINTS,
  endpoint: string | undefined,
): { origin: string; scope: string } {
  if (endpoint === undefined)
    return { origin: GRAPH_ENDPOINTS[cloud], scope: `${GRAPH_ENDPOINTS[cloud]}/.default` };
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`--graph-endpoint "${endpoint}" is not a URL`);
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback))
    throw new Error(
      `--graph-endpoint "${endpoint}" must use https (plain http only for a loopback test server)`,
    );
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash || url.username)
    throw new Error(`--graph-endpoint "${endpoint}" must be an origin such as https://graph.microsoft.com`);
  return { origin: url.origin, scope: `${url.origin}/.default` };
}

await runIfEntryPoint(import.meta.url, () => run(process.argv.slice(2), process.env));
