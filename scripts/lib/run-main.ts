/**
 * The scaffolding of a deploy script's `run()`: where lines go (with `--json`, stdout carries only the
 * JSON document and progress goes to stderr), how bad input ends a run, the sign-in preamble that
 * prints who the run acts as, and starting `run()` when the file is the entry point.
 */
import { pathToFileURL } from "node:url";
import type { TokenCredential } from "@azure/identity";
import { EXIT_INVALID } from "./cli-flags.js";
import {
  type CredentialChoice,
  CredentialError,
  cachingCredential,
  describeIdentity,
  type IdentityModule,
  type SelectedCredential,
  selectCredential,
  whoAmI,
} from "./credential.js";

type Env = Readonly<Record<string, string | undefined>>;
type Sink = { write(text: string): unknown };

/** The fields every `--json` document may carry on failure. */
export interface BaseResult {
  status: string;
  errors?: string[];
}

export interface RunOutput<R extends BaseResult> {
  /** The command's name, the prefix of its error lines. */
  command: string;
  stdout: Sink;
  stderr: Sink;
  /** A progress line. */
  log(line: string): void;
  /** Prints the `--json` document (if asked for) and returns the exit code. */
  finish(code: number, result: R): number;
  /** Reports bad input, says nothing was sent, and ends with EXIT_INVALID. */
  invalid(errors: string[]): number;
}

export interface RunOutputOptions<R extends BaseResult> {
  command: string;
  json: boolean;
  stdout: Sink;
  stderr: Sink;
  nothingSent: string;
  decorate?: (result: R) => R;
}

/**
 * Output of one run. `command` prefixes error lines; `nothingSent` is the closing line of bad input;
 * `decorate` adds fields to every JSON document (e.g. its duration).
 */
export function runOutput<R extends BaseResult>(options: RunOutputOptions<R>): RunOutput<R> {
  const { command, json, stdout, stderr } = options;
  const finish = (code: number, result: R): number => {
    // decorate only for a document that is printed: it may read the clock.
    if (json) stdout.write(`${JSON.stringify(options.decorate?.(result) ?? result, null, 2)}\n`);
    return code;
  };
  return {
    command,
    stdout,
    stderr,
    log: (line) => (json ? stderr : stdout).write(`${line}\n`),
    finish,
    invalid(errors) {
      for (const error of errors) stderr.write(`${command}: ${error}\n`);
      stderr.write(`${command}: ${options.nothingSent}\n`);
      return finish(EXIT_INVALID, { status: "invalid", errors } as R);
    },
  };
}

/** A parsed command line, as both scripts' parsers return it. */
export type ParsedRun<O> =
  | { kind: "options"; options: O }
  | { kind: "help" }
  | { kind: "invalid"; errors: string[] };

/**
 * The opening every run shares: `--help` prints the usage and ends with 0; otherwise the output is set
 * up (JSON when the options, or the raw argv of unusable input, ask for it) and bad input ends the run.
 */
export function startRun<O extends { json: boolean }, R extends BaseResult>(
  parsed: ParsedRun<O>,
  argv: readonly string[],
  deps: ScriptDeps,
  config: Omit<RunOutputOptions<R>, "json" | "stdout" | "stderr"> & { usage: () => string },
): { exit: number } | { out: RunOutput<R>; options: O } {
  const stdout = deps.stdout ?? process.stdout;
  if (parsed.kind === "help") {
    stdout.write(config.usage());
    return { exit: 0 };
  }
  const json = parsed.kind === "options" ? parsed.options.json : argv.includes("--json");
  const out = runOutput<R>({ ...config, json, stdout, stderr: deps.stderr ?? process.stderr });
  if (parsed.kind === "invalid") return { exit: out.invalid(parsed.errors) };
  return { out, options: parsed.options };
}

/** What the sign-in preamble needs from a run's dependencies. */
export interface SignInDeps {
  /** A ready credential (tests); @default the one `--credential`/`AZURE_TOKEN_CREDENTIALS` select */
  credential?: TokenCredential;
  /** Loads @azure/identity; @default dynamic import */
  identity?: () => Promise<IdentityModule>;
}

/** Side effects every deploy script takes; each defaults to the real thing. */
export interface ScriptDeps extends SignInDeps {
  fetch?: typeof fetch;
  stdout?: Sink;
  stderr?: Sink;
  now?: () => number;
}

/**
 * Builds the credential the options chose and prints who it acts as, read from a token for `scope`.
 * Resolves with the credential, or with the exit code after reporting why there is none.
 */
export async function signIn<R extends BaseResult>(
  out: RunOutput<R>,
  deps: SignInDeps,
  request: {
    choice: CredentialChoice;
    env: Env;
    authorityHost: string;
    scope: string;
    now: () => number;
  },
): Promise<SelectedCredential | number> {
  const { choice, env, now } = request;
  try {
    const selected: SelectedCredential = deps.credential
      ? { ...choice, credential: cachingCredential(deps.credential, now) }
      : await selectCredential({
          flag: undefined,
          choice,
          env,
          authorityHost: request.authorityHost,
          ...(deps.identity ? { load: deps.identity } : {}),
          now,
        });
    out.log(`  ${describeIdentity(selected, await whoAmI(selected, request.scope, env))}`);
    return selected;
  } catch (error) {
    if (!(error instanceof CredentialError))
      return out.invalid([`cannot create the Azure credential: ${(error as Error).message}`]);
    out.stderr.write(`${out.command}: ${error.message}\n`);
    return out.finish(error.exitCode, { status: "failed", errors: [error.message] } as R);
  }
}

/** Runs `main` and sets the exit code when `moduleUrl` is the script node was started with. */
export async function runIfEntryPoint(moduleUrl: string, main: () => Promise<number>): Promise<void> {
  if (process.argv[1] && moduleUrl === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
}
