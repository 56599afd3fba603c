/**
 * Authentication as the innermost fetch layer, so that every attempt (including retries) carries a
 * fresh token. Tokens are asked for per request and cached by the credential itself: this module never
 * keeps one. The subscription key lives only in this closure, never on an inspectable object.
 */
import type { Describe, Send } from "./call.js";
import type { AuthConfig } from "./config.js";
import type { Cutoff } from "./cutoff.js";
import { tokenError } from "./failures.js";

/** The header APIM reads the subscription key from. */
export const SUBSCRIPTION_KEY_HEADER = "Ocp-Apim-Subscription-Key";

/**
 * Wraps `next` so each attempt is sent with the configured key and/or bearer token. `secrets` (redacted
 * from token errors) has no default, so no caller can leave it out by accident.
 */
export function withAuth(next: Send, auth: AuthConfig, describe: Describe, secrets: readonly string[]): Send {
  // The call's Headers belong to this call alone (outgoing.ts), so setting on them is safe, and
  // setting again on a retry just puts the same key (or a fresher token) back.
  const fixed: [string, string] | undefined =
    auth.kind === "apim" && auth.subscriptionKey
      ? [SUBSCRIPTION_KEY_HEADER, auth.subscriptionKey]
      : auth.kind === "direct" && auth.token
        ? ["Authorization", `Bearer ${auth.token}`]
        : undefined;
  const { credential } = auth;
  if (!credential)
    return (call, cutoff) => {
      if (fixed) call.headers.set(fixed[0], fixed[1]);
      return next(call, cutoff);
    };
  return async (call, cutoff) => {
    if (fixed) call.headers.set(fixed[0], fixed[1]);
    const token = await getToken(auth, cutoff, () => describe(call.url, call.method), secrets);
    call.headers.set("Authorization", `Bearer ${token}`);
    return next(call, cutoff);
  };
}

async function getToken(
  auth: AuthConfig,
  cutoff: Cutoff,
  where: () => { method: string; path: string },
  secrets: readonly string[],
): Promise<string> {
  let token: { token: string } | null;
  try {
    token = (await auth.credential?.getToken(auth.scopes, { abortSignal: cutoff.signal })) ?? null;
  } catch (cause) {
    cutoff.throwIfAborted();
    throw tokenError({ scopes: auth.scopes, ...where(), cause, secrets });
  }
  if (!token?.token) throw tokenError({ scopes: auth.scopes, ...where(), secrets });
  return token.token;
}
