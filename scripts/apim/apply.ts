/**
 * Executing a plan: backend PUT → API import PUT (long-running) → policy PUT → product link.
 *
 * The order matters: the policy names the backend, so the backend must exist first; the policy is
 * per API (and per revision), so the API must exist before it. Every import sends the full property
 * set, because an import PUT resets properties it is not given (reported for `serviceUrl` and
 * authorization settings), and `serviceUrl` is sent so APIM never derives it from the spec's servers.
 *
 * With `--revision`, changes go to a new revision `apiId;rev=N` created from the current one (as
 * `az apim api revision create` does), which is verified before a release makes it current; callers
 * keep being served by the old revision until then.
 */
import type { ArmClient } from "./arm.js";
import type { ImportOptions } from "./cli.js";
import { desiredApiProperties, FINGERPRINT_PREFIX, type Plan, type RollbackPlan } from "./plan.js";
import { backendBody, keptApiProperties } from "./preserve.js";
import { type ApimTarget, type CurrentState, paths, revisionId } from "./state.js";
import type { DesiredState } from "./validate.js";
import { verifyApi } from "./verify.js";

/** Receives one progress line per step. */
export type Progress = (line: string) => void;

/** A write that was made, with its duration. */
export interface AppliedStep {
  step: Plan["writes"][number];
  detail: string;
  ms: number;
}

/** Shared inputs of the apply functions. */
export interface ApplyContext {
  arm: ArmClient;
  target: ApimTarget;
  options: ImportOptions;
  progress: Progress;
  now: () => number;
  /** Steps made so far; filled as they complete, so a failure still reports what was written. */
  applied: AppliedStep[];
  /** Release ids the API has now; the script's own earlier ones are removed after a release. */
  releases: string[];
}

/** Prefix of the releases this script creates; only those are ever removed. */
export const RELEASE_PREFIX = "import-to-apim-rev";

/** Thrown when the new revision does not match the spec; nothing was released. */
export class RevisionVerifyError extends Error {
  override readonly name = "RevisionVerifyError";
}

/** The body of the API import PUT: the spec, what the script manages, and what it keeps. */
export function importBody(
  desired: DesiredState,
  options: ImportOptions,
  current: CurrentState["api"],
): { properties: Record<string, unknown> } {
  return {
    properties: {
      format: "openapi+json",
      value: desired.spec.text,
      subscriptionRequired: true,
      ...keptApiProperties(current, options),
      ...desiredApiProperties(desired, options),
      translateRequiredQueryParameters: "query",
      apiRevisionDescription: `${FINGERPRINT_PREFIX}${desired.spec.fingerprint}`,
    },
  };
}

/** Applies a deploy plan; the steps made are appended to `ctx.applied`. */
export async function applyPlan(
  ctx: ApplyContext,
  plan: Plan,
  desired: DesiredState,
  current: CurrentState,
): Promise<void> {
  const { arm, target, options, applied } = ctx;
  const step = async (name: AppliedStep["step"], detail: string, write: () => Promise<unknown>) => {
    const started = ctx.now();
    ctx.progress(`  ${name}: ${detail} …`);
    await write();
    const ms = ctx.now() - started;
    applied.push({ step: name, detail, ms });
    ctx.progress(`  ${name}: done (${seconds(ms)})`);
  };
  const apiId = plan.revision ? revisionId(options.apiId, plan.revision.to) : options.apiId;

  if (plan.writes.includes("backend"))
    await step("backend", `PUT backend ${options.backendId} → ${desired.workspaceUrl}`, () =>
      arm.put(paths.backend(target), backendBody(current.backend, desired.workspaceUrl)),
    );
  if (plan.writes.includes("revision"))
    await step("revision", `create revision ${apiId} from the current revision`, () =>
      arm.putAndWait(paths.api(target, apiId), {
        properties: {
          sourceApiId: `/apis/${options.apiId}`,
          ...keptApiProperties(current.api, options),
          ...desiredApiProperties(desired, options),
          apiRevisionDescription: `created by import-to-apim from revision ${plan.revision?.from}`,
        },
      }),
    );
  if (plan.writes.includes("api"))
    await step(
      "api",
      `import ${desired.spec.operations.length} operations into ${apiId} (long-running)`,
      () => arm.putAndWait(paths.api(target, apiId), importBody(desired, options, current.api)),
    );
  if (plan.writes.includes("policy"))
    await step("policy", `PUT policy of ${apiId} (rawxml)`, () =>
      arm.put(paths.policy(target, apiId), { properties: { format: "rawxml", value: desired.policy.xml } }),
    );
  if (plan.revision) {
    ctx.progress(`  verify: revision ${plan.revision.to} before releasing it …`);
    const result = await verifyApi(arm, target, apiId, {
      operations: desired.spec.operations,
      policyXml: desired.policy.xml,
    });
    if (result.problems.length > 0)
      throw new RevisionVerifyError(
        `revision ${plan.revision.to} was not released, revision ${plan.revision.from} stays current:\n${result.problems.join("\n")}`,
      );
    await release(ctx, plan.revision.to, `import-to-apim ${desired.spec.fingerprint.slice(0, 19)}`);
  }
  if (plan.product?.action === "link") {
    const product = plan.product.id;
    await step("product", `link API ${options.apiId} to product ${product}`, () =>
      arm.put(paths.productApi(target, product), undefined),
    );
  }
}

/** Applies a rollback: a release that makes the earlier revision current. */
export async function applyRollback(ctx: ApplyContext, plan: RollbackPlan): Promise<void> {
  await release(ctx, plan.to, `rollback from revision ${plan.from} by import-to-apim`);
}

/** PUT a release; APIM makes the release's revision the current one. */
async function release(ctx: ApplyContext, revision: number, notes: string): Promise<void> {
  const started = ctx.now();
  const detail = `make revision ${revision} current (release)`;
  ctx.progress(`  release: ${detail} …`);
  // One release per revision, named by it: a re-run reuses it, and the script's releases for other
  // revisions are removed afterwards so they do not pile up. Releases made by others are left alone.
  const releaseId = `${RELEASE_PREFIX}${revision}`;
  await ctx.arm.put(paths.release(ctx.target, releaseId), {
    properties: { apiId: `/apis/${revisionId(ctx.options.apiId, revision)}`, notes },
  });
  for (const old of ctx.releases.filter((id) => id.startsWith(RELEASE_PREFIX) && id !== releaseId))
    await ctx.arm.delete(paths.release(ctx.target, old));
  const ms = ctx.now() - started;
  ctx.applied.push({ step: "release", detail, ms });
  ctx.progress(`  release: done (${seconds(ms)})`);
}

/** Milliseconds as "1.2 s". */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
