/**
 * Desired state vs current state → the list of writes needed, and nothing else.
 *
 * This is what makes re-runs safe and cheap: each entity is compared the way APIM stores it.
 * - Backend: URL (trailing slash ignored) and protocol.
 * - API: the properties we own (`displayName`, `path`, `protocols`, `serviceUrl`, `type`, and
 *   `subscriptionRequired` with `--subscription-required`) plus the spec fingerprint kept in
 *   `apiRevisionDescription`. A difference there is drift, shown and reset; what preserve.ts keeps
 *   (set in the portal) is listed and never compared, so it never causes a write. APIM does not
 *   return the imported document, so the fingerprint is the only way to notice changes that do not
 *   alter operation signatures (schemas, summaries, descriptions).
 * - Operations: by name, then method and URL template, so a missing or extra operation triggers
 *   an import even when the fingerprint matches (someone edited the API in the portal).
 * - Policy: canonical XML (APIM re-indents and re-escapes what it stores).
 */
import type { ImportOptions } from "./cli.js";
import { canonicalXml, parseXml } from "./policy-xml.js";
import { API_KEPT, keptApiProperties, keptBackendNames } from "./preserve.js";
import { type CurrentState, revisionId } from "./state.js";
import type { OperationSignature } from "./upload-spec.js";
import type { DesiredState } from "./validate.js";

/** Marker in `apiRevisionDescription` in front of the spec fingerprint. */
export const FINGERPRINT_PREFIX = "import-to-apim spec ";

/** One owned API property that differs. */
export interface PropertyChange {
  name: string;
  from: unknown;
  to: unknown;
}

/** Operation differences, each list sorted by URL template and method. */
export interface OperationDiff {
  added: OperationSignature[];
  removed: OperationSignature[];
  changed: Array<{ from: OperationSignature; to: OperationSignature }>;
  unchanged: number;
}

/** Everything a run would write, in the order it writes. */
export interface Plan {
  apiId: string;
  backend: { id: string; action: "create" | "update" | "none"; from: string | undefined; to: string };
  api: { action: "create" | "update" | "none"; changes: PropertyChange[] };
  spec: { from: string | undefined; to: string; changed: boolean; cutReferences: string[] };
  operations: OperationDiff;
  policy: { action: "create" | "update" | "none" };
  /** With `--revision`: the new revision that is imported, verified and then made current. */
  revision: { from: number; to: number } | undefined;
  product: { id: string; action: "link" | "none" } | undefined;
  /** Properties set outside the script that it sends back unchanged (names only, never values). */
  kept: { backend: string[]; api: string[] };
  /** Things worth saying about what is kept, e.g. an API that does not require a subscription. */
  notes: string[];
  /** Write steps in order; empty means "no changes". */
  writes: Array<"backend" | "revision" | "api" | "policy" | "release" | "product">;
}

/** The API properties sent with every import, as they should read back. */
export function desiredApiProperties(desired: DesiredState, options: ImportOptions): Record<string, unknown> {
  return {
    displayName: desired.displayName,
    path: options.apiSuffix,
    protocols: ["https"],
    ...(options.subscriptionRequired === undefined
      ? {}
      : { subscriptionRequired: options.subscriptionRequired }),
    serviceUrl: desired.workspaceUrl,
    type: "http",
  };
}

/** The longest revision number whose `apiId;rev=N` still fits ARM's 80-character names. */
export const MAX_RESOURCE_NAME = 80;

const trimSlash = (url: string | undefined) => url?.replace(/\/+$/, "");

/** Compares two operation lists by name, then method and URL template. */
export function diffOperations(current: OperationSignature[], wanted: OperationSignature[]): OperationDiff {
  const byName = new Map(current.map((op) => [op.name, op]));
  const wantedNames = new Set(wanted.map((op) => op.name));
  const diff: OperationDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const op of wanted) {
    const existing = byName.get(op.name);
    if (!existing) diff.added.push(op);
    else if (existing.method !== op.method || existing.urlTemplate !== op.urlTemplate)
      diff.changed.push({ from: existing, to: op });
    else diff.unchanged++;
  }
  diff.removed = current.filter((op) => !wantedNames.has(op.name));
  // Sorted by URL template, then method: the plan then reads by API area.
  const byPath = (a: OperationSignature, b: OperationSignature) =>
    a.urlTemplate.localeCompare(b.urlTemplate) || a.method.localeCompare(b.method);
  diff.added.sort(byPath);
  diff.removed.sort(byPath);
  diff.changed.sort((a, b) => byPath(a.to, b.to));
  return diff;
}

/** True when the diff has no differences. */
export const operationsMatch = (diff: OperationDiff) =>
  diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;

/** True when two policies have the same canonical form (unparsable current policy = different). */
export function samePolicy(current: string | undefined, wanted: string): boolean {
  if (current === undefined) return false;
  try {
    return canonicalXml(parseXml(current)) === canonicalXml(parseXml(wanted));
  } catch {
    return false;
  }
}

/** Computes the plan for a deploy (`--revision` or in place). */
export function computePlan(current: CurrentState, desired: DesiredState, options: ImportOptions): Plan {
  const backendUrl = current.backend?.url;
  const backendAction = !current.backend
    ? "create"
    : trimSlash(backendUrl) !== desired.workspaceUrl || current.backend.protocol !== "http"
      ? "update"
      : "none";

  const changes: PropertyChange[] = [];
  if (current.api) {
    const have: Record<string, unknown> = {
      ...current.api,
      serviceUrl: trimSlash(current.api.serviceUrl),
      protocols: current.api.protocols && [...current.api.protocols].sort(),
      type: current.api.type ?? "http",
    };
    for (const [name, to] of Object.entries(desiredApiProperties(desired, options))) {
      if (JSON.stringify(have[name]) !== JSON.stringify(to)) changes.push({ name, from: have[name], to });
    }
  }
  const description = current.api?.apiRevisionDescription;
  const fingerprint = description?.startsWith(FINGERPRINT_PREFIX)
    ? description.slice(FINGERPRINT_PREFIX.length)
    : undefined;
  const specChanged = fingerprint !== desired.spec.fingerprint;
  const operations = diffOperations(current.operations, desired.spec.operations);
  const apiAction = !current.api
    ? "create"
    : changes.length > 0 || specChanged || !operationsMatch(operations)
      ? "update"
      : "none";
  const policyAction =
    current.policyXml === undefined
      ? "create"
      : samePolicy(current.policyXml, desired.policy.xml)
        ? "none"
        : "update";

  // A new revision is worth it only for changes to the API itself; the backend is shared by all revisions.
  const useRevision =
    options.revision && current.api !== undefined && (apiAction !== "none" || policyAction !== "none");
  const currentRevision =
    current.revisions.find((r) => r.isCurrent)?.revision ?? (Number(current.api?.apiRevision) || 1);
  const nextRevision = Math.max(currentRevision, ...current.revisions.map((r) => r.revision)) + 1;

  const writes: Plan["writes"] = [];
  if (backendAction !== "none") writes.push("backend");
  if (useRevision) writes.push("revision", "api", "policy", "release");
  else {
    if (apiAction !== "none") writes.push("api");
    if (policyAction !== "none") writes.push("policy");
  }
  const product =
    options.product === undefined
      ? undefined
      : ({ id: options.product, action: current.productLinked ? "none" : "link" } as const);
  if (product?.action === "link") writes.push("product");
  if (useRevision && revisionId(options.apiId, nextRevision).length > MAX_RESOURCE_NAME)
    throw new Error(
      `revision id "${revisionId(options.apiId, nextRevision)}" is longer than ARM's ${MAX_RESOURCE_NAME} characters; use a shorter --api-id`,
    );

  const kept = keptApiProperties(current.api, options);
  const notes: string[] = [];
  if (kept.subscriptionRequired === false)
    notes.push(
      "the API does not require a subscription key (set outside this script, kept); pass --subscription-required true to manage it",
    );

  return {
    apiId: options.apiId,
    backend: { id: options.backendId, action: backendAction, from: backendUrl, to: desired.workspaceUrl },
    api: { action: apiAction, changes },
    spec: {
      from: fingerprint,
      to: desired.spec.fingerprint,
      changed: specChanged,
      cutReferences: desired.spec.cutReferences,
    },
    operations,
    policy: { action: policyAction },
    revision: useRevision ? { from: currentRevision, to: nextRevision } : undefined,
    product,
    kept: {
      backend: keptBackendNames(current.backend),
      api: API_KEPT.filter((name) => name in kept),
    },
    notes,
    writes,
  };
}

/** With `--rollback`: which revision becomes current again. */
export interface RollbackPlan {
  apiId: string;
  from: number;
  to: number;
  writes: Array<"release">;
}

/** The highest revision below the current one becomes current; throws when there is none. */
export function computeRollback(current: CurrentState, options: ImportOptions): RollbackPlan {
  if (!current.api) throw new Error(`API "${options.apiId}" does not exist; there is nothing to roll back`);
  const from = current.revisions.find((r) => r.isCurrent)?.revision ?? Number(current.api.apiRevision);
  const earlier = current.revisions.filter((r) => r.revision < from).at(-1);
  if (!earlier) throw new Error(`API "${options.apiId}" has no revision before the current revision ${from}`);
  return { apiId: options.apiId, from, to: earlier.revision, writes: ["release"] };
}
