/**
 * Authentication as the innermost fetch layer, so that every attempt (including retries) carries a
 * fresh token. Tokens are asked for per request and cached by the credential itself: this module never
 * keeps one. The subscription key lives only in this closure, never on an inspectable object.
 */
import type { AuthConfig } from "./config.js";
import { DatabricksAuthError } from "./errors.js";
import { redactAll } from "./redact.js";
import type { Send } from "./transport.js";

/** The header APIM reads the subscription key from. */
export const SUBSCRIPTION_KEY_HEADER = "Ocp-Apim-Subscription-Key";

/** Describes a request for error messages: method and path without the gateway prefix. */
export type Describe = (request: Request) => { method: string; path: string };

/** Wraps `next` so each request is sent with the configured key and/or bearer token. */
export function withAuth(next: Send, auth: AuthConfig, describe: Describe): Send {
  return async (request, init) => {
    // Headers go down in `init`, not on a copied Request: fetch applies them to its own copy (see `Send`).
    const headers = new Headers(init.headers ?? request.headers);
    if (auth.kind === "apim" && auth.subscriptionKey)
      headers.set(SUBSCRIPTION_KEY_HEADER, auth.subscriptionKey);
    if (auth.kind === "direct" && auth.token) headers.set("Authorization", `Bearer ${auth.token}`);
    if (auth.credential)
      headers.set("Authorization", `Bearer ${await getToken(auth, init.signal, describe(request))}`);
    return next(request, { ...init, headers });
  };
}

async function getToken(
  auth: AuthConfig,
  signal: AbortSignal,
  where: { method: string; path: string },
): Promise<string> {
  let token: { token: string } | null;
  try {
    token = (await auth.credential?.getToken(auth.scopes, { abortSignal: signal })) ?? null;
  } catch (cause) {
    signal.throwIfAborted();
    const reason = cause instanceof Error ? redactAll(cause.message, []) : "unknown error";
    throw new DatabricksAuthError(
      `Failed to get a token for ${auth.scopes.join(" ")}: ${reason} (${where.method} ${where.path}). Check the credential's configuration.`,
      { ...where, cause },
    );
  }
  if (!token?.token) {
    throw new DatabricksAuthError(
      `The credential returned no token for ${auth.scopes.join(" ")} (${where.method} ${where.path}).`,
      where,
    );
  }
  return token.token;
}
