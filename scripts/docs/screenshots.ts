/**
 * `npm run docs:screenshots`: opens the built site in headless Chromium (Debian's `chromium`) and saves
 * screenshots of the landing page, one operation and one function page into site-screenshots/, so a
 * reviewer can look without a browser. Builds the site first when site/ is missing. Not part of
 * `npm test`. Requests to anything but the local server are blocked: the site must work offline.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { buildSite } from "./build.js";
import { serveSite } from "./serve.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SITE = path.join(ROOT, "site");
const OUT = path.join(ROOT, "site-screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The pages to capture: file name, site path, and what must be visible before the shot. */
const SHOTS = [
  { file: "landing.png", path: "/index.html", ready: "h1, h2", fullPage: false },
  {
    file: "operation-clusters-create.png",
    path: "/operations.html#/clusters/clusterscreate",
    ready: "text=With databricks-apim",
    fullPage: false,
  },
  {
    file: "function-createDatabricksClient.png",
    path: "/functions/databricks-apim.createDatabricksClient.html",
    ready: "h1",
    fullPage: true,
  },
] as const;

if (!existsSync(CHROMIUM)) {
  console.error(
    `No Chromium at ${CHROMIUM}. Install Debian's package: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH).`,
  );
  process.exit(1);
}
if (!existsSync(path.join(SITE, "index.html"))) {
  console.log("site/ is missing: building it first (npm run docs).");
  await buildSite(SITE);
}

mkdirSync(OUT, { recursive: true });
const profile = mkdtempSync(path.join(os.tmpdir(), "databricks-apim-chromium-"));
const server = await serveSite(SITE);
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1440, height: 900 },
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
const blocked = new Set<string>();
try {
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(server.origin) || url.startsWith("data:") || url.startsWith("blob:"))
      return route.continue();
    blocked.add(url);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  for (const shot of SHOTS) {
    await page.goto(server.origin + shot.path, { waitUntil: "load" });
    await page.locator(shot.ready).first().waitFor({ state: "visible", timeout: 15_000 });
    const file = path.join(OUT, shot.file);
    await page.screenshot({ path: file, fullPage: shot.fullPage });
    console.log(`${file}  ←  ${shot.path}`);
  }
  if (blocked.size > 0) console.log(`Blocked (not loopback): ${[...blocked].join(", ")}`);
  if (errors.length > 0) {
    console.error(`Page errors:\n${errors.join("\n")}`);
    process.exitCode = 1;
  }
} finally {
  await context.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
