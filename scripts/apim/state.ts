/**
 * ARM resource paths of the APIM entities we manage, and reading their current state (reads only).
 *
 * Revisions: APIM addresses a revision as `apiId;rev=N`; the bare `apiId` is the current revision.
 * Path segments are percent-encoded like the Azure SDKs do, so `;` and `=` travel as `%3B`/`%3D`.
 */
import type { ArmClient } from "./arm.js";
import type { OperationSignature } from "./upload-spec.js";

/** Which APIM instance and entities a run works on. */
export interface ApimTarget {
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  apiId: string;
  backendId: string;
  product: string | undefined;
}

const enc = encodeURIComponent;

/** ARM paths of every resource the script touches. */
export const paths = {
  service: (t: ApimTarget) =>
    `/subscriptions/${enc(t.subscriptionId)}/resourceGroups/${enc(t.resourceGroup)}/providers/Microsoft.ApiManagement/service/${enc(t.serviceName)}`,
  backend: (t: ApimTarget) => `${paths.service(t)}/backends/${enc(t.backendId)}`,
  api: (t: ApimTarget, apiId = t.apiId) => `${paths.service(t)}/apis/${enc(apiId)}`,
  operations: (t: ApimTarget, apiId = t.apiId) => `${paths.api(t, apiId)}/operations`,
  policy: (t: ApimTarget, apiId = t.apiId) => `${paths.api(t, apiId)}/policies/policy`,
  revisions: (t: ApimTarget) => `${paths.api(t)}/revisions`,
  releases: (t: ApimTarget) => `${paths.api(t)}/releases`,
  release: (t: ApimTarget, releaseId: string) => `${paths.api(t)}/releases/${enc(releaseId)}`,
  productApi: (t: ApimTarget, product: string) =>
    `${paths.service(t)}/products/${enc(product)}/apis/${enc(t.apiId)}`,
};

/** `apiId;rev=N`, APIM's name for one revision of an API. */
export const revisionId = (apiId: string, revision: number) => `${apiId};rev=${revision}`;

/** The API properties this script owns, as APIM reports them. */
export interface ApiProperties {
  displayName: string | undefined;
  path: string | undefined;
  protocols: string[] | undefined;
  subscriptionRequired: boolean | undefined;
  serviceUrl: string | undefined;
  type: string | undefined;
  apiRevision: string | undefined;
  apiRevisionDescription: string | undefined;
  /** Every property as APIM returned it, for what the script keeps (preserve.ts). */
  raw: Record<string, unknown>;
}

/** One revision from the revisions list. */
export interface RevisionInfo {
  revision: number;
  isCurrent: boolean;
  description: string | undefined;
}

/** What exists now. `undefined` = the entity does not exist. */
export interface CurrentState {
  backend:
    | { url: string | undefined; protocol: string | undefined; properties: Record<string, unknown> }
    | undefined;
  api: ApiProperties | undefined;
  operations: OperationSignature[];
  policyXml: string | undefined;
  /** `undefined` when no product was requested. */
  productLinked: boolean | undefined;
  /** Filled only when revisions matter (`--revision`, `--rollback`). */
  revisions: RevisionInfo[];
  /** Release ids of the API; filled only when revisions matter. */
  releases: string[];
}

type Resource = { properties?: Record<string, unknown> } | undefined;

/** Reads backend, API, operations, policy, product link and (optionally) revisions. */
export async function readState(
  arm: ArmClient,
  target: ApimTarget,
  what: { revisions: boolean; backend: boolean },
): Promise<CurrentState> {
  const backend = what.backend ? ((await arm.get(paths.backend(target))) as Resource) : undefined;
  const api = (await arm.get(paths.api(target))) as Resource;
  const state: CurrentState = {
    backend: backend && {
      url: str(backend.properties?.url),
      protocol: str(backend.properties?.protocol),
      properties: backend.properties ?? {},
    },
    api: api && apiProperties(api),
    operations: [],
    policyXml: undefined,
    productLinked: undefined,
    revisions: [],
    releases: [],
  };
  if (state.api) {
    state.operations = await readOperations(arm, target, target.apiId);
    state.policyXml = await readPolicy(arm, target, target.apiId);
    if (what.revisions) {
      state.revisions = await readRevisions(arm, target);
      const releases = (await arm.list(paths.releases(target))) as Array<{ name?: unknown }>;
      state.releases = releases.map((r) => String(r.name ?? "")).filter((name) => name !== "");
    }
  }
  if (target.product !== undefined)
    state.productLinked = state.api ? await arm.exists(paths.productApi(target, target.product)) : false;
  return state;
}

/** The API's operations as name + method + URL template. */
export async function readOperations(
  arm: ArmClient,
  target: ApimTarget,
  apiId: string,
): Promise<OperationSignature[]> {
  const items = (await arm.list(paths.operations(target, apiId))) as Array<{ name?: string } & Resource>;
  return items.map((item) => ({
    name: item.name ?? "",
    method: (str(item.properties?.method) ?? "").toUpperCase(),
    urlTemplate: str(item.properties?.urlTemplate) ?? "",
  }));
}

/** The API policy as stored (`rawxml`), or `undefined` when the API has none. */
export async function readPolicy(
  arm: ArmClient,
  target: ApimTarget,
  apiId: string,
): Promise<string | undefined> {
  const policy = (await arm.get(paths.policy(target, apiId), { format: "rawxml" })) as Resource;
  return str(policy?.properties?.value);
}

/** The API's revisions, lowest first. */
export async function readRevisions(arm: ArmClient, target: ApimTarget): Promise<RevisionInfo[]> {
  const items = (await arm.list(paths.revisions(target))) as Array<Record<string, unknown> & Resource>;
  return items
    .map((item) => {
      // The revisions list is a flat contract; accept a `properties` wrapper too.
      const fields = { ...item, ...(item.properties ?? {}) };
      return {
        revision: Number(fields.apiRevision),
        isCurrent: fields.isCurrent === true,
        description: str(fields.description),
      };
    })
    .filter((info) => Number.isInteger(info.revision))
    .sort((a, b) => a.revision - b.revision);
}

/** Reads the owned properties from an API resource. */
export function apiProperties(api: NonNullable<Resource>): ApiProperties {
  const p = api.properties ?? {};
  return {
    displayName: str(p.displayName),
    path: str(p.path),
    protocols: Array.isArray(p.protocols) ? p.protocols.map(String) : undefined,
    subscriptionRequired: typeof p.subscriptionRequired === "boolean" ? p.subscriptionRequired : undefined,
    serviceUrl: str(p.serviceUrl),
    type: str(p.type),
    apiRevision: str(p.apiRevision),
    apiRevisionDescription: str(p.apiRevisionDescription),
    raw: p,
  };
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
