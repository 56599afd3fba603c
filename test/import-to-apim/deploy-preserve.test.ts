/**
 * What was set in the portal survives a deploy, drift in what the script manages is shown and reset.
 * The fake replaces a backend on PUT (azure-cli#29363) and resets API properties an import PUT does not
 * carry (azure-powershell#18880, azure-cli#22871, api-management-developer-portal#1194), so anything the
 * script forgot to send back would be gone here too.
 */
import { describe, expect, it } from "vitest";
import { BASE_ARGS, changedSpec, fakeApim, runCli, tempFile, useMswServer, WORKSPACE } from "./harness.js";

const server = useMswServer();
const SECRET = "portal-set-header-secret-value";
const PORTAL_BACKEND = {
  title: "Databricks workspace (portal)",
  description: "set by the platform team",
  credentials: { header: { "x-extra": [SECRET] } },
  tls: { validateCertificateChain: true, validateCertificateName: true },
  circuitBreaker: { rules: [{ name: "trip", failureCondition: { count: 5, interval: "PT1M" } }] },
};
const PORTAL_API = {
  authenticationSettings: { oAuth2AuthenticationSettings: [{ authorizationServerId: "entra" }] },
  description: "Portal description",
  contact: { name: "Platform team", email: "platform@contoso.com" },
  license: { name: "Internal" },
};
/** Deploys once, then sets what a portal user would. */
async function deployedAndEditedInPortal(extraApi: Record<string, unknown> = {}) {
  const apim = fakeApim(server);
  expect((await runCli(BASE_ARGS)).code).toBe(0);
  apim.backends.set("dbw-01", { ...apim.backends.get("dbw-01"), ...PORTAL_BACKEND });
  Object.assign(apim.api()?.revision.properties ?? {}, PORTAL_API, extraApi);
  return apim;
}

describe("properties set outside the script", () => {
  it("survive a re-import and a backend update, and the plan lists them without values", async () => {
    const apim = await deployedAndEditedInPortal();
    const moved = BASE_ARGS.slice(0, 6).concat("--workspace-url", "https://adb-99.9.azuredatabricks.net");
    const result = await runCli([...moved, "--spec", changedSpec()]);
    expect(result.code).toBe(0);
    expect(apim.backends.get("dbw-01")).toEqual({
      ...PORTAL_BACKEND,
      url: "https://adb-99.9.azuredatabricks.net",
      protocol: "http",
    });
    expect(apim.api()?.revision.properties).toMatchObject(PORTAL_API);
    expect(apim.api()?.revision.operations.some((o) => o.name === "clustersgetone")).toBe(true);
    expect(result.stdout).toContain(
      "keeps as found (not managed here): backend circuitBreaker, credentials, description, title, tls; API subscriptionKeyParameterNames, authenticationSettings, description, contact, license, subscriptionRequired",
    );
    expect(result.stdout).toContain(`backend dbw-01: update (drift) ${WORKSPACE} → https://adb-99.9`);
    expect(result.stdout).not.toContain(SECRET);
  });

  it("cause no writes on a re-run with unchanged inputs", async () => {
    const apim = await deployedAndEditedInPortal();
    const before = apim.writes().length;
    const again = await runCli(BASE_ARGS);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("no changes");
    expect(again.stdout).toContain("keeps as found (not managed here): backend");
    expect(apim.writes()).toHaveLength(before);
  });

  it("shows drift in managed properties and resets it", async () => {
    const apim = await deployedAndEditedInPortal({
      serviceUrl: "https://example.org",
      displayName: "Renamed",
    });
    const result = await runCli(BASE_ARGS);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('drift: displayName: "Renamed" → "Azure Databricks');
    expect(result.stdout).toContain(`drift: serviceUrl: "https://example.org" → "${WORKSPACE}"`);
    expect(apim.api()?.revision.properties).toMatchObject({ ...PORTAL_API, serviceUrl: WORKSPACE });
  });

  it("keeps subscriptionRequired: false with a note, unless --subscription-required manages it", async () => {
    const apim = await deployedAndEditedInPortal({ subscriptionRequired: false });
    const kept = await runCli([...BASE_ARGS, "--spec", changedSpec()]);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain("note: the API does not require a subscription key");
    expect(apim.api()?.revision.properties.subscriptionRequired).toBe(false);
    const managed = await runCli([...BASE_ARGS, "--spec", changedSpec(), "--subscription-required", "true"]);
    expect(managed.code).toBe(0);
    expect(managed.stdout).toContain("drift: subscriptionRequired: false → true");
    expect(apim.api()?.revision.properties.subscriptionRequired).toBe(true);
  });

  it("checks the policy against the API's own key names, refusing before any write", async () => {
    const names = { header: "X-Api-Key", query: "api-key" };
    const apim = await deployedAndEditedInPortal({ subscriptionKeyParameterNames: names });
    const before = apim.writes().length;
    const refused = await runCli([...BASE_ARGS, "--spec", changedSpec()]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'unsafe policy for this API\'s key names: the subscription key header is not removed: add <set-header name="X-Api-Key"',
    );
    expect(refused.stderr).toContain("nothing was written");
    expect(apim.writes()).toHaveLength(before);

    const policy = tempFile(
      "policy.xml",
      specPolicy().replace(
        "<set-query-parameter",
        '<set-header name="X-Api-Key" exists-action="delete" />\n    <set-query-parameter name="api-key" exists-action="delete" />\n    <set-query-parameter',
      ),
    );
    const ok = await runCli([...BASE_ARGS, "--spec", changedSpec(), "--policy", policy]);
    expect(ok.code).toBe(0);
    expect(apim.api()?.revision.properties.subscriptionKeyParameterNames).toEqual(names);
  });

  it("refuses an --api-id too long for ';rev=N' within ARM's 80 characters", async () => {
    const apim = fakeApim(server);
    const result = await runCli([...BASE_ARGS, "--revision", "--api-id", "a".repeat(73)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("with revisions it may have at most 72");
    expect(apim.requests).toHaveLength(0);
  });
});

function specPolicy(): string {
  return `<policies>
  <inbound>
    <base />
    <set-backend-service backend-id="{{backendId}}" />
    <set-header name="Ocp-Apim-Subscription-Key" exists-action="delete" />
    <set-query-parameter name="subscription-key" exists-action="delete" />
    <authentication-managed-identity resource="2ff814a6-3304-4ab8-85cb-cd0e6f879c1d" />
  </inbound>
</policies>`;
}
