/**
 * What a published policy must do so that the subscription key stays at the gateway and Databricks
 * is reached only as the gateway's managed identity. A policy breaking a rule is refused before
 * anything is sent (exit 2) unless `--allow-unsafe-policy` says otherwise.
 *
 * Why each rule:
 * - APIM forwards the caller's subscription key to the backend unless a policy removes it
 *   (Azure-Samples/Apim-Samples#70), header *and* query form. The removal must be unconditional: a
 *   direct child of `<inbound>`, not inside `<choose>`, where a condition could skip it.
 * - Databricks must see the gateway's identity, for the Databricks application
 *   (`authentication-managed-identity resource="2ff814a6-…"`), on every request: again a direct child
 *   of `<inbound>` (the policy is inbound-only, api-management `authentication-managed-identity-policy.md`).
 * - Routing goes through the backend entity, which holds the workspace URL the script checked;
 *   `set-backend-service base-url` would send requests (with the identity's token) anywhere.
 * - `send-request`, a `forward-request` outside `<backend>`, or an expression that reads the key
 *   (`context.Subscription.Key`, the key header or query parameter) can carry the key elsewhere;
 *   `Authorization` set from the key hands it to Databricks.
 */
import { DATABRICKS_RESOURCE_ID } from "./clouds.js";
import { attribute, findElements, type XmlElement, type XmlNode } from "./policy-xml.js";

/** The names under which callers send the key (the API's `subscriptionKeyParameterNames`). */
export interface KeyNames {
  header: string;
  query: string;
}

/** APIM's defaults, used until the API says otherwise. */
export const DEFAULT_KEY_NAMES: Readonly<KeyNames> = {
  header: "Ocp-Apim-Subscription-Key",
  query: "subscription-key",
};

const children = (element: XmlElement | undefined): XmlElement[] =>
  (element?.children ?? []).filter((child): child is XmlElement => child.kind === "element");
const section = (root: XmlElement, name: string) => children(root).find((child) => child.name === name);
const at = (element: XmlElement) => `line ${element.line}`;

/** True when `value` is a policy expression (`@(…)` or `@{…}`) that touches the key. */
function readsKey(value: string, names: KeyNames): boolean {
  if (!/@[({]/.test(value)) return false;
  const lower = value.toLowerCase();
  return (
    /subscription\s*\??\.\s*(key|primarykey|secondarykey)\b/i.test(value) ||
    lower.includes(`"${names.header.toLowerCase()}"`) ||
    lower.includes(`"${names.query.toLowerCase()}"`)
  );
}

/** Every attribute value and text of `element`, with the element it belongs to. */
function* values(element: XmlElement): Generator<{ owner: XmlElement; value: string }> {
  for (const a of element.attributes) yield { owner: element, value: a.value };
  for (const child of element.children as XmlNode[]) {
    if (child.kind === "element") yield* values(child);
    else if (child.kind === "text") yield { owner: element, value: child.value };
  }
}

/** Every rule the policy breaks, as messages naming the line; empty when it is safe to publish. */
export function unsafePolicyFindings(root: XmlElement, names: KeyNames): string[] {
  const findings: string[] = [];
  const inbound = section(root, "inbound");
  const direct = children(inbound);

  const removesHeader = direct.some(
    (e) =>
      e.name === "set-header" &&
      attribute(e, "name")?.toLowerCase() === names.header.toLowerCase() &&
      attribute(e, "exists-action") === "delete",
  );
  if (!removesHeader)
    findings.push(
      `the subscription key header is not removed: add <set-header name="${names.header}" exists-action="delete" /> directly under <inbound> (not inside <choose>); otherwise APIM forwards the key to Databricks`,
    );
  const removesQuery = direct.some(
    (e) =>
      e.name === "set-query-parameter" &&
      attribute(e, "name") === names.query &&
      attribute(e, "exists-action") === "delete",
  );
  if (!removesQuery)
    findings.push(
      `the subscription key query parameter is not removed: add <set-query-parameter name="${names.query}" exists-action="delete" /> directly under <inbound> (not inside <choose>)`,
    );

  const identity = direct.some(
    (e) =>
      e.name === "authentication-managed-identity" && attribute(e, "resource") === DATABRICKS_RESOURCE_ID,
  );
  if (!identity) {
    const nested = findElements(root, "authentication-managed-identity");
    findings.push(
      nested.length > 0
        ? `authentication-managed-identity for ${DATABRICKS_RESOURCE_ID} must be a direct child of <inbound>; at ${nested.map(at).join(", ")} it is conditional or outside <inbound>`
        : `no authentication-managed-identity resource="${DATABRICKS_RESOURCE_ID}" under <inbound>: Databricks would not see the gateway's identity`,
    );
  }

  for (const e of findElements(root, "set-backend-service"))
    if (attribute(e, "base-url") !== undefined)
      findings.push(
        `${at(e)}: set-backend-service has base-url="${attribute(e, "base-url")}"; route with backend-id only, the backend holds the checked workspace URL`,
      );
  for (const e of findElements(root, "send-request"))
    findings.push(`${at(e)}: <send-request> can send the request and its key elsewhere; it is not allowed`);
  const backend = section(root, "backend");
  const allowedForwards = new Set(backend ? findElements(backend, "forward-request") : []);
  for (const e of findElements(root, "forward-request"))
    if (!allowedForwards.has(e))
      findings.push(`${at(e)}: <forward-request> outside <backend> is not allowed`);

  for (const { owner, value } of values(root)) {
    if (!readsKey(value, names)) continue;
    const setsAuthorization =
      owner.name === "value" || owner.name === "set-header"
        ? findElements(root, "set-header").some(
            (h) =>
              attribute(h, "name")?.toLowerCase() === "authorization" &&
              (h === owner || h.children.includes(owner)),
          )
        : false;
    findings.push(
      setsAuthorization
        ? `${at(owner)}: Authorization is set from the subscription key`
        : `${at(owner)}: an expression in <${owner.name}> reads the subscription key`,
    );
  }
  return findings;
}

/** The banner printed when `--allow-unsafe-policy` lets findings through. */
export function unsafeWarning(findings: string[]): string {
  const bar = "!".repeat(78);
  return [
    bar,
    "!! WARNING: --allow-unsafe-policy: publishing a policy that can leak the subscription key or",
    "!! reach Databricks without the gateway's managed identity:",
    ...findings.map((finding) => `!!   - ${finding}`),
    bar,
  ].join("\n");
}
