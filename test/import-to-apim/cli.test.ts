import { describe, expect, it } from "vitest";
import { POLICY_PATH, parseCommandLine } from "../../scripts/apim/cli.js";
import { resolveArmEndpoint } from "../../scripts/apim/clouds.js";
import { checkWorkspaceUrl } from "../../scripts/apim/validate.js";
import { SPEC_PATH } from "../../scripts/lib/spec.js";

const env = {
  AZURE_SUBSCRIPTION_ID: "11111111-2222-3333-4444-555555555555",
  APIM_RESOURCE_GROUP: "rg-env",
  APIM_SERVICE_NAME: "apim-env",
  DATABRICKS_WORKSPACE_URL: "https://adb-1.2.azuredatabricks.net",
};

const options = (argv: string[], e: Record<string, string> = env) => {
  const parsed = parseCommandLine(argv, e, "/work");
  if (parsed.kind !== "options") throw new Error(JSON.stringify(parsed));
  return parsed.options;
};

describe("parseCommandLine", () => {
  it("reads everything from the environment, with documented defaults", () => {
    expect(options([])).toEqual({
      subscriptionId: env.AZURE_SUBSCRIPTION_ID,
      resourceGroup: "rg-env",
      serviceName: "apim-env",
      workspaceUrl: env.DATABRICKS_WORKSPACE_URL,
      apiId: "dbw-01",
      apiSuffix: "dbw-01",
      backendId: "dbw-01",
      displayName: undefined,
      product: undefined,
      specPath: SPEC_PATH,
      policyPath: POLICY_PATH,
      managedIdentityClientId: undefined,
      rateLimit: undefined,
      readOnly: false,
      tags: [],
      dryRun: false,
      json: false,
      revision: false,
      rollback: false,
      cloud: "AzureCloud",
      armEndpoint: undefined,
      allowUnsafePolicy: false,
      credential: { kind: "developer", label: expect.stringContaining("(the default)"), source: "default" },
    });
  });

  it("lets flags win over variables, and derives suffix and backend from the API id", () => {
    const o = options(
      ["--resource-group", "rg-flag", "--api-id=dbw-02", "--spec", "s.yaml", "--tags", " a, b ,"],
      {
        ...env,
        APIM_RATE_LIMIT: "100/60",
        APIM_READ_ONLY: "true",
        APIM_CLOUD: "ignored",
      },
    );
    expect(o).toMatchObject({
      resourceGroup: "rg-flag",
      apiId: "dbw-02",
      apiSuffix: "dbw-02",
      backendId: "dbw-02",
      specPath: "/work/s.yaml",
      tags: ["a", "b"],
      rateLimit: { calls: 100, renewalPeriod: 60 },
      readOnly: true,
    });
  });

  it("collects every error, naming the flag and its variable", () => {
    const parsed = parseCommandLine(["--api-id", "bad id", "--cloud", "Mars"], { APIM_DRY_RUN: "maybe" });
    expect(parsed).toEqual({
      kind: "invalid",
      errors: [
        "missing --subscription-id (or AZURE_SUBSCRIPTION_ID)",
        "missing --resource-group (or APIM_RESOURCE_GROUP)",
        "missing --service-name (or APIM_SERVICE_NAME)",
        "missing --workspace-url (or DATABRICKS_WORKSPACE_URL)",
        `--api-id "bad id" must be 1–80 letters, digits, '-', '_' or '.'`,
        '--cloud "Mars" is not one of AzureCloud, AzureUSGovernment, AzureChinaCloud',
        'APIM_DRY_RUN="maybe" is not a boolean (use true or false)',
      ],
    });
  });

  it("does not need a workspace URL to roll back", () => {
    const { DATABRICKS_WORKSPACE_URL: _, ...rest } = env;
    expect(options(["--rollback"], rest)).toMatchObject({ rollback: true, workspaceUrl: undefined });
  });

  it("asks for help", () => {
    expect(parseCommandLine(["--help"], {})).toEqual({ kind: "help" });
  });
});

describe("endpoints and workspace URLs", () => {
  it("derives the token scope from the ARM endpoint", () => {
    expect(resolveArmEndpoint("AzureCloud", undefined)).toEqual({
      origin: "https://management.azure.com",
      scope: "https://management.azure.com/.default",
    });
    expect(resolveArmEndpoint("AzureChinaCloud", undefined).scope).toBe(
      "https://management.chinacloudapi.cn/.default",
    );
    expect(resolveArmEndpoint("AzureCloud", "https://arm.local:8443/").scope).toBe(
      "https://arm.local:8443/.default",
    );
    expect(resolveArmEndpoint("AzureCloud", "http://127.0.0.1:8080").origin).toBe("http://127.0.0.1:8080");
    expect(() => resolveArmEndpoint("AzureCloud", "http://arm.local")).toThrow("must use https");
    expect(() => resolveArmEndpoint("AzureCloud", "https://arm.local/sub")).toThrow("must be an origin");
  });

  it("accepts workspace origins of the selected cloud and normalises them", () => {
    const pub = { cloud: "AzureCloud", armEndpoint: undefined } as const;
    expect(checkWorkspaceUrl("https://ADB-1.2.azuredatabricks.net/", pub)).toBe(
      "https://adb-1.2.azuredatabricks.net",
    );
    expect(
      checkWorkspaceUrl("https://adb-1.2.databricks.azure.us", { ...pub, cloud: "AzureUSGovernment" }),
    ).toBe("https://adb-1.2.databricks.azure.us");
    expect(() => checkWorkspaceUrl("https://adb-1.2.azuredatabricks.net?o=1", pub)).toThrow("origin only");
    expect(() => checkWorkspaceUrl("https://user:pw@adb-1.2.azuredatabricks.net", pub)).toThrow(
      "origin only",
    );
    expect(() => checkWorkspaceUrl("adb-1.2.azuredatabricks.net", pub)).toThrow("is not a URL");
  });
});
