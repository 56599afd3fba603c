/**
 * `databricks-apim doctor`'s flags and environment, checked before any request: each refusal names what
 * is wrong, and carries the key only so that the command can hide it (never in the message itself).
 * The subscription key travels in `Ocp-Apim-Subscription-Key` (docs/apim.md "Key transport", after
 * Microsoft's api-management-subscriptions.md), so it must be printable ASCII without spaces.
 */
import { describe, expect, it } from "vitest";
import { type DoctorInput, parseDoctorInput } from "../../src/cli/doctor-input.js";

const KEY = "input-test-key-0123456789";
const URL_ENV = { DATABRICKS_APIM_URL: "https://apim.example.net" };

function accepted(argv: string[], env: Record<string, string | undefined> = URL_ENV): DoctorInput {
  const input = parseDoctorInput(argv, env);
  if (input === "help" || "error" in input)
    throw new Error(`expected an input, got ${JSON.stringify(input)}`);
  return input;
}

function refused(argv: string[], env: Record<string, string | undefined> = URL_ENV) {
  const input = parseDoctorInput(argv, env);
  if (input === "help" || !("error" in input))
    throw new Error(`expected an error, got ${JSON.stringify(input)}`);
  return input;
}

describe("parseDoctorInput", () => {
  it("takes the URL from the environment, the default suffix, no JSON and a 10 s timeout", () => {
    expect(accepted([])).toEqual({
      base: "https://apim.example.net/dbw-01",
      key: undefined,
      json: false,
      timeoutMs: 10_000,
    });
  });

  it("lets each flag win over its environment variable, and trims the variables", () => {
    const env = {
      DATABRICKS_APIM_URL: " https://env.example.net ",
      DATABRICKS_APIM_API_SUFFIX: " env-suffix ",
      DATABRICKS_APIM_SUBSCRIPTION_KEY: `  ${KEY}\n`,
    };
    expect(accepted([], env)).toEqual({
      base: "https://env.example.net/env-suffix",
      key: KEY,
      json: false,
      timeoutMs: 10_000,
    });
    expect(
      accepted(
        [
          "--apim-url",
          "https://flag.example.net",
          "--api-suffix",
          "flag-suffix",
          "--json",
          "--timeout",
          "250",
        ],
        env,
      ),
    ).toEqual({ base: "https://flag.example.net/flag-suffix", key: KEY, json: true, timeoutMs: 250 });
  });

  it("treats a blank key as no key, and an empty suffix as the default", () => {
    const input = accepted(["--api-suffix", ""], { ...URL_ENV, DATABRICKS_APIM_SUBSCRIPTION_KEY: "   " });
    expect(input.key).toBeUndefined();
    expect(input.base).toBe("https://apim.example.net/dbw-01");
    expect(accepted([], { ...URL_ENV, DATABRICKS_APIM_API_SUFFIX: "  " }).base).toBe(
      "https://apim.example.net/dbw-01",
    );
  });

  it("keeps a path prefix of the gateway URL, drops trailing slashes, and strips the suffix's slashes", () => {
    expect(accepted(["--apim-url", "https://apim.example.net/"]).base).toBe(
      "https://apim.example.net/dbw-01",
    );
    expect(
      accepted(["--apim-url", "https://apim.example.net/team//", "--api-suffix", "//a/b.c~d_e-f/"]).base,
    ).toBe("https://apim.example.net/team/a/b.c~d_e-f");
    expect(accepted(["--api-suffix", "dbw-02///"]).base).toBe("https://apim.example.net/dbw-02");
  });

  it("allows plain http only for localhost, 127.0.0.1 and [::1]", () => {
    for (const host of ["localhost", "127.0.0.1", "[::1]"])
      expect(accepted(["--apim-url", `http://${host}:8080`]).base).toBe(`http://${host}:8080/dbw-01`);
    expect(refused(["--apim-url", "http://apim.example.net"]).error).toBe(
      "--apim-url must use https:// (plain http only for localhost), got http:",
    );
    expect(refused(["--apim-url", "ftp://localhost"]).error).toBe(
      "--apim-url must use https:// (plain http only for localhost), got ftp:",
    );
  });

  it("answers help for --help", () => {
    expect(parseDoctorInput(["--help"], {})).toBe("help");
    expect(parseDoctorInput(["--json", "--help"], URL_ENV)).toBe("help");
  });

  it("refuses the key as a flag, in all its spellings, before reading anything else", () => {
    const env = { DATABRICKS_APIM_SUBSCRIPTION_KEY: KEY };
    for (const flag of ["--key", `--key=${KEY}`, "--subscription-key", `--subscription-key=${KEY}`]) {
      expect(refused(["--help", flag, KEY], env)).toEqual({
        error: "the subscription key is never a flag: set DATABRICKS_APIM_SUBSCRIPTION_KEY instead.",
        key: KEY,
      });
    }
    // Only those names: another flag that starts alike is an unknown option.
    expect(refused(["--key-file", "k"]).error).toBe("Unknown option '--key-file'");
    expect(refused(["--keys"]).error).toBe("Unknown option '--keys'");
    // …and only as a flag: a value that contains the words is that value.
    expect(
      accepted(["--api-suffix=team--key", "--apim-url", "https://x.example/a--subscription-key=1"]).base,
    ).toBe("https://x.example/a--subscription-key=1/team--key");
  });

  it("names an unknown flag, a positional argument and a missing value (parseArgs' own messages)", () => {
    expect(refused(["--bogus"])).toEqual({ error: "Unknown option '--bogus'", key: undefined });
    expect(refused(["extra"]).error).toBe(
      "Unexpected argument 'extra'. This command does not take positional arguments",
    );
    expect(refused(["--timeout"]).error).toBe("Option '--timeout <value>' argument missing");
  });

  it("asks for the URL when neither the flag nor the variable gives one", () => {
    const expected = { error: "missing --apim-url (or DATABRICKS_APIM_URL).", key: KEY };
    expect(refused([], { DATABRICKS_APIM_SUBSCRIPTION_KEY: KEY })).toEqual(expected);
    expect(refused([], { DATABRICKS_APIM_URL: "   ", DATABRICKS_APIM_SUBSCRIPTION_KEY: KEY })).toEqual(
      expected,
    );
  });

  it("refuses what is not a URL, or carries credentials, a query or a fragment", () => {
    expect(refused(["--apim-url", "apim.example.net"]).error).toBe(
      '--apim-url "apim.example.net" is not a URL.',
    );
    const message = "--apim-url must not carry credentials, a query string or a fragment.";
    for (const url of [
      "https://user@apim.example.net",
      "https://:secret@apim.example.net",
      "https://apim.example.net/?a=1",
      "https://apim.example.net/#top",
    ])
      expect(refused(["--apim-url", url]).error, url).toBe(message);
  });

  it("refuses a suffix that is not a URL path", () => {
    for (const suffix of ["has space", "-dash-first", "a?b", "a%20b"])
      expect(refused([`--api-suffix=${suffix}`]).error).toBe(
        `--api-suffix "${suffix}" is not a URL path suffix.`,
      );
    expect(refused([], { ...URL_ENV, DATABRICKS_APIM_API_SUFFIX: "x y" }).error).toBe(
      '--api-suffix "x y" is not a URL path suffix.',
    );
  });

  it("refuses a URL that already ends with the suffix, with or without a trailing slash", () => {
    const error = '--apim-url ends with the API suffix "/dbw-01": drop it, the suffix is added.';
    expect(refused(["--apim-url", "https://apim.example.net/dbw-01"]).error).toBe(error);
    expect(refused(["--apim-url", "https://apim.example.net/team/dbw-01/"]).error).toBe(error);
    // Only a whole segment: a path that merely ends with the same letters is a prefix.
    expect(accepted(["--apim-url", "https://apim.example.net/xdbw-01"]).base).toBe(
      "https://apim.example.net/xdbw-01/dbw-01",
    );
  });

  it("refuses a key with inner whitespace, control or non-ASCII characters, without quoting it", () => {
    const error = "DATABRICKS_APIM_SUBSCRIPTION_KEY contains whitespace, control or non-ASCII characters.";
    for (const key of ["abc def", "abc\u0007def", "clé-0123", "abc\u007fdef"])
      expect(refused([], { ...URL_ENV, DATABRICKS_APIM_SUBSCRIPTION_KEY: key })).toEqual({ error, key });
    expect(accepted([], { ...URL_ENV, DATABRICKS_APIM_SUBSCRIPTION_KEY: "!~0aZ" }).key).toBe("!~0aZ");
  });

  it("takes a timeout of whole milliseconds from 1 up", () => {
    expect(accepted(["--timeout", "1"]).timeoutMs).toBe(1);
    const error = "--timeout must be a positive integer of milliseconds.";
    for (const value of ["0", "-5", "1.5", "abc", ""])
      expect(refused([`--timeout=${value}`]).error, value).toBe(error);
  });

  it("hands back the trimmed key with every refusal, so that the command can hide it", () => {
    const env = { DATABRICKS_APIM_SUBSCRIPTION_KEY: ` ${KEY} ` };
    for (const argv of [["--bogus"], ["--apim-url", "nope"], ["--apim-url", "http://x.example"]])
      expect(refused(argv, env).key).toBe(KEY);
    for (const argv of [
      ["--apim-url", "https://u@x.example"],
      ["--apim-url", "https://x.example", "--api-suffix", "a b"],
    ])
      expect(refused(argv, env).key).toBe(KEY);
    expect(refused(["--apim-url", "https://x.example/dbw-01"], env).key).toBe(KEY);
    expect(refused(["--apim-url", "https://x.example", "--timeout", "0"], env).key).toBe(KEY);
  });
});
