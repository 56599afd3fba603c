/** Reading the address a child `mock-gateway` process prints once it listens. */
import type { ChildProcess } from "node:child_process";

/**
 * Resolves with the `http://127.0.0.1:PORT` the child printed, and `output()`, everything it has printed
 * so far (its request log follows); rejects if the child exits first, with what it printed.
 */
export async function listeningUrl(child: ChildProcess): Promise<{ url: string; output: () => string }> {
  let stdout = "";
  child.stdout?.setEncoding("utf8");
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (chunk: string) => {
      stdout += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (m?.[1]) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`mock-gateway exited early (${code}): ${stdout}`)));
  });
  return { url, output: () => stdout };
}
