/**
 * What the script keeps from the current backend and API when it writes them.
 *
 * A PUT replaces the whole entity: a backend PUT without `credentials` removes the credentials set in
 * the portal (azure-cli#29363), and an import PUT resets API properties it is not given, such as the
 * user authorization (azure-powershell#18880, azure-cli#22871) and the subscription key names
 * (Azure/api-management-developer-portal#1194). So the script reads, merges and writes: it owns only
 * the properties listed as managed, and sends every other property back as it found it.
 */
import type { ImportOptions } from "./cli.js";
import { DEFAULT_KEY_NAMES, type KeyNames, unsafePolicyFindings } from "./policy-rules.js";
import type { XmlElement } from "./policy-xml.js";
import type { CurrentState } from "./state.js";

/** Backend properties the script writes; every other backend property is kept. */
export const BACKEND_MANAGED = ["url", "protocol"] as const;

/** API properties kept from the current API; `subscriptionRequired` only while no flag manages it. */
export const API_KEPT = [
  "subscriptionKeyParameterNames",
  "authenticationSettings",
  "description",
  "contact",
  "license",
  "subscriptionRequired",
] as const;

const present = (value: unknown) => value !== undefined && value !== null;

/** The backend PUT body: the current properties with the managed ones replaced. */
export function backendBody(
  current: CurrentState["backend"],
  workspaceUrl: string,
): { properties: Record<string, unknown> } {
  const kept = Object.fromEntries(
    Object.entries(current?.properties ?? {}).filter(
      ([name, value]) => !(BACKEND_MANAGED as readonly string[]).includes(name) && present(value),
    ),
  );
  return { properties: { ...kept, url: workspaceUrl, protocol: "http" } };
}

/** Names of the backend properties that will be kept (for the plan; values are never printed). */
export function keptBackendNames(current: CurrentState["backend"]): string[] {
  return Object.keys(backendBody(current, "").properties)
    .filter((name) => !(BACKEND_MANAGED as readonly string[]).includes(name))
    .sort();
}

/** The API properties to send back unchanged. */
export function keptApiProperties(
  current: CurrentState["api"],
  options: Pick<ImportOptions, "subscriptionRequired">,
): Record<string, unknown> {
  const raw = current?.raw ?? {};
  const kept: Record<string, unknown> = {};
  for (const name of API_KEPT) {
    if (name === "subscriptionRequired" && options.subscriptionRequired !== undefined) continue;
    if (present(raw[name])) kept[name] = raw[name];
  }
  return kept;
}

/** The names callers send the key under for this API (APIM's defaults until it says otherwise). */
export function keyNamesOf(current: CurrentState["api"]): KeyNames {
  const names = current?.raw.subscriptionKeyParameterNames as Partial<KeyNames> | undefined;
  return {
    header: typeof names?.header === "string" ? names.header : DEFAULT_KEY_NAMES.header,
    query: typeof names?.query === "string" ? names.query : DEFAULT_KEY_NAMES.query,
  };
}

/** The policy rules again for an API whose key names are not APIM's defaults (validation used those). */
export function findingsForKeyNames(policy: XmlElement, current: CurrentState["api"]): string[] {
  const names = keyNamesOf(current);
  const defaults = names.header === DEFAULT_KEY_NAMES.header && names.query === DEFAULT_KEY_NAMES.query;
  return defaults ? [] : unsafePolicyFindings(policy, names);
}
