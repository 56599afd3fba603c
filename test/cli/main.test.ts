/**
 * The `databricks-apim` bin's dispatch (src/cli/main.ts) in-process: which command runs with which
 * arguments, the usage, the version, an unknown command, and the install hint when msw (an optional peer
 * dependency, needed only by mock-gateway and demo) is missing. Node names a missing package
 * ERR_MODULE_NOT_FOUND, "Cannot find package 'msw' imported from …" (Node's ESM resolver errors).
 * The demo itself is replaced here: it runs a whole tour against the emulator.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { DOCTOR_USAGE } from "../../src/cli/doctor.js";
import { MOCK_GATEWAY_USAGE } from "../../src/cli/mock-gateway.js";
import { VERSION } from "../../src/version.js";

const demo = vi.hoisted(() => ({ run: async (): Promise<number> => 0 }));
vi.mock("../../src/cli/demo.js", () => ({ demoCommand: () => demo.run() }));

/** Captures what the process prints while `run` runs. */
async function printed<T>(run: () => Promise<T>) {
  let out = "";
  let err = "";
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation(((text: string) => {
    out += text;
    return true;
  }) as typeof process.stdout.write);
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation(((text: string) => {
    err += text;
    return true;
  }) as typeof process.stderr.write);
  const log = vi.spyOn(console, "log").mockImplementation((text: string) => {
    out += `${text}\n`;
  });
  try {
    return { result: await run(), out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    log.mockRestore();
  }
}

// Importing the bin runs it once with the process's arguments: an unknown command here.
const argv = process.argv;
process.argv = [argv[0] ?? "node", "databricks-apim", "no-such-command"];
const loaded = await printed(() => import("../../src/cli/main.js"));
process.argv = argv;
const exitCodeAfterImport = process.exitCode;
process.exitCode = undefined;
const { main } = loaded.result;

afterEach(() => {
  demo.run = async () => 0;
  vi.unstubAllEnvs();
});

describe("databricks-apim", () => {
  it("runs itself on import with the process's arguments and sets the exit code", () => {
    expect(loaded.err).toMatch(
      /^databricks-apim: unknown command "no-such-command"\n\nUsage: databricks-apim/,
    );
    expect(exitCodeAfterImport).toBe(2);
  });

  it("prints its usage, listing the commands and the version, for no command, help, --help and -h", async () => {
    const usage = (await printed(() => main([]))).out;
    expect(usage).toMatch(/^Usage: databricks-apim <command> \[options\]\n/);
    for (const line of [
      "  doctor         diagnose an APIM gateway in front of Azure Databricks (read-only)",
      "  mock-gateway   run the APIM + workspace emulator on 127.0.0.1 (needs msw)",
      "  demo           a tour of the client, against the emulator or DATABRICKS_APIM_URL",
      "  help           this text",
      `databricks-apim <command> --help shows a command's options. Version ${VERSION}.`,
    ])
      expect(usage).toContain(`${line}\n`);
    for (const args of [["help"], ["--help"], ["-h"]]) {
      const run = await printed(() => main(args));
      expect(run).toEqual({ result: 0, out: usage, err: "" });
    }
  });

  it("prints the version for --version", async () => {
    expect(await printed(() => main(["--version"]))).toEqual({ result: 0, out: `${VERSION}\n`, err: "" });
  });

  it("names an unknown command above the usage, exit 2", async () => {
    const usage = (await printed(() => main(["help"]))).out;
    expect(await printed(() => main(["doctr", "--json"]))).toEqual({
      result: 2,
      out: "",
      err: `databricks-apim: unknown command "doctr"\n\n${usage}`,
    });
  });

  it("runs doctor with the rest of the arguments and the process's environment", async () => {
    expect(await printed(() => main(["doctor", "--help"]))).toEqual({
      result: 0,
      out: DOCTOR_USAGE,
      err: "",
    });
    vi.stubEnv("DATABRICKS_APIM_URL", "http://apim.example.net");
    const run = await printed(() => main(["doctor"]));
    expect(run.result).toBe(2);
    expect(run.err).toContain("--apim-url must use https:// (plain http only for localhost), got http:");
  });

  it("runs mock-gateway with the rest of the arguments", async () => {
    expect(await printed(() => main(["mock-gateway", "--help"]))).toEqual({
      result: 0,
      out: `${MOCK_GATEWAY_USAGE}\n`,
      err: "",
    });
  });

  it("runs demo and exits with its code", async () => {
    demo.run = async () => 7;
    expect((await printed(() => main(["demo"]))).result).toBe(7);
  });

  it("says how to install msw when it is missing, exit 1", async () => {
    demo.run = async () => {
      throw Object.assign(new Error("Cannot find package 'msw' imported from /app/dist/testing/msw.js"), {
        code: "ERR_MODULE_NOT_FOUND",
      });
    };
    expect(await printed(() => main(["demo"]))).toEqual({
      result: 1,
      out: "",
      err: "databricks-apim: this command runs the emulator, which needs msw: npm install -D msw\n",
    });
  });

  it("lets any other failure through: another missing package, or msw failing otherwise", async () => {
    const otherPackage = Object.assign(new Error("Cannot find package 'undici' imported from /app/x.js"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    demo.run = async () => {
      throw otherPackage;
    };
    await expect(main(["demo"])).rejects.toBe(otherPackage);
    const mswBroken = Object.assign(new Error("Cannot find package 'msw' imported from /app/x.js"), {
      code: "ERR_REQUIRE_ESM",
    });
    demo.run = async () => {
      throw mswBroken;
    };
    await expect(main(["demo"])).rejects.toBe(mswBroken);
  });
});
