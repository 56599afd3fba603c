/**
 * Who an Entra access token says it is, read from its claims (tid, oid, appid/azp, upn, idtyp,
 * xms_mirid). Only these fields are read and printed; the token itself never is. No signature check:
 * the token came from the credential, and the claims are for the log line only.
 */
import type { CredentialChoice } from "./credential.js";

/** Who a token says it is; read from its claims, never printed whole. */
export interface Identity {
  /** The principal's type, from the `idtyp` claim and the managed-identity marker `xms_mirid`. */
  kind: "user" | "service-principal" | "managed-identity" | "unknown";
  tenantId: string | undefined;
  objectId: string | undefined;
  appId?: string;
  upn?: string;
}

/** Decodes a JWT's payload; a token that is not a JWT yields an identity of unknown kind. */
export function identityFromToken(token: string): Identity {
  let claims: Record<string, unknown> = {};
  try {
    const payload = token.split(".")[1] ?? "";
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    // An opaque token: nothing to read, which the caller prints as "unknown".
  }
  const text = (name: string) => (typeof claims[name] === "string" ? (claims[name] as string) : undefined);
  const appId = text("appid") ?? text("azp");
  const upn = text("upn") ?? text("unique_name") ?? text("preferred_username");
  const idtyp = text("idtyp");
  const kind: Identity["kind"] =
    text("xms_mirid") !== undefined
      ? "managed-identity"
      : idtyp === "user" || (idtyp === undefined && upn !== undefined)
        ? "user"
        : idtyp === "app"
          ? "service-principal"
          : "unknown";
  return {
    kind,
    tenantId: text("tid"),
    objectId: text("oid"),
    ...(appId && kind !== "user" ? { appId } : {}),
    ...(upn ? { upn } : {}),
  };
}

/** One line for the log: "acting as user alice@contoso.com (object …, tenant …) via Azure CLI …". */
export function describeIdentity(selected: Pick<CredentialChoice, "label">, who: Identity): string {
  const name = who.upn ?? (who.appId ? `app ${who.appId}` : "");
  const principal = who.kind === "unknown" ? "an unknown principal" : who.kind.replace("-", " ");
  return `acting as ${principal}${name ? ` ${name}` : ""} (object id ${who.objectId ?? "unknown"}, tenant ${who.tenantId ?? "unknown"}) via ${selected.label}`;
}
