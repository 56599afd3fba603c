/**
 * TypeDoc adjustments for this package, loaded by scripts/docs/build.ts:
 * - the docs/*.md guides are listed as "Guides";
 * - modules are named as users import them (`databricks-apim/waiters`, not `waiters`) and listed
 *   as "API reference";
 * - the ~440 types generated from the spec go to one "Generated schema" group, listed after the
 *   hand-written functions, errors and options (typedoc.json's `groupOrder`);
 * - heading anchors include inline code, as GitHub's do, so the guides' `#anchor` links work in both;
 * - the landing page does not repeat the README's title;
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
  type DocumentReflection,
  PageEvent,
  ReflectionKind,
} from "typedoc";

/** The group the docs/*.md guides are listed in (unless their front matter names one). */
export const GUIDES_GROUP = "Guides";

/** The group the three entry points are listed in, after the guides. */
export const API_GROUP = "API reference";

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

/** The parts of markdown-it that {@link githubHeadingAnchors} touches. */
interface MarkdownToken {
  type: string;
  content: string;
  meta: unknown;
  children: MarkdownToken[] | null;
}
interface MarkdownParser {
  core: { ruler: { push(name: string, rule: (state: { tokens: MarkdownToken[] }) => void): void } };
  renderer: {
    rules: Record<string, ((tokens: MarkdownToken[], idx: number, ...rest: unknown[]) => string) | undefined>;
  };
  utils: { escapeHtml(text: string): string };
}

const CODE_IN_HEADING = Symbol("code in heading");

/**
 * TypeDoc's `markdownItLoader`. TypeDoc builds a heading's anchor from its text tokens only
 * (`getTokenTextContent` in its markdown plugin, 0.28), so
 * "Waiting (`databricks-apim/waiters`)" gets `#waiting` where GitHub has `#waiting-databricks-apimwaiters`,
 * and the guides' links (written for GitHub) would break. Inline code in headings becomes a text
 * token, still rendered as code, so both agree.
 */
export function githubHeadingAnchors(parser: MarkdownParser): void {
  parser.core.ruler.push("code_in_heading_anchor", (state) => {
    let inHeading = false;
    for (const token of state.tokens) {
      if (token.type === "heading_open") inHeading = true;
      else if (token.type === "heading_close") inHeading = false;
      else if (inHeading && token.type === "inline") {
        for (const child of token.children ?? []) {
          if (child.type !== "code_inline") continue;
          child.type = "text";
          child.meta = CODE_IN_HEADING;
        }
      }
    }
  });
  const text = parser.renderer.rules.text;
  parser.renderer.rules.text = (tokens, idx, ...rest) => {
    const token = tokens[idx]!;
    if (token.meta === CODE_IN_HEADING) return `<code>${parser.utils.escapeHtml(token.content)}</code>`;
    return text ? text(tokens, idx, ...rest) : parser.utils.escapeHtml(token.content);
  };
}

/** The landing page shows the project name as its title, then the README's own `# name`: keep one. */
export function withoutRepeatedTitle(html: string): string {
  return html.replace(
    /<div class="tsd-page-title">\s*<h1>([^<]*)<\/h1><\/div>(\s*<div class="tsd-panel tsd-typography"><h1 id="[^"]*" class="tsd-anchor-link">)\1</,
    "$2$1<",
  );
}

export function load(app: Application): void {
  const grouped = new Map<DeclarationReflection, string>();

  app.converter.on(
    Converter.EVENT_CREATE_DECLARATION,
    (context: Context, reflection: DeclarationReflection) => {
      const file = sourceFile(context, reflection)?.split(path.sep).join("/");
      if (reflection.kindOf(ReflectionKind.Module) && file && MODULE_NAMES[file]) {
        reflection.name = MODULE_NAMES[file];
        grouped.set(reflection, API_GROUP);
      } else if (file?.startsWith("src/generated/") && reflection.parent?.kindOf(ReflectionKind.Module)) {
        grouped.set(reflection, GENERATED_GROUP);
      }
    },
  );

  // Tags are added once comments are attached, before groups are computed.
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context: Context) => {
    for (const document of context.project.getReflectionsByKind(ReflectionKind.Document)) {
      const frontmatter = (document as DocumentReflection).frontmatter;
      frontmatter.group ??= GUIDES_GROUP;
    }
    for (const [reflection, group] of grouped) {
      reflection.comment ??= new Comment();
      if (!reflection.comment.getTag("@group")) {
        reflection.comment.blockTags.push(new CommentTag("@group", [{ kind: "text", text: group }]));
      }
    }
  });

  app.renderer.on(PageEvent.END, (page: PageEvent) => {
    if (page.contents && page.url === "index.html") page.contents = withoutRepeatedTitle(page.contents);
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
