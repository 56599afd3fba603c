/**
 * One side of a request scenario in a process of its own, forked by requests.ts. Sides that share a
 * process share more than an app would: the feedback of openapi-fetch's closures (three sides build an
 * openapi-fetch client), node:http's and undici's code paths, and the heap one side's garbage leaves for
 * the next round. An app runs one client, so each side runs alone; the parent still interleaves the
 * rounds (measure.ts) to cancel drift.
 *
 *   argv: <side> <GET|POST> <origin> <key>; messages: { count, concurrency } → { wall, cpu }
 */
import { timeCalls } from "./measure.js";
import { loadOfficialSdk, loadSdk } from "./sdk.js";
import { SIDES, type SideName, sideCall } from "./sides.js";

const [name, method, origin, key] = process.argv.slice(2);
if (!SIDES.includes(name as SideName) || (method !== "GET" && method !== "POST") || !origin || !key)
  throw new Error("Usage: side-process.ts <side> <GET|POST> <origin> <key> (forked by bench/requests.ts)");

const call = sideCall(
  {
    sdk: await loadSdk(),
    official: name === "officialSdk" ? await loadOfficialSdk() : undefined,
    origin,
    key,
  },
  name as SideName,
  method,
);

// No forced collection before a round: with no other side in this heap there is nothing to keep from
// being billed to this one, and a full GC shrinks the young generation that the next requests then
// grow back (Analysis, item 13), which no app pays every couple of thousand calls.
process.on("message", (message: { count: number; concurrency: number }) => {
  timeCalls(message.count, message.concurrency, call).then(
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
