/**
 * Every line the CLI prints goes through hideSecrets: a gateway may echo the subscription key back
 * (APIM forwards it to the backend unless a policy removes it: docs/apim.md "Key transport", after
 * Azure-Samples/Apim-Samples#70), so the key must not reach the screen in any case or spelling.
 */
import { describe, expect, it } from "vitest";
import { hideSecrets, safePrinter } from "../../src/cli/safe-output.js";

describe("hideSecrets", () => {
  it("replaces every occurrence of each secret, whatever its case", () => {
    expect(hideSecrets("key abc-123 and ABC-123, Abc-123.", ["abc-123"])).toBe(
      "key [REDACTED] and [REDACTED], [REDACTED].",
    );
    expect(hideSecrets("one two three", ["one", "three"])).toBe("[REDACTED] two [REDACTED]");
  });

  it("takes a secret's characters literally, regular-expression ones included", () => {
    const key = "a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o";
    expect(hideSecrets(`<${key}>`, [key])).toBe("<[REDACTED]>");
    // Read as a pattern, "a.c" would also hide "abc".
    expect(hideSecrets("abc a.c", ["a.c"])).toBe("abc [REDACTED]");
    expect(hideSecrets("x^y x$y", ["^y", "x$"])).toBe("x[REDACTED] [REDACTED]y");
  });

  it("skips a missing or empty secret and leaves text without secrets as it is", () => {
    expect(hideSecrets("nothing to hide", [undefined, ""])).toBe("nothing to hide");
    expect(hideSecrets("nothing to hide", [])).toBe("nothing to hide");
    expect(hideSecrets("short k", [undefined, "k", ""])).toBe("short [REDACTED]");
  });
});

describe("safePrinter", () => {
  it("passes each line to the printer with the secrets hidden", () => {
    const lines: string[] = [];
    const print = safePrinter((line) => lines.push(line), ["s3cret", undefined]);
    print("first S3CRET line");
    print("second line");
    expect(lines).toEqual(["first [REDACTED] line", "second line"]);
  });
});
