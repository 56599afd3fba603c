/**
 * `databricks-apim doctor`: which of the usual faults does this gateway have? Read-only GETs through
 * the gateway, each answer classified (probe.ts), one check per layer in the order a call meets them:
 * network → key → API → backend → managed identity → Databricks permissions, plus whether operations
 * outside the whitelist are forwarded. The key comes only from the environment (never a flag, so it
 * never shows in a process list) and never reaches the output.
 */
import { routes } from "../generated/routes.js";
import { type DoctorInput, parseDoctorInput } from "./doctor-input.js";
import { type Cause, type ProbeResult, probe } from "./probe.js";
import { hideSecrets } from "./safe-output.js";

/** One check as `--json` prints it. */
export interface Check {
  name: string;
  ok: boolean;
  cause?: Cause;
  detail: string;
  fix?: string;
}

/** Where the command writes and how it sends; the real process by default. */
export interface DoctorIo {
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
  fetch?: typeof fetch;
}

export const DOCTOR_USAGE = `Usage: databricks-apim doctor [--apim-url URL] [--api-suffix S] [--json] [--timeout MS]

Diagnoses an APIM gateway in front of Azure Databricks with read-only calls.
  --apim-url URL     gateway URL, e.g. https://my-apim.azure-api.net   [DATABRICKS_APIM_URL]
  --api-suffix S     the API's URL suffix (default dbw-01)              [DATABRICKS_APIM_API_SUFFIX]
  --json             print { ok, checks: [{ name, ok, cause?, detail, fix? }] }
  --timeout MS       per-request timeout (default 10000)
The subscription key is read from DATABRICKS_APIM_SUBSCRIPTION_KEY only (never a flag) and never printed.
Exit codes: 0 all checks passed, 1 a problem was found, 2 bad input.
`;

const FIXES: Record<Cause, string> = {
  unreachable:
    "Check the URL (APIM portal → Overview → Gateway URL); from inside a VNet, check the private endpoint and its DNS.",
  "missing-subscription-key":
    "Set DATABRICKS_APIM_SUBSCRIPTION_KEY to a key of a subscription to this API (APIM portal → Subscriptions).",
  "invalid-subscription-key":
    "The key is not active for this API: copy the primary key of an active subscription whose scope includes the API.",
  "api-not-found":
    "Check DATABRICKS_APIM_API_SUFFIX against the API's URL suffix, or import the API with scripts/import-to-apim.",
  "managed-identity-not-granted":
    "Add APIM's managed identity to the workspace as a service principal: scripts/grant-workspace-access (see docs/grant-walkthrough.md); and check that the API's policy sends that identity's token (authentication-managed-identity, scripts/import-to-apim).",
  "permission-denied":
    "The service principal lacks an entitlement or an ACL: grant it with scripts/grant-workspace-access --entitlement …, or set the object's permissions.",
  "backend-unreachable":
    "APIM cannot reach the workspace: check the backend URL, the workspace's private endpoint and its DNS from APIM's subnet.",
  "wildcard-operation":
    "Delete the hand-wired wildcard operation (e.g. GET /*) and publish only the curated spec with scripts/import-to-apim.",
  "rate-limited":
    "The gateway's rate-limit-by-key policy refused the call: wait for Retry-After, or raise the limit.",
  "quota-exceeded": "The gateway's quota-by-key policy is used up: wait for the renewal, or raise the quota.",
};

/** Probes in order of preference: read-only operations every caller may use. */
const PROBES = ["/api/2.0/preview/scim/v2/Me", "/api/2.1/clusters/list", "/api/2.2/jobs/list"];
/** Operations Databricks has but the curated spec leaves out; a gateway that answers one forwards too much. */
const OUTSIDE = [
  "/api/2.0/token-management/tokens",
  "/api/2.0/ip-access-lists",
  "/api/2.0/global-init-scripts",
];

/** Runs the command; resolves with the exit code. */
export async function doctorCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: DoctorIo = {},
): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const input = parseDoctorInput(argv, env);
  if (input === "help") {
    stdout.write(DOCTOR_USAGE);
    return 0;
  }
  if ("error" in input) {
    stderr.write(`databricks-apim doctor: ${hideSecrets(input.error, [input.key])}\n${DOCTOR_USAGE}`);
    return 2;
  }
  const checks = await diagnose(input, io.fetch ?? globalThis.fetch);
  const ok = checks.every((check) => check.ok);
  const safe = (text: string) => hideSecrets(text, [input.key]);
  // Each string value is masked before it is escaped: the JSON stays valid whatever the key is.
  const masked = (_name: string, value: unknown) => (typeof value === "string" ? safe(value) : value);
  if (input.json) stdout.write(`${JSON.stringify({ ok, checks }, masked, 2)}\n`);
  else {
    stdout.write(`databricks-apim doctor: ${input.base}\n`);
    const width = Math.max(...checks.map((check) => check.name.length));
    for (const check of checks) {
      const cause = check.cause ? `[${check.cause}] ` : "";
      stdout.write(safe(`${check.ok ? "✓" : "✗"} ${check.name.padEnd(width)}  ${cause}${check.detail}\n`));
      if (check.fix) stdout.write(safe(`    fix: ${check.fix}\n`));
    }
    const problems = checks.filter((check) => !check.ok).length;
    stdout.write(ok ? "All checks passed.\n" : `${problems} problem${problems === 1 ? "" : "s"} found.\n`);
  }
  return ok ? 0 : 1;
}

async function diagnose(input: DoctorInput, fetchFn: typeof fetch): Promise<Check[]> {
  const checks: Check[] = [];
  const send = (path: string) =>
    probe(`${input.base}${path}`, input.key, { fetch: fetchFn, timeoutMs: input.timeoutMs });
  const pass = (name: string, detail: string) => checks.push({ name, ok: true, detail });
  const fail = (name: string, cause: Cause | undefined, detail: string) =>
    checks.push({ name, ok: false, ...(cause ? { cause, fix: FIXES[cause] } : {}), detail });
  const said = (r: ProbeResult): string => {
    const writer = { apim: "the gateway", databricks: "Databricks", unknown: "an unknown writer" };
    if (r.kind === "refused") return `HTTP ${r.status} from ${writer[r.by]}: ${r.message}`;
    if (r.kind === "ok") return `HTTP ${r.status}`;
    if (r.kind === "redirect") return `HTTP ${r.status}, a redirect to ${r.location} (not followed)`;
    return `${r.code}: ${r.message}`;
  };
  const limited = (r: ProbeResult): boolean => {
    if (r.kind !== "refused" || (r.cause !== "rate-limited" && r.cause !== "quota-exceeded")) return false;
    fail("gateway-limits", r.cause, said(r));
    return true;
  };

  const paths = PROBES.filter((path) =>
    routes.some((route) => route.method === "GET" && route.path === path),
  );
  let result = await send(paths[0] ?? PROBES[0]!);
  if (result.kind === "network") {
    fail("gateway-reachable", "unreachable", `${input.base} could not be reached (${said(result)}).`);
    return checks;
  }
  if (result.kind === "redirect") {
    // APIM's gateway answers API calls itself; a redirect means the URL is some other site's.
    fail(
      "gateway-reachable",
      "unreachable",
      `${input.base} answered ${result.status}, a redirect to ${result.location}, instead of the API; it was not followed.`,
    );
    return checks;
  }
  pass("gateway-reachable", `${new URL(input.base).origin} answered (${said(result)}).`);
  if (limited(result)) return checks;
  for (const path of paths.slice(1)) {
    if (!(result.kind === "refused" && result.cause === "api-not-found")) break;
    result = await send(path);
    if (limited(result)) return checks;
  }
  if (result.kind === "refused" && result.cause === "api-not-found") {
    fail(
      "api-imported",
      "api-not-found",
      `every probed operation (${paths.join(", ")}) answered the gateway's 404.`,
    );
    return checks;
  }
  if (
    result.kind === "refused" &&
    (result.cause === "missing-subscription-key" || result.cause === "invalid-subscription-key")
  ) {
    pass("api-imported", "the gateway knows the API's operations.");
    const detail = input.key
      ? said(result)
      : "DATABRICKS_APIM_SUBSCRIPTION_KEY is not set; the gateway refused the call.";
    fail("subscription-key", result.cause, detail);
    return checks;
  }
  pass("subscription-key", "the gateway accepted the key.");
  pass("api-imported", "the gateway matched the operation.");

  const outside = OUTSIDE.find((path) => !routes.some((route) => route.path === path)) ?? OUTSIDE[0]!;
  const layered = () => {
    if (result.kind === "refused" && result.cause === "backend-unreachable")
      return fail("backend-reachable", result.cause, said(result));
    pass("backend-reachable", "the workspace answered through the gateway.");
    if (result.kind === "refused" && result.cause === "managed-identity-not-granted")
      return fail(
        "managed-identity-granted",
        result.cause,
        `Databricks refused the gateway's identity (${said(result)}).`,
      );
    pass("managed-identity-granted", "Databricks accepted the gateway's managed identity.");
    if (result.kind === "ok") return pass("permissions", "a read-only call succeeded.");
    fail("permissions", result.kind === "refused" ? result.cause : undefined, said(result));
  };
  layered();

  const wild = await send(outside);
  if (limited(wild)) return checks;
  if (wild.kind === "refused" && wild.cause === "api-not-found")
    pass("whitelist-only", `GET ${outside} (not in the curated spec) got the gateway's 404.`);
  else
    fail(
      "whitelist-only",
      "wildcard-operation",
      `GET ${outside} is not in the curated spec, yet it was forwarded (${said(wild)}).`,
    );
  return checks;
}
