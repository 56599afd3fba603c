/**
 * Auth as the innermost layer: the key or token is set on every attempt, and a credential is asked
 * with the attempt's signal, so a timeout or the caller's abort also ends a token request that hangs.
 */
import { inspect } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { withAuth } from "../src/auth.js";
import type { Outgoing, Send } from "../src/call.js";
import type { AuthConfig } from "../src/config.js";
import { Cutoff } from "../src/cutoff.js";
import { DatabricksAuthError } from "../src/errors.js";

const call = (): Outgoing => ({
  url: "https://apim.example.net/dbw-01/api/2.1/clusters/get",
  method: "GET",
  headers: new Headers(),
  body: null,
  signal: undefined,
  init: {},
});
const describeCall = () => ({ method: "GET", path: "/api/2.1/clusters/get" });

describe("withAuth", () => {
  it("asks the credential with the attempt's signal, and a hanging token request ends with it", async () => {
    const getToken = vi.fn(
      (_scopes: string | string[], options?: { abortSignal?: AbortSignal }) =>
        new Promise<{ token: string; expiresOnTimestamp: number }>((_resolve, reject) => {
          options?.abortSignal?.addEventListener("abort", () => reject(options.abortSignal?.reason));
        }),
    );
    const auth: AuthConfig = {
      kind: "apim",
      subscriptionKey: undefined,
      credential: { getToken },
      scopes: ["api://x/.default"],
    };
    const next = vi.fn<Send>(async () => Response.json({}));
    const cutoff = new Cutoff();
    const pending = withAuth(next, auth, describeCall)(call(), cutoff);
    expect(getToken).toHaveBeenCalledWith(["api://x/.default"], { abortSignal: cutoff.signal });
    cutoff.abort(new Error("attempt timed out"));
    await expect(pending).rejects.toThrow("attempt timed out");
    expect(next).not.toHaveBeenCalled();
  });

  it("reports a failing credential as DatabricksAuthError without its secret", async () => {
    const secret = "sk-auth-0123456789abcdef";
    const getToken = vi.fn(async () => {
      throw new Error(`bad client secret ${secret}`);
    });
    const auth: AuthConfig = {
      kind: "apim",
      subscriptionKey: secret,
      credential: { getToken },
      scopes: ["s"],
    };
    const error = await withAuth(vi.fn(), auth, describeCall, [secret])(call(), new Cutoff()).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DatabricksAuthError);
    // The credential's own error is kept as `cause`, redacted like the message.
    expect(inspect(error, { depth: 10 })).not.toContain(secret);
    expect(inspect(error, { depth: 10 })).toContain("bad client secret [REDACTED]");
  });

  it("sets the subscription key on every attempt", async () => {
    const next = vi.fn<Send>(async () => Response.json({}));
    const auth: AuthConfig = {
      kind: "apim",
      subscriptionKey: "k-0123456789",
      credential: undefined,
      scopes: [],
    };
    const outgoing = call();
    await withAuth(next, auth, describeCall)(outgoing, new Cutoff());
    expect(outgoing.headers.get("ocp-apim-subscription-key")).toBe("k-0123456789");
  });
});
