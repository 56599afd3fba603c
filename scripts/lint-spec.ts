/**
 * `npm run lint:spec`: Redocly's structural lint, then this project's APIM import rules.
 * Exits non-zero on any Redocly error or APIM rule error; APIM warnings are printed only.
 */
import { spawnSync } from "node:child_process";
import { checkApimRules } from "./lib/apim-rules.js";
import { loadSpec, SPEC_PATH } from "./lib/spec.js";

const redocly = spawnSync("npx", ["--no-install", "redocly", "lint", "--format", "summary", SPEC_PATH], {
  encoding: "utf8",
  env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
});
const redoclyOk = redocly.status === 0;
if (!redoclyOk) process.stderr.write(redocly.stdout + redocly.stderr);
else console.log("redocly: valid");

// Warnings are known cases that import-to-apim handles (e.g. the recursive ForEachTask schema): listed
// with --verbose, so that a green `npm test` stays quiet.
const verbose = process.argv.includes("--verbose");
const findings = checkApimRules(loadSpec().doc);
for (const finding of findings) {
  if (verbose || finding.level === "error") console.log(`apim ${finding.level}: ${finding.message}`);
}
const errors = findings.filter((finding) => finding.level === "error").length;
const warnings = findings.length - errors;
const hint = warnings > 0 && !verbose ? " (npm run lint:spec -- --verbose lists them)" : "";
console.log(`apim rules: ${errors} error(s), ${warnings} warning(s)${hint}`);
process.exit(redoclyOk && errors === 0 ? 0 : 1);
