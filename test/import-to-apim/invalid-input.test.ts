import { describe, expect, it } from "vitest";
import {
  BASE_ARGS,
  expectRefusedBeforeAzure,
  fakeApim,
  runCli,
  specText,
  staticCredential,
  tempFile,
  useMswServer,
} from "./harness.js";

const server = useMswServer();
const policy = (replace: (text: string) => string) => {
  const template = `<policies>
  <inbound>
    <base />
    <set-backend-service backend-id="{{backendId}}" />
    <set-header name="Ocp-Apim-Subscription-Key" exists-action="delete" />
    <authentication-managed-identity resource="2ff814a6-3304-4ab8-85cb-cd0e6f879c1d" />
  </inbound>
</policies>
`;
  return ["--policy", tempFile("policy.xml", replace(template))];
};
const spec = (replace: (text: string) => string) => ["--spec", tempFile("spec.yaml", replace(specText()))];
/** The valid base arguments plus `extra`. */
const args = (...extra: string[][]) => [...BASE_ARGS, ...extra.flat()];
/** The valid base arguments with another workspace URL. */
const withUrl = (url: string) => BASE_ARGS.slice(0, 6).concat("--workspace-url", url);

/** [case, command line, expected message part] */
const cases: Array<[string, string[], string]> = [
  ["spec is not YAML", args(spec(() => "openapi: 3.0.3\npaths: [unclosed")), "not valid YAML/JSON"],
  [
    "spec is OpenAPI 3.1",
    args(spec((t) => t.replace("openapi: 3.0.3", "openapi: 3.1.0"))),
    'openapi is "3.1.0"',
  ],
  [
    "operationIds collide once normalised",
    args(spec((t) => t.replace("operationId: clustersGet\n", "operationId: ClustersList\n"))),
    'normalises to "clusterslist"',
  ],
  [
    "external $ref",
    args(
      spec((t) => t.replace("$ref: '#/components/schemas/ForEachTask'", "$ref: 'other.yaml#/ForEachTask'")),
    ),
    'external $ref "other.yaml#/ForEachTask"',
  ],
  ["spec file missing", args(["--spec", "/nonexistent/spec.yaml"]), "cannot read (ENOENT)"],
  ["--tags names no tag of the spec", args(["--tags", "clusters,nope"]), "unknown tag(s) nope"],
  [
    "policy is not well-formed",
    args(policy((t) => t.replace("<base />", "<base>"))),
    "expected </base> but found </inbound> at line 7, column 3",
  ],
  [
    "policy lacks set-backend-service",
    args(policy((t) => t.replace(/ *<set-backend-service[^\n]*\n/, ""))),
    "no <set-backend-service",
  ],
  [
    "policy routes to another backend",
    args(policy((t) => t.replace("{{backendId}}", "other"))),
    'set-backend-service backend-id is "other", expected "dbw-01"',
  ],
  [
    "policy asks for a token for the wrong resource",
    args(policy((t) => t.replace("2ff814a6-3304-4ab8-85cb-cd0e6f879c1d", "https://management.azure.com"))),
    "authentication-managed-identity resource is",
  ],
  [
    "policy uses an unknown placeholder",
    args(policy((t) => t.replace("{{backendId}}", "{{backend}}"))),
    "unknown placeholder {{backend}}",
  ],
  ["workspace URL over http", withUrl("http://adb-1.2.azuredatabricks.net"), "must use https"],
  [
    "workspace URL not a workspace",
    withUrl("https://example.com"),
    'host "example.com" is not a Databricks workspace',
  ],
  ["workspace URL with a path", withUrl("https://adb-1.2.azuredatabricks.net/api/2.0"), "origin only"],
  [
    "workspace URL is the account console",
    withUrl("https://accounts.azuredatabricks.net"),
    "account console",
  ],
  ["workspace URL missing", BASE_ARGS.slice(0, 6), "missing --workspace-url (or DATABRICKS_WORKSPACE_URL)"],
  [
    "subscription id not a UUID",
    ["--subscription-id", "abc", ...BASE_ARGS.slice(2)],
    '--subscription-id "abc" is not a UUID',
  ],
  ["unknown flag", args(["--frobnicate"]), "Unknown option '--frobnicate'"],
  ["rate limit period too long", args(["--rate-limit", "10/600"]), "1 ≤ SECONDS ≤ 300"],
  ["--arm-endpoint over http", args(["--arm-endpoint", "http://arm.example"]), "must use https"],
  ["--revision with --rollback", args(["--revision", "--rollback"]), "use either --revision or --rollback"],
];

describe("invalid input is refused before any request", () => {
  it.each(cases)("%s", async (_name, commandLine, message) => {
    const apim = fakeApim(server);
    const credential = staticCredential();
    const result = await runCli(commandLine, { credential });
    expectRefusedBeforeAzure(result, apim, credential);
    expect(result.stderr).toContain(message);
  });

  it("reports every problem at once, also as JSON", async () => {
    const apim = fakeApim(server);
    const result = await runCli([
      ...withUrl("http://x"),
      "--json",
      ...policy((t) => t.replace("<base />", "<base>")),
    ]);
    expect(result.code).toBe(2);
    const doc = JSON.parse(result.stdout) as { status: string; errors: string[] };
    expect(doc.status).toBe("invalid");
    expect(doc.errors).toHaveLength(2);
    expect(apim.requests).toHaveLength(0);
  });

  it("prints usage with --help and exits 0", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: scripts/import-to-apim");
    expect(result.stdout).toContain("--workspace-url <value>");
    expect(result.stdout).toContain("AZURE_TOKEN_CREDENTIALS");
  });
});
