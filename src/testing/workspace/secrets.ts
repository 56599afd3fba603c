/**
 * Secret scopes and secrets (API 2.0 `secrets/*`). Values are write-only through the API, as in
 * Databricks (there is no "get secret" operation in the spec); tests read them through the controls.
 * A missing scope is 404 RESOURCE_DOES_NOT_EXIST "Scope … does not exist!", a duplicate one
 * RESOURCE_ALREADY_EXISTS.
 */
import type { AclItem, SecretScope } from "../../generated/schema.js";
import { WorkspaceError } from "../http.js";
import type { WorkspaceArea, WorkspaceContext } from "./context.js";
import { alreadyExists, invalidParameter, notFound, requiredField, requiredParam } from "./errors.js";

/** Test controls for secrets. */
export interface SecretControls {
  /** Names of all scopes. */
  scopes(): string[];
  /** A secret's value (string secrets as text, bytes secrets as base64), or `undefined`. */
  value(scope: string, key: string): string | undefined;
  /** Creates the scope if needed and stores a secret. */
  put(scope: string, key: string, value: string): void;
}

interface Scope {
  info: SecretScope;
  acls: AclItem[];
  secrets: Map<string, { value: string; updated: number }>;
}

const NAME = /^[\w.@-]{1,128}$/;
/** "The maximum allowed secret value size is 128 KB. The maximum number of secrets in a given scope is 1000." */
const MAX_VALUE_BYTES = 128 * 1024;
const MAX_SECRETS_PER_SCOPE = 1000;

/** Creates the secrets area. */
export function createSecrets(ctx: WorkspaceContext): WorkspaceArea<SecretControls> {
  const scopes = new Map<string, Scope>();

  function find(name: string): Scope {
    const scope = scopes.get(name);
    if (!scope) throw notFound(`Scope ${name} does not exist!`);
    return scope;
  }

  function create(name: string, info: Partial<SecretScope> = {}, manager = ctx.me()): Scope {
    const scope: Scope = {
      info: { name, backend_type: "DATABRICKS", ...info },
      acls: [{ principal: manager, permission: "MANAGE" }],
      secrets: new Map(),
    };
    scopes.set(name, scope);
    return scope;
  }

  const { http } = ctx;
  const handlers = [
    http.get("/api/2.0/secrets/scopes/list", () => ({
      scopes: [...scopes.values()].map((s) => structuredClone(s.info)),
    })),
    http.post("/api/2.0/secrets/scopes/create", ({ body }) => {
      const name = requiredField(body.scope, "scope");
      if (!NAME.test(name)) {
        throw invalidParameter(
          `Scope name '${name}' may contain only alphanumerics, dashes, underscores, periods and @.`,
        );
      }
      if (scopes.has(name)) throw alreadyExists(`Scope ${name} already exists!`);
      const azure = body.scope_backend_type === "AZURE_KEYVAULT";
      if (azure && !body.backend_azure_keyvault)
        throw invalidParameter("backend_azure_keyvault is required.");
      create(
        name,
        azure && body.backend_azure_keyvault
          ? { backend_type: "AZURE_KEYVAULT", keyvault_metadata: body.backend_azure_keyvault }
          : {},
        body.initial_manage_principal ?? ctx.me(),
      );
      return {};
    }),
    http.post("/api/2.0/secrets/scopes/delete", ({ body }) => {
      find(body.scope);
      scopes.delete(body.scope);
      return {};
    }),
    http.get("/api/2.0/secrets/list", ({ query }) => {
      const scope = find(requiredParam(query, "scope"));
      const secrets = [...scope.secrets].map(([key, s]) => ({ key, last_updated_timestamp: s.updated }));
      return { secrets };
    }),
    http.post("/api/2.0/secrets/put", ({ body }) => {
      const scope = find(body.scope);
      const key = requiredField(body.key, "key");
      if (!NAME.test(key)) throw invalidParameter(`Secret key '${key}' has invalid characters.`);
      if ((body.string_value === undefined) === (body.bytes_value === undefined)) {
        throw invalidParameter("Exactly one of string_value or bytes_value must be specified.");
      }
      const size =
        body.string_value === undefined
          ? base64Bytes(body.bytes_value ?? "")
          : new TextEncoder().encode(body.string_value).length;
      if (size > MAX_VALUE_BYTES) {
        throw invalidParameter(
          `Size of secret value (${size} bytes) exceeds the maximum allowed size of ${MAX_VALUE_BYTES} bytes.`,
        );
      }
      if (!scope.secrets.has(key) && scope.secrets.size >= MAX_SECRETS_PER_SCOPE) {
        throw new WorkspaceError(
          400,
          "RESOURCE_LIMIT_EXCEEDED",
          `Scope ${body.scope} has reached the limit of ${MAX_SECRETS_PER_SCOPE} secrets.`,
        );
      }
      scope.secrets.set(key, {
        value: body.string_value ?? body.bytes_value ?? "",
        updated: ctx.clock.now(),
      });
      return {};
    }),
    http.post("/api/2.0/secrets/delete", ({ body }) => {
      const scope = find(body.scope);
      if (!scope.secrets.delete(body.key))
        throw notFound(`Secret ${body.key} does not exist in scope ${body.scope}!`);
      return {};
    }),
    http.get("/api/2.0/secrets/acls/list", ({ query }) => ({
      items: structuredClone(find(requiredParam(query, "scope")).acls),
    })),
  ];

  return {
    handlers,
    load(seed) {
      scopes.clear();
      for (const { name, secrets } of seed.secretScopes) {
        const scope = create(name);
        for (const [key, value] of Object.entries(secrets ?? {}))
          scope.secrets.set(key, { value, updated: ctx.clock.now() });
      }
    },
    controls: {
      scopes: () => [...scopes.keys()],
      value: (scope, key) => scopes.get(scope)?.secrets.get(key)?.value,
      put(scope, key, value) {
        (scopes.get(scope) ?? create(scope)).secrets.set(key, { value, updated: ctx.clock.now() });
      },
    },
  };
}

/** Decoded size of a base64 `bytes_value`; 400 when it is not base64. */
function base64Bytes(value: string): number {
  try {
    return atob(value).length;
  } catch {
    throw invalidParameter("bytes_value must be base64-encoded.");
  }
}
