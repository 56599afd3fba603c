/**
 * `scripts/import-to-apim`: publishes the curated spec to Azure API Management as the whitelist of
 * callable operations, with a backend for the workspace and the managed-identity policy.
 *
 * Steps: validate (no network) → read current state → plan → apply only what changed → verify.
 * `run()` takes every side effect as a dependency (credential, fetch, clock, output, files) so tests
 * drive it in-process against an in-memory APIM. The credential is built (lib/credential.ts: the
 * developer sign-in unless asked otherwise) only after validation passed, and before the first ARM
 * request the run prints who it acts as, read from the token's claims.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import { redactAll } from "../../src/redact.js";
import { runIfEntryPoint, type ScriptDeps, signIn, startRun } from "../lib/run-main.js";
import { type AppliedStep, applyPlan, applyRollback, seconds } from "./apply.js";
import { createArmClient } from "./arm.js";
import { EXIT_INVALID, type ImportOptions, parseCommandLine, usage } from "./cli.js";
import { CLOUDS, resolveArmEndpoint } from "./clouds.js";
import { computePlan, computeRollback, type Plan, type RollbackPlan } from "./plan.js";
import { unsafeWarning } from "./policy-rules.js";
import { findingsForKeyNames } from "./preserve.js";
import { formatPlan, formatRollback, formatSummary } from "./report.js";
import { type ApimTarget, readState } from "./state.js";
import { type DesiredState, type ReadFile, validateInputs } from "./validate.js";
import { readCurrentRevision, type VerifyResult, verifyApi } from "./verify.js";

/** Side effects of a run; everything defaults to the real thing. */
export interface RunDeps extends ScriptDeps {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  readFile?: ReadFile;
  cwd?: string;
}

/** The `--json` document. */
interface JsonResult {
  status: "invalid" | "no-changes" | "planned" | "applied" | "failed";
  plan?: Plan | RollbackPlan;
  applied?: AppliedStep[];
  verify?: VerifyResult;
  writes?: number;
  durationMs?: number;
  warnings?: string[];
  errors?: string[];
}

/** Runs the command; resolves with the exit code (0 ok, 1 Azure/verify failure, 2 bad input, 3 no token). */
export async function run(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  deps: RunDeps = {},
): Promise<number> {
  const now = deps.now ?? Date.now;
  const cwd = deps.cwd ?? process.cwd();
  const started = now();
  const start = startRun<ImportOptions, JsonResult>(parseCommandLine(argv, env, cwd), argv, deps, {
    command: "import-to-apim",
    usage,
    nothingSent: "nothing was sent to Azure.",
    decorate: (result) => ({ ...result, durationMs: now() - started }),
  });
  if ("exit" in start) return start.exit;
  const { out, options } = start;
  const { log, finish, invalid, stderr } = out;

  let endpoint: { origin: string; scope: string };
  try {
    endpoint = resolveArmEndpoint(options.cloud, options.armEndpoint);
  } catch (error) {
    return invalid([(error as Error).message]);
  }
  let desired: DesiredState | undefined;
  if (!options.rollback) {
    const display = (path: string) => {
      const rel = relative(cwd, path);
      return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
    };
    const checked = validateInputs(options, deps.readFile ?? ((path) => readFileSync(path, "utf8")), display);
    if (!checked.ok) return invalid(checked.errors);
    desired = checked.desired;
    const { spec } = desired;
    log(
      `[1/5] validate: ${spec.file} (${spec.operations.length} of ${spec.sourceOperations} operations, ${(spec.text.length / 1024).toFixed(0)} KiB upload), ${desired.policy.file}, workspace ${desired.workspaceUrl}`,
    );
    for (const warning of desired.warnings) log(`  warning: ${warning}`);
    if (desired.policy.unsafe.length > 0) stderr.write(`${unsafeWarning(desired.policy.unsafe)}\n`);
  } else log("[1/5] validate: rollback needs no spec or policy");

  const target: ApimTarget = {
    subscriptionId: options.subscriptionId,
    resourceGroup: options.resourceGroup,
    serviceName: options.serviceName,
    apiId: options.apiId,
    backendId: options.backendId,
    product: options.rollback ? undefined : options.product,
  };
  const selected = await signIn(out, deps, {
    choice: options.credential,
    env,
    authorityHost: CLOUDS[options.cloud].authorityHost,
    scope: endpoint.scope,
    now,
  });
  if (typeof selected === "number") return selected;
  const credential = selected.credential;
  const arm = createArmClient({
    ...endpoint,
    credential,
    fetch: deps.fetch ?? globalThis.fetch,
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    now,
    ...(deps.random ? { random: deps.random } : {}),
    onEvent: (event) =>
      log(
        event.kind === "retry"
          ? `  retry ${event.attempt}: ${event.method} ${event.path} → ${event.status ?? "network error"}${event.code ? ` ${event.code}` : ""}, waiting ${seconds(event.delayMs)}`
          : `  poll: ${event.path} → ${event.status}`,
      ),
  });
  const where = `${options.serviceName} (${options.resourceGroup}, ${endpoint.origin})`;
  let plan: Plan | RollbackPlan | undefined;
  const applied: AppliedStep[] = [];
  try {
    log(`[2/5] read: current state of ${where}`);
    const state = await readState(arm, target, {
      revisions: options.revision || options.rollback,
      backend: !options.rollback,
    });
    if (options.rollback || !desired) {
      const rollback = computeRollback(state, options);
      plan = rollback;
      log(`[3/5] plan\n${formatRollback(rollback, where)}`);
      if (options.dryRun) return done("planned", 0);
      log("[4/5] apply");
      const releases = state.releases;
      await applyRollback({ arm, target, options, progress: log, now, applied, releases }, rollback);
      log("[5/5] verify: current revision");
      const current = await readCurrentRevision(arm, target);
      if (current !== String(rollback.to))
        return fail([
          `after the release, the current revision is ${current ?? "unknown"}, expected ${rollback.to}`,
        ]);
      return done("applied", 0);
    }

    // The API may take the key under other names than APIM's defaults; the policy must remove those.
    const keyFindings = findingsForKeyNames(desired.policy.root, state.api);
    if (keyFindings.length > 0 && !options.allowUnsafePolicy) {
      const errors = keyFindings.map(
        (f) => `${desired?.policy.file}: unsafe policy for this API's key names: ${f}`,
      );
      for (const error of errors) stderr.write(`import-to-apim: ${error}\n`);
      stderr.write("import-to-apim: nothing was written.\n");
      return finish(EXIT_INVALID, { status: "invalid", errors, writes: 0 });
    }
    if (keyFindings.length > 0) stderr.write(`${unsafeWarning(keyFindings)}\n`);
    const deploy = computePlan(state, desired, options);
    plan = deploy;
    log(`[3/5] plan\n${formatPlan(deploy, where)}`);
    if (deploy.writes.length === 0) return done("no-changes", 0);
    if (options.dryRun) return done("planned", 0);
    log("[4/5] apply");
    const releases = state.releases;
    await applyPlan({ arm, target, options, progress: log, now, applied, releases }, deploy, desired, state);
    log(`[5/5] verify: operations and policy of ${options.apiId}`);
    const verify = await verifyApi(arm, target, options.apiId, {
      operations: desired.spec.operations,
      policyXml: desired.policy.xml,
    });
    if (deploy.revision) {
      const current = await readCurrentRevision(arm, target);
      if (current !== String(deploy.revision.to))
        verify.problems.push(
          `the current revision is ${current ?? "unknown"}, expected ${deploy.revision.to}`,
        );
    }
    if (verify.problems.length > 0) return fail(verify.problems, verify);
    log(`  verify: ${desired.spec.operations.length} operations and the policy match`);
    return done("applied", 0, verify);
  } catch (error) {
    return fail([redactAll((error as Error).message ?? String(error), [])]);
  }

  function done(status: JsonResult["status"], code: number, verify?: VerifyResult): number {
    const ms = now() - started;
    log(
      status === "planned"
        ? `Dry run finished in ${seconds(ms)}: nothing was written.`
        : formatSummary(applied, plan && "backend" in plan ? plan : undefined, ms),
    );
    return finish(code, {
      status,
      ...(plan ? { plan } : {}),
      applied,
      ...(verify ? { verify } : {}),
      writes: arm.writes,
      warnings: desired?.warnings ?? [],
    });
  }
  function fail(errors: string[], verify?: VerifyResult): number {
    for (const error of errors) stderr.write(`import-to-apim: failed: ${error}\n`);
    const steps = applied.map((step) => step.step).join(", ") || "none";
    stderr.write(`import-to-apim: writes made before the failure: ${steps}\n`);
    return finish(1, {
      status: "failed",
      ...(plan ? { plan } : {}),
      applied,
      ...(verify ? { verify } : {}),
      writes: arm.writes,
      errors,
    });
  }
}

// `npm run` starts scripts in the package root; relative --spec/--policy paths mean the caller's directory.
await runIfEntryPoint(import.meta.url, () =>
  run(process.argv.slice(2), process.env, { cwd: process.env.INIT_CWD ?? process.cwd() }),
);
