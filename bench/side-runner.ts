/**
 * Starts one side of a scenario in a process of its own (side-process.ts) and runs its rounds there
 * on demand, so the parent can interleave the sides' rounds (measure.ts) while each keeps its own JIT
 * state and heap, as an app's one client does.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Figures } from "./measure.js";

/** What a side process builds: a request side (sides.ts) or a list walk (pagination.ts). */
export type SideSpec = { origin: string; key: string } & (
  | { kind: "request"; side: string; method: "GET" | "POST"; count: number; concurrency: number }
  | { kind: "list"; side: string; total: number }
);

/** A side running in its own process. */
export interface SideProcess {
  /** One measured run: µs per call (requests) or ms per list (lists), wall and CPU. */
  run: () => Promise<Figures<"wall" | "cpu">>;
  stop: () => void;
}

export async function startSide(spec: SideSpec): Promise<SideProcess> {
  // Inherits the parent's execArgv (the tsx loader).
  const child: ChildProcess = fork(
    fileURLToPath(new URL("./side-process.ts", import.meta.url)),
    [JSON.stringify(spec)],
    { stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`Bench side ${spec.side} exited (code ${code}).`))),
  );
  exited.catch(() => undefined);
  const next = () =>
    Promise.race([new Promise<unknown>((resolve) => child.once("message", resolve)), exited]);
  await next();
  return {
    run: async () => {
      const answer = next();
      child.send("run");
      return (await answer) as Figures<"wall" | "cpu">;
    },
    stop: () => {
      child.removeAllListeners("exit");
      child.kill();
    },
  };
}

/** Starts every side (in order), runs `work` with them, and stops them all whatever happens. */
export async function withSides<T>(
  specs: SideSpec[],
  work: (sides: SideProcess[]) => Promise<T>,
): Promise<T> {
  const started: SideProcess[] = [];
  try {
    for (const spec of specs) started.push(await startSide(spec));
    return await work(started);
  } finally {
    for (const side of started) side.stop();
  }
}
