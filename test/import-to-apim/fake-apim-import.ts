/**
 * What an import does to an API in the fake APIM: the operations it derives from the document, and the
 * properties it resets because the import PUT did not carry them.
 */
import { normalizeOperationName } from "../../scripts/lib/apim-rules.js";
import { listOperations, type OpenApiDocument } from "../../scripts/lib/spec.js";
import type { FakeOperation } from "./fake-apim.js";

/**
 * Operations as APIM names them: normalised `operationId`, a `-N` suffix on collisions, and required
 * query parameters in the URL template unless `translateRequiredQueryParameters: "query"`.
 */
export function operationsOf(doc: OpenApiDocument, queryAsQuery: boolean): FakeOperation[] {
  const taken = new Set<string>();
  return listOperations(doc).map(({ method, path, op }) => {
    let name = normalizeOperationName(op.operationId ?? `${method}-${path}`);
    for (let i = 1; taken.has(name); i++) name = `${name.slice(0, 76)}-${i}`;
    taken.add(name);
    const required = (op.parameters ?? []).filter((p) => p.in === "query" && p.required);
    const query = required.map((p) => `${p.name}={${p.name}}`).join("&");
    const urlTemplate = queryAsQuery || !query ? path : `${path}?${query}`;
    return { name, method, urlTemplate, displayName: op.summary ?? name };
  });
}

/**
 * An import PUT resets what it is not given: user authorization (azure-powershell#18880,
 * azure-cli#22871), the subscription key names (Azure/api-management-developer-portal#1194), and takes
 * description/contact/license from the document (terraform azurerm_api_management_api docs warn of
 * this drift). `serviceUrl` comes from the document's first server when not given (import restrictions doc).
 */
export function resetOnImport(
  properties: Record<string, unknown>,
  doc: OpenApiDocument,
  given: Record<string, unknown>,
): void {
  for (const name of ["authenticationSettings", "contact", "license", "description"]) delete properties[name];
  properties.subscriptionKeyParameterNames = {
    header: "Ocp-Apim-Subscription-Key",
    query: "subscription-key",
  };
  properties.subscriptionRequired = true;
  const info = doc.info as { description?: string; contact?: unknown; license?: unknown };
  if (info.description !== undefined) properties.description = info.description;
  if (info.contact !== undefined) properties.contact = info.contact;
  if (info.license !== undefined) properties.license = info.license;
  if (given.serviceUrl === undefined) properties.serviceUrl = doc.servers?.[0]?.url;
}
