/**
 * The flags of `import-to-apim`: one table naming each flag, its environment variable and help line,
 * and the `--help` text generated from it, so help, parsing and error messages cannot drift apart.
 */
import { SHARED_FLAGS, usageRows } from "../lib/cli-flags.js";
import { EXIT_CREDENTIAL } from "../lib/credential.js";

/** Flags with their environment variable, kind and help line. Order = order in `--help`. */
export const FLAGS = {
  "subscription-id": { env: "AZURE_SUBSCRIPTION_ID", bool: false, help: "Azure subscription (UUID)" },
  "resource-group": SHARED_FLAGS["resource-group"],
  "service-name": SHARED_FLAGS["service-name"],
  "workspace-url": SHARED_FLAGS["workspace-url"],
  "api-id": { env: "APIM_API_ID", bool: false, help: "API id (default dbw-01)" },
  "api-suffix": { env: "APIM_API_SUFFIX", bool: false, help: "API URL suffix (default: the API id)" },
  "backend-id": { env: "APIM_BACKEND_ID", bool: false, help: "backend id (default: the API id)" },
  "display-name": { env: "APIM_DISPLAY_NAME", bool: false, help: "API display name (default: spec title)" },
  product: { env: "APIM_PRODUCT", bool: false, help: "product id to link the API to (optional)" },
  spec: { env: "APIM_SPEC", bool: false, help: "OpenAPI file (default openapi/databricks-workspace.yaml)" },
  policy: { env: "APIM_POLICY", bool: false, help: "policy template (default openapi/policy.xml)" },
  "managed-identity-client-id": {
    env: "APIM_MANAGED_IDENTITY_CLIENT_ID",
    bool: false,
    help: "client id of a user-assigned identity (default: system-assigned)",
  },
  "rate-limit": {
    env: "APIM_RATE_LIMIT",
    bool: false,
    help: "per-subscription limit CALLS/SECONDS, e.g. 100/60",
  },
  "subscription-required": {
    env: "APIM_SUBSCRIPTION_REQUIRED",
    bool: false,
    help: "true | false: manage the API's subscriptionRequired (default: keep it; true on create)",
  },
  "read-only": { env: "APIM_READ_ONLY", bool: true, help: "publish only GET operations" },
  tags: { env: "APIM_TAGS", bool: false, help: "publish only operations with these tags (a,b)" },
  "dry-run": SHARED_FLAGS["dry-run"],
  json: SHARED_FLAGS.json,
  revision: {
    env: "APIM_REVISION",
    bool: true,
    help: "import into a new revision, verify, then make it current",
  },
  rollback: { env: "APIM_ROLLBACK", bool: true, help: "make the previous revision current again" },
  cloud: SHARED_FLAGS.cloud,
  "arm-endpoint": SHARED_FLAGS["arm-endpoint"],
  "allow-unsafe-policy": {
    env: "",
    bool: true,
    help: "publish a policy that breaks the safety rules (key removal, managed identity, routing); loud warning",
  },
  credential: SHARED_FLAGS.credential,
} as const;

export type Flag = keyof typeof FLAGS;

/** Usage text for `--help`. */
export function usage(): string {
  return [
    "Usage: scripts/import-to-apim [options]",
    "",
    "Publishes openapi/databricks-workspace.yaml to Azure API Management as the whitelist of operations,",
    "with a backend for the workspace and the managed-identity policy. Idempotent: unchanged inputs make no writes.",
    "",
    "Options (flags win over the environment variable in brackets):",
    ...usageRows(FLAGS),
    `${"  --help".padEnd(40)}print this text`,
    "",
    "Credentials: your developer sign-in (az login, azd auth login, Connect-AzAccount), never this machine's",
    "managed identity unless --credential or AZURE_TOKEN_CREDENTIALS (dev, prod, AzureCliCredential, …) asks.",
    `Exit codes: 0 success or no changes, 1 Azure call or verification failed, 2 invalid input, ${EXIT_CREDENTIAL} no token.`,
    "",
  ].join("\n");
}
