/**
 * Human-readable plan and summary. Kept apart from the logic so the wording can change without
 * touching what is compared or written; `--json` prints the same data as objects instead.
 */
import type { AppliedStep } from "./apply.js";
import type { Plan, RollbackPlan } from "./plan.js";
import type { OperationSignature } from "./upload-spec.js";

const op = (o: OperationSignature) => `${o.method.padEnd(6)} ${o.urlTemplate}  (${o.name})`;
const short = (fingerprint: string | undefined) => (fingerprint ? fingerprint.slice(0, 19) : "(none)");
const show = (value: unknown) => (value === undefined ? "(unset)" : JSON.stringify(value));

/** The plan as indented lines; says "no changes" when there is nothing to write. */
export function formatPlan(plan: Plan, where: string): string {
  if (plan.writes.length === 0) {
    const count = plan.operations.unchanged;
    return [
      `Plan for API ${plan.apiId} on ${where}: no changes (backend ${plan.backend.id}, API with ${count} operations, policy${plan.product ? `, product ${plan.product.id}` : ""} are up to date).`,
      ...keptLines(plan),
    ].join("\n");
  }
  const lines = [`Plan for API ${plan.apiId} on ${where}:`];
  const { backend, api, spec, operations, policy } = plan;
  lines.push(
    backend.action === "none"
      ? `  backend ${backend.id}: up to date`
      : `  backend ${backend.id}: ${backend.action}${backend.action === "update" ? " (drift)" : ""} ${backend.from ? `${backend.from} → ` : "→ "}${backend.to}`,
  );
  if (api.action === "none")
    lines.push(`  api ${plan.apiId}: up to date (${operations.unchanged} operations)`);
  else {
    lines.push(`  api ${plan.apiId}: ${api.action === "create" ? "create and import" : "re-import"}`);
    for (const change of api.changes)
      lines.push(`    drift: ${change.name}: ${show(change.from)} → ${show(change.to)}`);
    if (spec.changed) lines.push(`    spec: ${short(spec.from)} → ${short(spec.to)}`);
    const { added, removed, changed, unchanged } = operations;
    lines.push(
      `    operations: +${added.length} -${removed.length} ~${changed.length} (${unchanged} unchanged)`,
    );
    for (const o of added) lines.push(`      + ${op(o)}`);
    for (const o of removed) lines.push(`      - ${op(o)}`);
    for (const { from, to } of changed)
      lines.push(`      ~ ${to.name}: ${from.method} ${from.urlTemplate} → ${to.method} ${to.urlTemplate}`);
    for (const cut of spec.cutReferences)
      lines.push(`    note: recursive reference cut in the upload: ${cut}`);
  }
  lines.push(
    `  policy: ${policy.action === "none" ? "up to date" : policy.action === "update" ? "update (drift: the stored policy differs)" : policy.action}`,
  );
  if (plan.revision)
    lines.push(
      `  revision: new revision ${plan.revision.to}, verified, then released (current: ${plan.revision.from})`,
    );
  if (plan.product)
    lines.push(`  product ${plan.product.id}: ${plan.product.action === "none" ? "linked" : "link"}`);
  lines.push(...keptLines(plan));
  lines.push(`${plan.writes.length} write step(s): ${plan.writes.join(" → ")}`);
  return lines.join("\n");
}

/** What the run sends back unchanged (names only: backend credentials can hold secrets). */
function keptLines(plan: Plan): string[] {
  const { backend, api } = plan.kept;
  const parts = [
    backend.length > 0 ? `backend ${backend.join(", ")}` : "",
    api.length > 0 ? `API ${api.join(", ")}` : "",
  ].filter(Boolean);
  return [
    ...(parts.length > 0 ? [`  keeps as found (not managed here): ${parts.join("; ")}`] : []),
    ...plan.notes.map((note) => `  note: ${note}`),
  ];
}

/** The rollback plan as one line. */
export function formatRollback(plan: RollbackPlan, where: string): string {
  return `Plan for API ${plan.apiId} on ${where}: roll back, make revision ${plan.to} current again (current: ${plan.from}).`;
}

/** One-line summary of what changed and how long the run took. */
export function formatSummary(applied: AppliedStep[], plan: Plan | undefined, ms: number): string {
  const took = `${(ms / 1000).toFixed(1)} s`;
  if (applied.length === 0) return `Done in ${took}: no changes, 0 writes.`;
  const parts = applied.map(({ step }) => {
    switch (step) {
      case "backend":
        return `backend ${plan?.backend.action === "create" ? "created" : "updated"}`;
      case "api": {
        const o = plan?.operations;
        return `API imported (${o ? `+${o.added.length} -${o.removed.length} ~${o.changed.length}` : ""})`;
      }
      case "revision":
        return `revision ${plan?.revision?.to ?? ""} created`;
      case "policy":
        return `policy ${plan?.policy.action === "create" ? "created" : "updated"}`;
      case "release":
        return "revision released";
      case "product":
        return `linked to product ${plan?.product?.id ?? ""}`;
    }
    return step;
  });
  return `Done in ${took}: ${parts.join(", ")}; ${applied.length} write step(s).`;
}
