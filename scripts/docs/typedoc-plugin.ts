/**
 * TypeDoc adjustments for this package, loaded by scripts/docs/build.ts:
 * - modules are named as users import them (`databricks-apim/waiters`, not `waiters`);
 * - the ~440 types generated from the spec go to one "Generated schema" group, listed after the
 *   hand-written functions, errors and options (typedoc.json's `groupOrder`);
 * - relative `navigationLinks`/`sidebarLinks` (the operations page) are made relative to each page:
 *   TypeDoc writes them as given, and pages live at different depths.
 */
import path from "node:path";
import {
  type Application,
  Comment,
  CommentTag,
  type Context,
  Converter,
  type DeclarationReflection,
  PageEvent,
  ReflectionKind,
} from "typedoc";

/** The group the generated schema types are put in. */
export const GENERATED_GROUP = "Generated schema";

/** Entry files → the specifier users import them by (package.json `exports`). */
const MODULE_NAMES: Record<string, string> = {
  "src/index.ts": "databricks-apim",
  "src/waiters/index.ts": "databricks-apim/waiters",
  "src/testing/index.ts": "databricks-apim/testing",
};

function sourceFile(context: Context, reflection: DeclarationReflection): string | undefined {
  const declaration = context.getSymbolFromReflection(reflection)?.declarations?.[0];
  return declaration ? path.relative(process.cwd(), declaration.getSourceFile().fileName) : undefined;
}

/** Prefix that leads from the page at `url` back to the site root (`functions/x.html` → `../`). */
export function toRoot(url: string): string {
  return "../".repeat(url.split("/").length - 1);
}

export function load(app: Application): void {
  const generated = new Set<DeclarationReflection>();

  app.converter.on(
    Converter.EVENT_CREATE_DECLARATION,
    (context: Context, reflection: DeclarationReflection) => {
      const file = sourceFile(context, reflection)?.split(path.sep).join("/");
      if (reflection.kindOf(ReflectionKind.Module) && file && MODULE_NAMES[file]) {
        reflection.name = MODULE_NAMES[file];
      } else if (file?.startsWith("src/generated/") && reflection.parent?.kindOf(ReflectionKind.Module)) {
        generated.add(reflection);
      }
    },
  );

  // Tags are added once comments are attached, before groups are computed.
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, () => {
    for (const reflection of generated) {
      reflection.comment ??= new Comment();
      if (!reflection.comment.getTag("@group")) {
        reflection.comment.blockTags.push(
          new CommentTag("@group", [{ kind: "text", text: GENERATED_GROUP }]),
        );
      }
    }
  });

  app.renderer.on(PageEvent.END, (page: PageEvent) => {
    const prefix = toRoot(page.url);
    if (!page.contents || prefix === "") return;
    const links = [
      ...Object.values(app.options.getValue("navigationLinks")),
      ...Object.values(app.options.getValue("sidebarLinks")),
    ].filter((url) => !/^([a-z][a-z0-9+.-]*:|\/|#)/i.test(url));
    for (const url of new Set(links))
      page.contents = page.contents.replaceAll(`href="${url}"`, `href="${prefix}${url}"`);
  });
}
