/**
 * The awkward replies real ARM/APIM gives, one function each, with the source that shows it.
 * fake-apim.ts picks among them by option; every function here returns a plain `Response`.
 */
import { HttpResponse } from "msw";

/** How the fake answers an import PUT. */
export type LroStyle =
  /**
   * The swagger example ApiManagementCreateApiUsingOai3Import.json (Azure/azure-rest-api-specs,
   * apimanagement 2024-05-01): 201 on create, 200 on update, both with `Location` and
   * `Azure-AsyncOperation` and a body whose `provisioningState` is "InProgress". The default.
   */
  | "example"
  /** 202 with both headers and no body: what `az apim api import` traffic shows (azure-cli#28908). */
  | "accepted"
  /** 202 with `Location` only; ARM's async-operations doc allows it, core-lro polls it as "ResourceLocation". */
  | "location"
  /** 201 with "InProgress" and no headers: core-lro's "Body" mode polls the resource itself. */
  | "body";

/** Where the operation-status body carries its status, and in which case. */
export type StatusShape =
  /** `{status}`: ARM's Azure-AsyncOperation contract (learn.microsoft.com … async-operations). */
  | "top"
  /** `{properties: {status}}` lower-cased: terraform-provider-azurerm#22771 ("Missing status property"). */
  | "nested-status"
  /** `{properties: {provisioningState}}` as a resource body, read by core-lro `getProvisioningState`. */
  | "nested-provisioning-state";

/** An ARM error reply. */
export const armError = (status: number, code: string, message: string, headers?: Record<string, string>) =>
  HttpResponse.json({ error: { code, message } }, { status, ...(headers ? { headers } : {}) });

/**
 * APIM refuses a write on an API while an operation on it runs: 409 PessimisticConcurrencyConflict
 * "Operation on the API is in progress" (Azure/apiops src/common/Http.cs retries exactly this;
 * Azure/azure-api-management-devops-resource-kit FAQ "Why did I run into PessimisticConcurrencyConflict").
 */
export const inProgressConflict = () =>
  armError(409, "PessimisticConcurrencyConflict", "Operation on the API is in progress");

/** The first answer to an import PUT in the given style. */
export function importAccepted(
  style: LroStyle,
  created: boolean,
  urls: { status: string; location: string; exampleLocation: string },
  body: unknown,
): Response {
  const inProgress = {
    ...(body as object),
    properties: { ...((body as { properties?: object }).properties ?? {}), provisioningState: "InProgress" },
  };
  switch (style) {
    case "example":
      return HttpResponse.json(inProgress, {
        status: created ? 201 : 200,
        headers: { Location: urls.exampleLocation, "Azure-AsyncOperation": urls.status },
      });
    case "accepted":
      return new HttpResponse(null, {
        status: 202,
        headers: { Location: urls.location, "Azure-AsyncOperation": urls.status, "Retry-After": "2" },
      });
    case "location":
      return new HttpResponse(null, {
        status: 202,
        headers: { Location: urls.location, "Retry-After": "2" },
      });
    case "body":
      return HttpResponse.json(inProgress, { status: 201 });
  }
}

/** An operation-status body in the given shape. */
export function statusBody(
  shape: StatusShape,
  status: "InProgress" | "Succeeded" | "Failed",
  error?: unknown,
): Record<string, unknown> {
  const extra = error ? { error } : {};
  switch (shape) {
    case "top":
      return { status, ...extra };
    case "nested-status":
      return { properties: { status: status.toLowerCase() }, ...extra };
    case "nested-provisioning-state":
      return { properties: { provisioningState: status }, ...extra };
  }
}

/** What APIM does to a stored policy: one element per line, tab indentation, attributes reordered. */
export function reindent(xml: string): string {
  const tokens = xml.match(/<!--[\s\S]*?-->|<[^>]+>|[^<]+/g) ?? [];
  let depth = 0;
  const lines: string[] = [];
  for (const token of tokens) {
    if (token.trim() === "") continue;
    if (token.startsWith("</")) depth--;
    let out = token.trim();
    const tag = /^<([\w:.-]+)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>$/.exec(out);
    if (tag) {
      const attrs = [...(tag[2] ?? "").matchAll(/([\w:.-]+)="([^"]*)"/g)].reverse();
      out = `<${tag[1]}${attrs.map((a) => ` ${a[1]}="${a[2]}"`).join("")}${tag[3] ? " /" : ""}>`;
    }
    lines.push(`${"\t".repeat(Math.max(0, depth))}${out}`);
    if (tag && !tag[3]) depth++;
  }
  return lines.join("\r\n");
}
