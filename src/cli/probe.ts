/**
 * One read-only request through the gateway, and what its answer means. Who wrote the answer is told
 * by its body: APIM writes `{ statusCode, message }`, Databricks `{ error_code, message }`
 * (APIM's verbatim bodies: shared research notes, docs/apim.md §3; Databricks: REST API error docs).
 * Redirects are never followed (the key must not reach another origin) and bodies are read up to a cap.
 */

/** The stable cause codes `databricks-apim doctor` reports. */
export type Cause =
  | "unreachable"
  | "missing-subscription-key"
  | "invalid-subscription-key"
  | "api-not-found"
  | "managed-identity-not-granted"
  | "permission-denied"
  | "backend-unreachable"
  | "wildcard-operation"
  | "rate-limited"
  | "quota-exceeded";

/** What one probe found. */
export type ProbeResult =
  | { kind: "network"; code: string; message: string }
  | { kind: "ok"; status: number }
  | { kind: "redirect"; status: number; location: string }
  | {
      kind: "refused";
      status: number;
      by: "apim" | "databricks" | "unknown";
      cause: Cause | undefined;
      message: string;
    };

const MAX_BODY = 64 * 1024;

/** GETs `url` with the key (when there is one) and classifies the answer. */
export async function probe(
  url: string,
  key: string | undefined,
  options: { fetch: typeof fetch; timeoutMs: number },
): Promise<ProbeResult> {
  let response: Response;
  try {
    response = await options.fetch(url, {
      method: "GET",
      redirect: "manual",
      headers: { Accept: "application/json", ...(key ? { "Ocp-Apim-Subscription-Key": key } : {}) },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const code =
      typeof cause?.code === "string"
        ? cause.code
        : (error as Error).name === "TimeoutError"
          ? "TIMEOUT"
          : "NETWORK";
    const message = typeof cause?.message === "string" ? cause.message : String((error as Error).message);
    return { kind: "network", code, message };
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    let location = response.headers.get("location") ?? "";
    try {
      // Only the origin: a redirect URL may carry anything, the key included.
      location = new URL(location, url).origin;
    } catch {
      location = "an unreadable location";
    }
    return { kind: "redirect", status: response.status, location };
  }
  const text = await readCapped(response);
  if (response.status >= 200 && response.status < 300) return { kind: "ok", status: response.status };
  return classify(response.status, text);
}

/** Maps a refusal to its cause. */
export function classify(status: number, text: string): ProbeResult & { kind: "refused" } {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: neither APIM nor Databricks wrote it.
  }
  // Databricks' front end has answered an Entra identity that is not a workspace user with its HTML
  // page "User not authorized" (gbrueckl/Databricks.API.PowerShell#20, DataThirstLtd/databricks.vsts.tools#20).
  const unknownIdentity = status === 403 && /Reason:[\s\S]*User not authorized/i.test(text);
  const message =
    typeof body.message === "string"
      ? body.message
      : unknownIdentity
        ? "User not authorized (an HTML page)"
        : text.slice(0, 200);
  const by: "apim" | "databricks" | "unknown" =
    "error_code" in body || unknownIdentity ? "databricks" : "statusCode" in body ? "apim" : "unknown";
  const refused = (cause: Cause | undefined) => ({ kind: "refused" as const, status, by, cause, message });
  if (status === 429) return refused("rate-limited");
  if (by === "apim") {
    if (status === 401 && /missing subscription key/i.test(message))
      return refused("missing-subscription-key");
    if (status === 401) return refused("invalid-subscription-key");
    if (status === 404) return refused("api-not-found");
    if (status === 403 && /quota/i.test(message)) return refused("quota-exceeded");
    if (status >= 500) return refused("backend-unreachable");
    return refused(undefined);
  }
  if (by === "databricks") {
    if (status === 401 || unknownIdentity) return refused("managed-identity-not-granted");
    if (status === 403) return refused("permission-denied");
  }
  return refused(undefined);
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size >= MAX_BODY) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).toString("utf8").slice(0, MAX_BODY);
}
