/**
 * Rendering and checking the API policy.
 *
 * The template (`openapi/policy.xml`) is plain XML with two kinds of placeholders: `{{name}}` is
 * replaced by an XML-escaped value, and `{{#name}}…{{/name}}` keeps its content only when `name` is
 * set (an optional attribute or element). Rendering is textual, so the template itself need not be
 * well-formed; the *rendered* policy is parsed strictly, must route to our backend by id, and must
 * pass the safety rules of policy-rules.ts (key removed, managed identity, no other destinations).
 */
import { DATABRICKS_RESOURCE_ID } from "./clouds.js";
import { type KeyNames, unsafePolicyFindings } from "./policy-rules.js";
import { attribute, findElements, parseXml, type XmlElement, XmlSyntaxError } from "./policy-xml.js";

/** Values a template can use; `undefined` removes the matching `{{#name}}` section. */
export interface PolicyValues {
  backendId: string;
  managedIdentityClientId: string | undefined;
  rateLimitCalls: string | undefined;
  rateLimitPeriod: string | undefined;
}

/** A rendered policy that passed the checks, with warnings that do not block publishing. */
export interface CheckedPolicy {
  xml: string;
  root: XmlElement;
  warnings: string[];
  /** Safety rules broken, let through by `--allow-unsafe-policy`; empty otherwise. */
  unsafe: string[];
}

/** How strictly to apply the safety rules. */
export interface PolicyRules {
  keyNames: KeyNames;
  allowUnsafe: boolean;
}

const escapeXml = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Renders placeholders; throws on unknown names or unbalanced sections. */
export function renderPolicy(template: string, values: PolicyValues): string {
  const known = new Map<string, string | undefined>(Object.entries(values));
  const check = (name: string) => {
    if (!known.has(name))
      throw new Error(`unknown placeholder {{${name}}}; known: ${[...known.keys()].join(", ")}`);
  };
  const section = (_whole: string, open: string, body: string, close: string) => {
    if (open !== close) throw new Error(`section {{#${open}}} is closed by {{/${close}}}`);
    check(open);
    return known.get(open) === undefined ? "" : body;
  };
  // Markers alone on their lines take their lines with them; others are removed in place.
  const withSections = template
    .replace(/^[ \t]*\{\{#(\w+)\}\}[ \t]*\r?\n([\s\S]*?)^[ \t]*\{\{\/(\w+)\}\}[ \t]*\r?\n/gm, section)
    .replace(/\{\{#(\w+)\}\}([\s\S]*?)\{\{\/(\w+)\}\}/g, section);
  const rendered = withSections.replace(/\{\{(\w+)\}\}/g, (_whole, name: string) => {
    check(name);
    const value = known.get(name);
    if (value === undefined)
      throw new Error(`placeholder {{${name}}} is used outside a {{#${name}}} section`);
    return escapeXml(value);
  });
  const leftover = /\{\{[^}]*\}\}/.exec(rendered);
  if (leftover) throw new Error(`malformed placeholder ${leftover[0]}`);
  return rendered;
}

/**
 * Renders `template` and checks the result. Errors are returned as messages prefixed with `label`
 * (the file name), so the caller can report them together with other validation errors.
 */
export function checkPolicy(
  template: string,
  values: PolicyValues,
  label: string,
  rules: PolicyRules,
): { ok: true; policy: CheckedPolicy } | { ok: false; errors: string[] } {
  let xml: string;
  let root: XmlElement;
  try {
    xml = renderPolicy(template, values);
    root = parseXml(xml);
  } catch (error) {
    const reason =
      error instanceof XmlSyntaxError ? `not well-formed XML: ${error.message}` : (error as Error).message;
    return { ok: false, errors: [`${label}: ${reason}`] };
  }
  const errors: string[] = [];
  const warnings: string[] = [];
  if (root.name !== "policies") errors.push(`${label}: root element is <${root.name}>, expected <policies>`);

  const backends = findElements(root, "set-backend-service");
  if (backends.length === 0)
    errors.push(`${label}: no <set-backend-service backend-id="${values.backendId}"/>`);
  for (const element of backends) {
    const id = attribute(element, "backend-id");
    if (id !== values.backendId)
      errors.push(
        `${label}:${element.line}: set-backend-service backend-id is ${id === undefined ? "missing" : `"${id}"`}, expected "${values.backendId}" (--backend-id)`,
      );
  }

  for (const element of findElements(root, "authentication-managed-identity")) {
    const resource = attribute(element, "resource");
    if (resource !== DATABRICKS_RESOURCE_ID)
      errors.push(
        `${label}:${element.line}: authentication-managed-identity resource is ${resource === undefined ? "missing" : `"${resource}"`}, expected the Databricks application id ${DATABRICKS_RESOURCE_ID}`,
      );
    const clientId = attribute(element, "client-id");
    if (values.managedIdentityClientId !== undefined && clientId !== values.managedIdentityClientId)
      errors.push(
        `${label}:${element.line}: authentication-managed-identity client-id is ${clientId === undefined ? "missing" : `"${clientId}"`}, expected "${values.managedIdentityClientId}" (--managed-identity-client-id)`,
      );
  }

  const findings = unsafePolicyFindings(root, rules.keyNames);
  if (!rules.allowUnsafe) errors.push(...findings.map((finding) => `${label}: unsafe policy: ${finding}`));
  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, policy: { xml, root, warnings, unsafe: rules.allowUnsafe ? findings : [] } };
}
