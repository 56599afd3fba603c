import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { POLICY_PATH } from "../../scripts/apim/cli.js";
import { DEFAULT_KEY_NAMES } from "../../scripts/apim/policy-rules.js";
import { checkPolicy, renderPolicy } from "../../scripts/apim/policy-template.js";
import { canonicalXml, parseXml, sameXml, XmlSyntaxError } from "../../scripts/apim/policy-xml.js";
import { reindent } from "./fake-apim.js";

describe("parseXml", () => {
  it("parses elements, attributes, text, comments, CDATA and entities", () => {
    const root = parseXml(
      `<?xml version="1.0"?>\n<!-- head -->\n<a x='1' y="&lt;&#x41;&#66;&quot;">t &amp; u<b/><!-- c --><![CDATA[<raw>]]></a>`,
    );
    expect(root.name).toBe("a");
    expect(root.attributes).toEqual([
      { name: "x", value: "1" },
      { name: "y", value: '<AB"' },
    ]);
    expect(root.children.map((c) => c.kind)).toEqual(["text", "element", "comment", "text"]);
    expect(canonicalXml(root)).toBe('<a x="1" y="&lt;AB&quot;">t &amp; u<b/>&lt;raw&gt;</a>');
  });

  /** [input, reason, line, column] */
  const malformed: Array<[string, string, number, number]> = [
    ["<a><b></a>", "expected </b> but found </a>", 1, 7],
    ["<a>\n  <b>\n</a>", "expected </b> but found </a>", 3, 1],
    ["<a x=1/>", 'value of attribute "x" must be quoted', 1, 6],
    ['<a x="1" x="2"/>', 'duplicate attribute "x"', 1, 10],
    ['<a x="1"y="2"/>', "expected whitespace before attribute in <a>", 1, 9],
    ["<a>&nbsp;</a>", "unknown entity &nbsp;", 1, 4],
    ["<a>fish & chips</a>", "'&' must start an entity such as &amp;", 1, 9],
    ['<a x="<"/>', "'<' is not allowed in the value of attribute \"x\"", 1, 7],
    ["<a></a><b/>", "content after the root element", 1, 8],
    ["<!DOCTYPE a><a/>", "DOCTYPE is not allowed in a policy", 1, 1],
    ["<a><!-- x -- y --></a>", "'--' is not allowed inside a comment", 1, 19],
    ["<a>", "element <a> is not closed", 1, 1],
    ["   ", "the document has no root element", 1, 4],
  ];
  it.each(malformed)("rejects %j: %s", (input, reason, line, column) => {
    let error: unknown;
    try {
      parseXml(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(XmlSyntaxError);
    expect(error).toMatchObject({ reason, line, column });
  });
});

describe("canonical comparison", () => {
  it("ignores indentation, attribute order, comments and escaping differences", () => {
    const sent = `<policies>
  <inbound>
    <!-- why -->
    <set-header name="x-a" exists-action="override"><value>@(h => h.Key)</value></set-header>
  </inbound>
</policies>`;
    const stored = `<policies>\r\n\t<inbound>\r\n\t\t<set-header exists-action="override" name="x-a">\r\n\t\t\t<value>@(h =&gt; h.Key)</value>\r\n\t\t</set-header>\r\n\t</inbound>\r\n</policies>`;
    expect(sameXml(sent, stored)).toBe(true);
    expect(sameXml(sent, sent.replace('"x-a"', '"x-b"'))).toBe(false);
    expect(sameXml(sent, sent.replace("h.Key", "h.Value"))).toBe(false);
  });

  it("treats the shipped template as equal to its re-indented copy as the fake APIM stores it", () => {
    const xml = renderPolicy(readFileSync(POLICY_PATH, "utf8"), {
      backendId: "dbw-01",
      managedIdentityClientId: "00000000-0000-0000-0000-000000000001",
      rateLimitCalls: "10",
      rateLimitPeriod: "60",
    });
    expect(reindent(xml)).not.toBe(xml);
    expect(sameXml(xml, reindent(xml))).toBe(true);
  });
});

describe("policy template", () => {
  const template = readFileSync(POLICY_PATH, "utf8");
  const values = {
    backendId: "dbw-01",
    managedIdentityClientId: undefined,
    rateLimitCalls: undefined,
    rateLimitPeriod: undefined,
  };
  const strict = { keyNames: DEFAULT_KEY_NAMES, allowUnsafe: false };

  it("renders the shipped template without optional parts, and passes the checks", () => {
    const checked = checkPolicy(template, values, "policy.xml", strict);
    expect(checked).toMatchObject({ ok: true, policy: { warnings: [], unsafe: [] } });
    const xml = checked.ok ? checked.policy.xml : "";
    expect(xml).not.toContain("rate-limit-by-key");
    expect(xml).not.toContain(`client-id="`);
    expect(xml).not.toMatch(/\{\{|\}\}/);
    expect(xml).toContain('<set-query-parameter name="subscription-key" exists-action="delete" />');
    expect(xml).toContain("<value>@(context.RequestId.ToString())</value>");
  });

  it("renders optional client-id and rate limit, escaping values", () => {
    const xml = renderPolicy(template, {
      ...values,
      managedIdentityClientId: "11111111-1111-1111-1111-111111111111",
      rateLimitCalls: "100",
      rateLimitPeriod: "60",
    });
    expect(xml).toContain(
      'resource="2ff814a6-3304-4ab8-85cb-cd0e6f879c1d" client-id="11111111-1111-1111-1111-111111111111" />',
    );
    expect(xml).toContain(
      '<rate-limit-by-key calls="100" renewal-period="60" counter-key="@(context.Subscription.Id)" />',
    );
    expect(renderPolicy('<a b="{{backendId}}"/>', { ...values, backendId: 'x"<&' })).toBe(
      '<a b="x&quot;&lt;&amp;"/>',
    );
  });

  it("rejects unknown, unbalanced or out-of-section placeholders", () => {
    expect(() => renderPolicy("{{nope}}", values)).toThrow("unknown placeholder {{nope}}");
    expect(() => renderPolicy("{{#rateLimitCalls}}x{{/backendId}}", values)).toThrow(
      "is closed by {{/backendId}}",
    );
    expect(() => renderPolicy("{{rateLimitCalls}}", values)).toThrow("outside a {{#rateLimitCalls}} section");
    expect(() => renderPolicy("{{ backendId }}", values)).toThrow("malformed placeholder");
  });

  it("requires the client-id asked for, and refuses a policy that would forward the subscription key", () => {
    const withId = { ...values, managedIdentityClientId: "11111111-1111-1111-1111-111111111111" };
    const safe = (mi: string) =>
      `<policies><inbound><set-backend-service backend-id="dbw-01"/><set-header name="Ocp-Apim-Subscription-Key" exists-action="delete"/><set-query-parameter name="subscription-key" exists-action="delete"/>${mi}</inbound></policies>`;
    const missing = checkPolicy(
      safe('<authentication-managed-identity resource="2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"/>'),
      withId,
      "p.xml",
      strict,
    );
    expect(missing).toEqual({
      ok: false,
      errors: [
        'p.xml:1: authentication-managed-identity client-id is missing, expected "11111111-1111-1111-1111-111111111111" (--managed-identity-client-id)',
      ],
    });
    const noRemoval = checkPolicy(
      '<policies><inbound><set-backend-service backend-id="dbw-01"/><authentication-managed-identity resource="2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"/></inbound></policies>',
      values,
      "p.xml",
      strict,
    );
    expect(noRemoval.ok ? [] : noRemoval.errors).toEqual([
      expect.stringContaining("p.xml: unsafe policy: the subscription key header is not removed"),
      expect.stringContaining("p.xml: unsafe policy: the subscription key query parameter is not removed"),
    ]);
    expect(checkPolicy("<other/>", values, "p.xml", strict)).toMatchObject({
      ok: false,
      errors: expect.arrayContaining(["p.xml: root element is <other>, expected <policies>"]),
    });
  });
});
