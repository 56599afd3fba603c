/**
 * The API reference and the guides: TypeDoc with typedoc.json, this package's plugin, and whatever
 * docs/*.md guides exist as project documents (they are written alongside the code, so none is required).
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { Application, PageEvent, Reflection, ReflectionKind, TSConfigReader, TypeDocReader } from "typedoc";
import { githubHeadingAnchors, load } from "./typedoc-plugin.js";

/** The guides to render: every docs/*.md, in name order. */
export function guideFiles(root: string): string[] {
  const dir = path.join(root, "docs");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => path.join("docs", name));
}

const LINKED_KINDS = ReflectionKind.Function | ReflectionKind.Class | ReflectionKind.Module;

/** Site-relative page URLs: `urls` by exported name (and module name), `guides` by guide title. */
export interface SitePages {
  urls: Map<string, string>;
  guides: Map<string, string>;
}

/** Errors fail the build, and so do warnings under `treatWarningsAsErrors`, as with TypeDoc's CLI. */
function failOnProblems(app: Application, step: string): void {
  const strict = app.options.getValue("treatWarningsAsErrors");
  if (app.logger.hasErrors() || (strict && app.logger.hasWarnings())) {
    throw new Error(
      `TypeDoc reported ${app.logger.hasErrors() ? "errors" : "warnings"} while ${step} (see above)`,
    );
  }
}

/** Renders the API reference and guides into `out`; returns where the pages went. */
export async function buildApiReference(root: string, out: string): Promise<SitePages> {
  const app = await Application.bootstrapWithPlugins(
    {
      options: path.join(root, "typedoc.json"),
      out,
      projectDocuments: guideFiles(root),
      markdownItLoader: githubHeadingAnchors,
    },
    // No ArgumentsReader: this script's own argv is not TypeDoc's.
    [new TypeDocReader(), new TSConfigReader()],
  );
  load(app);
  const project = await app.convert();
  if (!project) throw new Error("TypeDoc could not convert the project (see the messages above)");
  app.validate(project);
  failOnProblems(app, "converting");
  // The router only lives while rendering: note the pages as they are written.
  const urls = new Map<string, string>();
  const guides = new Map<string, string>();
  app.renderer.on(PageEvent.END, (page: PageEvent) => {
    const model = page.model;
    if (!(model instanceof Reflection)) return;
    if (model.kindOf(ReflectionKind.Document)) guides.set(model.name, page.url);
    else if (model.kindOf(LINKED_KINDS) && !urls.has(model.name)) urls.set(model.name, page.url);
  });
  await app.generateDocs(project, out);
  failOnProblems(app, "rendering");
  return { urls, guides };
}
