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
    const pending = withAuth(next, auth, describeCall, [])(call(), cutoff);
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
    await withAuth(next, auth, describeCall, [])(outgoing, new Cutoff());
    expect(outgoing.headers.get("ocp-apim-subscription-key")).toBe("k-0123456789");
  });
});

// Key and token placement. Sources: APIM reads the key from `Ocp-Apim-Subscription-Key`
// (MicrosoftDocs/azure-docs:articles/api-management/api-management-subscriptions.md); Databricks takes
// a PAT or Entra token as `Authorization: Bearer <token>`
// (https://learn.microsoft.com/azure/databricks/dev-tools/auth/pat).
describe("withAuth: which headers each configuration sends", () => {
  const cutoff = () => new Cutoff();
  const credential = (token: string | null | { token: string }) => ({
    getToken: vi.fn(async () =>
      token === null || typeof token === "object"
        ? (token as { token: string; expiresOnTimestamp: number } | null)
        : { token, expiresOnTimestamp: Date.now() + 3_600_000 },
    ),
  });
  const sent = async (auth: AuthConfig) => {
    const next = vi.fn<Send>(async () => Response.json({}));
    const outgoing = call();
    await withAuth(next, auth, describeCall, [])(outgoing, cutoff());
    expect(next).toHaveBeenCalledOnce();
    return Object.fromEntries(outgoing.headers);
  };

  it("direct mode with a token sends it as a bearer token and no subscription key", async () => {
    const headers = await sent({
      kind: "direct",
      token: "dapi-0123456789",
      credential: undefined,
      scopes: [],
    });
    expect(headers).toEqual({ authorization: "Bearer dapi-0123456789" });
  });

  it("direct mode with a credential sends the credential's token, asked for the configured scopes", async () => {
    const cred = credential("entra-token-0123456789");
    const headers = await sent({
      kind: "direct",
      token: undefined,
      credential: cred,
      scopes: ["db/.default"],
    });
    expect(headers).toEqual({ authorization: "Bearer entra-token-0123456789" });
    expect(cred.getToken).toHaveBeenCalledWith(["db/.default"], expect.anything());
  });

  it("APIM with a key and a credential sends both (a gateway that checks the key and validates the token)", async () => {
    const headers = await sent({
      kind: "apim",
      subscriptionKey: "k-0123456789",
      credential: credential("entra-token-0123456789"),
      scopes: ["api://x/.default"],
    });
    expect(headers).toEqual({
      "ocp-apim-subscription-key": "k-0123456789",
      authorization: "Bearer entra-token-0123456789",
    });
  });

  it("APIM with only a credential sends no subscription key header at all", async () => {
    const headers = await sent({
      kind: "apim",
      subscriptionKey: undefined,
      credential: credential("entra-token-0123456789"),
      scopes: ["api://x/.default"],
    });
    expect(headers).toEqual({ authorization: "Bearer entra-token-0123456789" });
  });

  it("APIM with only a key sends no Authorization header", async () => {
    const headers = await sent({
      kind: "apim",
      subscriptionKey: "k-0123456789",
      credential: undefined,
      scopes: [],
    });
    expect(headers).toEqual({ "ocp-apim-subscription-key": "k-0123456789" });
  });

  it("adds no header it was not given (never `Bearer undefined`), even for a config resolveConfig would refuse", async () => {
    expect(
      await sent({ kind: "apim", subscriptionKey: undefined, credential: undefined, scopes: [] }),
    ).toEqual({});
    expect(await sent({ kind: "direct", token: undefined, credential: undefined, scopes: [] })).toEqual({});
  });

  // @azure/core-auth types getToken as `Promise<AccessToken | null>` (core-auth tokenCredential.ts).
  it.each([
    ["null", null],
    ["an empty token", { token: "" }],
  ])(
    "a credential that returns %s fails the call with DatabricksAuthError naming scopes and request",
    async (_, token) => {
      const next = vi.fn<Send>();
      const auth: AuthConfig = {
        kind: "apim",
        subscriptionKey: undefined,
        credential: credential(token),
        scopes: ["api://x/.default"],
      };
      const error = await withAuth(
        next,
        auth,
        describeCall,
        [],
      )(call(), cutoff()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DatabricksAuthError);
      expect(error).toMatchObject({
        method: "GET",
        path: "/api/2.1/clusters/get",
        message: "The credential returned no token for api://x/.default (GET /api/2.1/clusters/get).",
      });
      expect(next).not.toHaveBeenCalled();
    },
  );

  it("a failing credential's error names the request it was for", async () => {
    const auth: AuthConfig = {
      kind: "direct",
      token: undefined,
      credential: { getToken: async () => Promise.reject(new Error("AADSTS700016")) },
      scopes: ["db/.default"],
    };
    const error = await withAuth(
      vi.fn(),
      auth,
      describeCall,
      [],
    )(call(), cutoff()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ method: "GET", path: "/api/2.1/clusters/get" });
    expect((error as Error).message).toContain("AADSTS700016 (GET /api/2.1/clusters/get)");
  });
});
