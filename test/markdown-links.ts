/**
 * A small Markdown reader for the link test: the headings a file offers as anchors, and the relative
 * links it makes, outside fenced code and inline code. Anchors follow GitHub's slugs (lowercase,
 * punctuation dropped, spaces to hyphens, `-1`, `-2` … for repeats), the ones github.com renders.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/** A link found in a Markdown file. */
export interface MarkdownLink {
  line: number;
  target: string;
}

/** Lines outside fenced code blocks, with inline code spans blanked. */
function proseLines(markdown: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fence: string | undefined;
  markdown.split("\n").forEach((text, index) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return;
    }
    if (marker) {
      fence = marker;
      return;
    }
    out.push({ line: index + 1, text: text.replace(/(`+)(?:(?!\1).)+?\1/g, "``") });
  });
  return out;
}

/** GitHub's anchor for a heading's text. */
export function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[`*]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors a Markdown file offers: its headings' slugs and explicit `<a id|name="…">`. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const raw = markdown.split("\n");
  for (const { line, text } of proseLines(markdown)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(raw[line - 1] ?? "")?.[1];
    if (heading !== undefined) {
      const base = slug(heading);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      out.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const match of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(match[1] ?? "");
  }
  return out;
}

/** Inline links, images and reference definitions whose target is not an absolute URL. */
export function relativeLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const { line, text } of proseLines(markdown)) {
    const targets = [
      ...[...text.matchAll(/\]\(\s*<?([^()\s>]*(?:\([^()\s]*\)[^()\s>]*)*)>?(?:\s+"[^"]*")?\s*\)/g)].map(
        (m) => m[1],
      ),
      ...[...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g)].map((m) => m[1]),
    ];
    for (const target of targets) {
      if (target && !/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push({ line, target });
    }
  }
  return links;
}

/** What is wrong with each relative link of `file` (empty when all resolve), as `file:line target: why`. */
export function brokenLinks(file: string, root: string): string[] {
  const problems: string[] = [];
  const markdown = readFileSync(file, "utf8");
  for (const { line, target } of relativeLinks(markdown)) {
    const [path = "", anchor] = target.split("#", 2);
    const resolved = path === "" ? file : join(dirname(file), decodeURIComponent(path));
    const where = `${relative(root, file)}:${line} ${target}`;
    if (!existsSync(resolved)) {
      problems.push(`${where}: ${relative(root, resolved)} does not exist`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!resolved.endsWith(".md") || statSync(resolved).isDirectory()) {
      problems.push(`${where}: an anchor into a file that is not Markdown`);
    } else if (!anchors(readFileSync(resolved, "utf8")).has(anchor)) {
      problems.push(`${where}: ${relative(root, resolved)} has no heading with anchor #${anchor}`);
    }
  }
  return problems;
}
