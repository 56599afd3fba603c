/**
 * `npm run demo`: the same tour as `databricks-apim demo` (src/cli/demo.ts), run from a clone.
 */
import { fileURLToPath } from "node:url";
import { demoCommand } from "../src/cli/demo.js";

export { type DemoOptions, runDemo } from "../src/cli/demo.js";

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await demoCommand();
