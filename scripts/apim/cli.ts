/**
 * Command line and environment → one validated options object.
 *
 * Every option can also come from an environment variable so that CI pipelines can configure the
 * script without long command lines; a flag always wins over its variable. The flags themselves and
 * `--help` live in flags.ts.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkCloud, credentialFlag, flagReaders, parseFlagValues } from "../lib/cli-flags.js";
import type { CredentialChoice } from "../lib/credential.js";
import { SPEC_PATH } from "../lib/spec.js";
import type { CloudName } from "./clouds.js";
import { FLAGS, type Flag } from "./flags.js";

export { usage } from "./flags.js";

/** The policy template shipped next to the spec. */
export const POLICY_PATH = fileURLToPath(new URL("../../openapi/policy.xml", import.meta.url));

export { EXIT_INVALID } from "../lib/cli-flags.js";

/** Validated, normalised options; every field is present (`undefined` = not set). */
export interface ImportOptions {
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  /** Required unless `rollback`. */
  workspaceUrl: string | undefined;
  apiId: string;
  apiSuffix: string;
  backendId: string;
  displayName: string | undefined;
  product: string | undefined;
  specPath: string;
  policyPath: string;
  managedIdentityClientId: string | undefined;
  rateLimit: { calls: number; renewalPeriod: number } | undefined;
  readOnly: boolean;
  tags: string[];
  dryRun: boolean;
  json: boolean;
  revision: boolean;
  rollback: boolean;
  cloud: CloudName;
  armEndpoint: string | undefined;
  /** `--subscription-required`; `undefined` keeps what the API has (true on create). */
  subscriptionRequired: boolean | undefined;
  /** Publish a policy that breaks the safety rules, with a loud warning (flag only, no variable). */
  allowUnsafePolicy: boolean;
  /** Which credential; `--credential` wins over `AZURE_TOKEN_CREDENTIALS` (see lib/credential.ts). */
  credential: CredentialChoice;
}

/** Result of parsing: options, a request for help, or the reasons the input is unusable. */
export type ParsedCommandLine =
  | { kind: "options"; options: ImportOptions }
  | { kind: "help" }
  | { kind: "invalid"; errors: string[] };

/** Parses argv (without node and script) and env into options. Makes no I/O. */
export function parseCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string = process.cwd(),
): ParsedCommandLine {
  const parsed = parseFlagValues(argv, FLAGS);
  if ("error" in parsed) return { kind: "invalid", errors: [parsed.error] };
  const { values } = parsed;
  if (values.help === true) return { kind: "help" };

  const errors: string[] = [];
  const { text, bool, required } = flagReaders(FLAGS, values, env, errors);
  const matching = (flag: Flag, value: string, pattern: RegExp, rule: string): void => {
    if (value !== "" && !pattern.test(value)) errors.push(`--${flag} "${value}" ${rule}`);
  };

  const subscriptionId = required("subscription-id");
  matching(
    "subscription-id",
    subscriptionId,
    /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i,
    "is not a UUID",
  );
  const resourceGroup = required("resource-group");
  matching(
    "resource-group",
    resourceGroup,
    /^[-\w.()]{1,89}[-\w()]$|^[-\w()]$/,
    "is not a resource group name",
  );
  const serviceName = required("service-name");
  matching("service-name", serviceName, /^[a-zA-Z][a-zA-Z0-9-]{0,48}[a-zA-Z0-9]$/, "is not an APIM name");
  const rollback = bool("rollback");
  const workspaceUrl = rollback ? text("workspace-url") : required("workspace-url");
  const apiId = text("api-id") ?? "dbw-01";
  const resourceName = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,79}$/;
  const nameRule = "must be 1–80 letters, digits, '-', '_' or '.'";
  matching("api-id", apiId, resourceName, nameRule);
  // Suffix and backend default to the API id; only values given explicitly need their own check.
  const apiSuffix = text("api-suffix") ?? apiId;
  if (text("api-suffix") !== undefined)
    matching("api-suffix", apiSuffix, /^[a-zA-Z0-9][a-zA-Z0-9_.~/-]{0,399}$/, "is not a URL path suffix");
  const backendId = text("backend-id") ?? apiId;
  if (text("backend-id") !== undefined) matching("backend-id", backendId, resourceName, nameRule);
  const product = text("product");
  if (product !== undefined) matching("product", product, resourceName, nameRule);
  const clientId = text("managed-identity-client-id");
  if (clientId !== undefined)
    matching(
      "managed-identity-client-id",
      clientId,
      /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i,
      "is not a UUID",
    );
  const cloud = checkCloud(text("cloud"), errors);
  const credential = credentialFlag(values, env, errors);
  const revision = bool("revision");
  if (revision && rollback) errors.push("use either --revision or --rollback, not both");
  // `apiId;rev=N` must stay within ARM's 80 characters; 72 leaves room for revisions up to 999.
  if ((revision || rollback) && apiId.length > 72)
    errors.push(
      `--api-id "${apiId}" is ${apiId.length} characters; with revisions it may have at most 72 (";rev=N" must fit in 80)`,
    );
  const subscription = text("subscription-required");
  if (subscription !== undefined && subscription !== "true" && subscription !== "false")
    errors.push(`--subscription-required "${subscription}" must be true or false`);

  const options: ImportOptions = {
    subscriptionId,
    resourceGroup,
    serviceName,
    workspaceUrl,
    apiId,
    apiSuffix,
    backendId,
    displayName: text("display-name"),
    product,
    specPath: resolve(cwd, text("spec") ?? SPEC_PATH),
    policyPath: resolve(cwd, text("policy") ?? POLICY_PATH),
    managedIdentityClientId: clientId,
    rateLimit: parseRateLimit(text("rate-limit"), errors),
    readOnly: bool("read-only"),
    tags: (text("tags") ?? "")
      .split(",")
      .map((tag) => tag.trim())
      .filter((tag) => tag !== ""),
    dryRun: bool("dry-run"),
    json: bool("json"),
    revision,
    rollback,
    cloud,
    armEndpoint: text("arm-endpoint"),
    allowUnsafePolicy: bool("allow-unsafe-policy"),
    subscriptionRequired: subscription === undefined ? undefined : subscription === "true",
    credential,
  };
  return errors.length > 0 ? { kind: "invalid", errors } : { kind: "options", options };
}

/** `CALLS/SECONDS` → numbers; APIM's rate-limit-by-key renewal period is at most 300 s. */
function parseRateLimit(value: string | undefined, errors: string[]): ImportOptions["rateLimit"] {
  if (value === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const calls = Number(match?.[1]);
  const renewalPeriod = Number(match?.[2]);
  if (!match || calls < 1 || renewalPeriod < 1 || renewalPeriod > 300) {
    errors.push(`--rate-limit "${value}" must be CALLS/SECONDS with CALLS ≥ 1 and 1 ≤ SECONDS ≤ 300`);
    return undefined;
  }
  return { calls, renewalPeriod };
}
