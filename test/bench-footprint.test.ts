/**
 * The size figure that weighs the messages (bench/footprint.ts `withShortText`): it must cut string
 * and template text only, as the language reads it, and leave code and regular expressions alone.
 */
import { describe, expect, it } from "vitest";
import { TEXT_KEPT, withShortText } from "../bench/footprint.js";

const long = "x".repeat(TEXT_KEPT + 10);
const kept = "x".repeat(TEXT_KEPT);

describe("withShortText", () => {
  it("cuts string literals longer than TEXT_KEPT to that length, in either quote", () => {
    expect(withShortText(`a("${long}");b('${long}');`)).toBe(`a("${kept}");b('${kept}');`);
  });

  it("leaves short strings, identifiers and regular expressions (even with quotes inside) alone", () => {
    const code = `const s="short",r=/"${long}"/g;f(s,r);`;
    expect(withShortText(code)).toBe(code);
  });

  it("cuts each part of a template separately and keeps its substitutions", () => {
    expect(withShortText(`t=\`${long}\${a}${long}\${b}${long}\`;`)).toBe(
      `t=\`${kept}\${a}${kept}\${b}${kept}\`;`,
    );
    expect(withShortText(`t=\`${long}\`;`)).toBe(`t=\`${kept}\`;`);
  });

  it("still parses: the cut output is valid JavaScript", () => {
    const out = withShortText(`export const m=\`Redirect refused: \${x} ${long}\`,n="${long}";`);
    expect(() => new Function(out.replace("export ", ""))).not.toThrow();
  });
});
