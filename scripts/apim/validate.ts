/**
 * Everything that can be checked without the network, checked before the first request.
 *
 * APIM reports a bad spec late (inside the long-running import's poll result) or not at all (dropped
 * operations), and a bad policy or backend URL only shows when the first call through the gateway
 * fails. So the script refuses to start unless the upload copy of the spec passes the APIM import
 * rules, the rendered policy is well-formed and routes to our backend with the Databricks identity,
 * and the workspace URL is an https workspace origin in the selected cloud. All problems are reported
 * together, each naming the file, option or value at fault.
 */
import { checkApimRules, findSchemaCycles } from "../lib/apim-rules.js";
import { listOperations, type OpenApiDocument, parseSpec } from "../lib/spec.js";
import type { ImportOptions } from "./cli.js";
import { CLOUDS, cloudOfWorkspaceHost } from "./clouds.js";
import { DEFAULT_KEY_NAMES } from "./policy-rules.js";
import { type CheckedPolicy, checkPolicy } from "./policy-template.js";
import { buildUploadSpec, type UploadSpec } from "./upload-spec.js";

/** What the APIM side should look like after a run, derived from validated input. */
export interface DesiredState {
  workspaceUrl: string;
  displayName: string;
  spec: UploadSpec & { file: string; sourceOperations: number };
  policy: CheckedPolicy & { file: string };
  warnings: string[];
}

/** Reads a file as UTF-8; injectable so tests can supply contents. */
export type ReadFile = (path: string) => string;

/** Validates the workspace URL and returns its origin (no trailing slash). */
export function checkWorkspaceUrl(
  value: string,
  options: Pick<ImportOptions, "cloud" | "armEndpoint">,
): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `--workspace-url "${value}" is not a URL; expected e.g. https://adb-123.4.azuredatabricks.net`,
    );
  }
  if (url.protocol !== "https:") throw new Error(`--workspace-url "${value}" must use https`);
  if (url.username || url.password || url.search || url.hash || (url.pathname !== "/" && url.pathname !== ""))
    throw new Error(
      `--workspace-url "${value}" must be the workspace origin only (no path, query or credentials)`,
    );
  const cloud = cloudOfWorkspaceHost(url.hostname);
  if (cloud === undefined) {
    const suffixes = Object.values(CLOUDS).map((info) => info.workspaceSuffix);
    throw new Error(
      `--workspace-url host "${url.hostname}" is not a Databricks workspace (${suffixes.join(", ")})`,
    );
  }
  if (/^accounts\./.test(url.hostname))
    throw new Error(`--workspace-url "${value}" is the account console, not a workspace`);
  if (options.armEndpoint === undefined && cloud !== options.cloud)
    throw new Error(
      `--workspace-url "${value}" is a workspace in ${cloud} but --cloud is ${options.cloud}; pass --cloud ${cloud}`,
    );
  return url.origin;
}

/** Checks all local input; returns the desired state or every problem found. */
export function validateInputs(
  options: ImportOptions,
  readFile: ReadFile,
  displayPath: (path: string) => string,
): { ok: true; desired: DesiredState } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  let workspaceUrl = "";
  try {
    workspaceUrl = checkWorkspaceUrl(options.workspaceUrl ?? "", options);
  } catch (error) {
    errors.push((error as Error).message);
  }

  const specFile = displayPath(options.specPath);
  const spec = loadUploadSpec(options, readFile, specFile, errors, warnings);

  const policyFile = displayPath(options.policyPath);
  let policy: DesiredState["policy"] | undefined;
  const template = read(readFile, options.policyPath, policyFile, errors);
  if (template !== undefined) {
    const values = {
      backendId: options.backendId,
      managedIdentityClientId: options.managedIdentityClientId,
      rateLimitCalls: options.rateLimit?.calls.toString(),
      rateLimitPeriod: options.rateLimit?.renewalPeriod.toString(),
    };
    const checked = checkPolicy(template, values, policyFile, {
      keyNames: DEFAULT_KEY_NAMES,
      allowUnsafe: options.allowUnsafePolicy,
    });
    if (checked.ok) {
      policy = { ...checked.policy, file: policyFile };
      warnings.push(...checked.policy.warnings);
    } else errors.push(...checked.errors);
  }

  if (errors.length > 0 || !spec || !policy) return { ok: false, errors };
  return {
    ok: true,
    desired: {
      workspaceUrl,
      displayName: options.displayName ?? spec.title,
      spec: spec.upload,
      policy,
      warnings,
    },
  };
}

function read(readFile: ReadFile, path: string, label: string, errors: string[]): string | undefined {
  try {
    return readFile(path);
  } catch (error) {
    errors.push(
      `${label}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
    return undefined;
  }
}

function loadUploadSpec(
  options: ImportOptions,
  readFile: ReadFile,
  file: string,
  errors: string[],
  warnings: string[],
): { upload: DesiredState["spec"]; title: string } | undefined {
  const text = read(readFile, options.specPath, file, errors);
  if (text === undefined) return undefined;
  let doc: OpenApiDocument;
  try {
    doc = parseSpec(text);
  } catch (error) {
    errors.push(`${file}: not valid YAML/JSON: ${(error as Error).message.split("\n")[0]}`);
    return undefined;
  }
  if (!doc || typeof doc !== "object" || typeof doc.paths !== "object" || doc.paths === null) {
    errors.push(`${file}: not an OpenAPI document (no "paths" object)`);
    return undefined;
  }
  if (!/^3\.0\.[0-3]$/.test(String(doc.openapi))) {
    errors.push(`${file}: openapi is "${doc.openapi}"; APIM imports OpenAPI 3.0.0–3.0.3 reliably`);
    return undefined;
  }
  const sourceOps = listOperations(doc);
  const knownTags = new Set(sourceOps.flatMap(({ op }) => op.tags ?? []));
  const unknown = options.tags.filter((tag) => !knownTags.has(tag));
  if (unknown.length > 0) {
    errors.push(
      `--tags: unknown tag(s) ${unknown.join(", ")}; the spec has ${[...knownTags].sort().join(", ")}`,
    );
    return undefined;
  }

  const upload = buildUploadSpec(doc, options);
  const uploadDoc = JSON.parse(upload.text) as OpenApiDocument;
  for (const finding of checkApimRules(uploadDoc)) {
    if (finding.level === "error") errors.push(`${file}: ${finding.message}`);
    else warnings.push(`${file}: ${finding.message}`);
  }
  const cycles = findSchemaCycles(uploadDoc);
  if (cycles.length > 0) errors.push(`${file}: recursive schemas remain after cutting: ${cycles.join("; ")}`);
  if (upload.operations.length === 0) {
    const filters = [
      options.readOnly ? "--read-only" : "",
      options.tags.length ? `--tags ${options.tags}` : "",
    ];
    errors.push(
      `${file}: no operations left to publish after ${filters.filter(Boolean).join(" ") || "filtering"}`,
    );
  }
  return {
    upload: { ...upload, file, sourceOperations: sourceOps.length },
    title: typeof doc.info?.title === "string" ? doc.info.title : options.apiId,
  };
}
