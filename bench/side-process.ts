/**
 * One side of a scenario in a process of its own, started by side-runner.ts. Sides that share a
 * process share more than an app would: the feedback of openapi-fetch's closures (three sides build an
 * openapi-fetch client), node:http's and undici's code paths, and the heap one side's garbage leaves for
 * the next. An app runs one client, so each side runs alone; the parent still interleaves the rounds
 * (measure.ts) to cancel drift.
 *
 *   argv: a SideSpec as JSON; each "run" message → one run's { wall, cpu }
 */
import { timeCalls } from "./measure.js";
import { type ListSide, listRun } from "./pagination.js";
import { loadOfficialSdk, loadSdk } from "./sdk.js";
import type { SideSpec } from "./side-runner.js";
import { SIDES, type SideName, sideCall } from "./sides.js";

const spec = JSON.parse(process.argv[2] ?? "{}") as SideSpec;
const target = {
  sdk: await loadSdk(),
  official: spec.side === "officialSdk" ? await loadOfficialSdk() : undefined,
  origin: spec.origin,
  key: spec.key,
};

let run: () => Promise<unknown>;
if (spec.kind === "request") {
  if (!SIDES.includes(spec.side as SideName)) throw new Error(`Unknown request side ${spec.side}`);
  const call = sideCall(target, spec.side as SideName, spec.method);
  run = () => timeCalls(spec.count, spec.concurrency, call);
} else {
  run = listRun(target, spec.side as ListSide, spec.total);
}

// No forced collection before a run: with no other side in this heap there is nothing to keep from
// being billed to this one, and a full GC shrinks the young generation that the next requests then
// grow back (bench/results.md, Analysis item 13), which no app pays every couple of thousand calls.
process.on("message", () => {
  run().then(
    (figures) => process.send?.(figures),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
// The parent going away ends the side too.
process.on("disconnect", () => process.exit(0));
process.send?.("ready");
