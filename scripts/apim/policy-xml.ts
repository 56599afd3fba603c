/**
 * A small, strict XML parser for APIM policy documents, and a canonical form to compare them.
 *
 * Why not a dependency: policies are tiny and use a narrow slice of XML (elements, attributes, text,
 * comments, CDATA), and we need two things a general parser does not give directly: errors with
 * line/column before anything is sent to Azure, and a comparison that survives what APIM does to a
 * stored policy. APIM re-indents the XML, may reorder attributes and escapes characters such as `>`
 * in expressions (`=>` comes back as `=&gt;`), so text comparison would report a change on every run.
 * The canonical form drops comments and whitespace-only text, trims text, decodes entities and sorts
 * attributes. DOCTYPEs are refused outright (no entity expansion surprises).
 */

/** An element with its attributes (in document order) and children. */
export interface XmlElement {
  kind: "element";
  name: string;
  attributes: Array<{ name: string; value: string }>;
  children: XmlNode[];
  line: number;
  column: number;
}

/** A node of the parsed document; text values are decoded. */
export type XmlNode = XmlElement | { kind: "text"; value: string } | { kind: "comment"; value: string };

/** Malformed XML, with the 1-based position of the problem. */
export class XmlSyntaxError extends Error {
  override readonly name = "XmlSyntaxError";
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${reason} at line ${line}, column ${column}`);
  }
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Parses one XML document and returns its root element; throws `XmlSyntaxError` when malformed. */
export function parseXml(text: string): XmlElement {
  let pos = 0;
  const fail = (reason: string, at: number = pos): never => {
    const before = text.slice(0, at).split("\n");
    throw new XmlSyntaxError(reason, before.length, (before.at(-1)?.length ?? 0) + 1);
  };
  const startsWith = (token: string) => text.startsWith(token, pos);
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const readName = (): string => {
    NAME.lastIndex = pos;
    const match = NAME.exec(text);
    if (!match) return fail("expected a name");
    pos += match[0].length;
    return match[0];
  };
  const decode = (raw: string, start: number): string =>
    raw.replace(/&([^;\s&<]*);?/g, (whole, ref: string, offset: number) => {
      if (!whole.endsWith(";")) fail("'&' must start an entity such as &amp;", start + offset);
      if (ref.startsWith("#x") && /^#x[0-9a-fA-F]+$/.test(ref))
        return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
      if (/^#\d+$/.test(ref)) return String.fromCodePoint(Number(ref.slice(1)));
      return ENTITIES[ref] ?? fail(`unknown entity &${ref};`, start + offset);
    });
  const until = (token: string, what: string): string => {
    const end = text.indexOf(token, pos);
    if (end < 0) fail(`unterminated ${what}`);
    const body = text.slice(pos, end);
    pos = end + token.length;
    return body;
  };
  // Comments, processing instructions and whitespace allowed around the root element.
  const misc = (): void => {
    for (;;) {
      skipSpace();
      if (startsWith("<!--")) {
        pos += 4;
        if (until("-->", "comment").includes("--")) fail("'--' is not allowed inside a comment");
      } else if (startsWith("<?")) {
        pos += 2;
        until("?>", "processing instruction");
      } else if (startsWith("<!DOCTYPE") || startsWith("<!doctype"))
        fail("DOCTYPE is not allowed in a policy");
      else return;
    }
  };
  const element = (): XmlElement => {
    const start = pos;
    if (!startsWith("<")) fail("expected '<'");
    pos++;
    const name = readName();
    const before = text.slice(0, start).split("\n");
    const node: XmlElement = {
      kind: "element",
      name,
      attributes: [],
      children: [],
      line: before.length,
      column: (before.at(-1)?.length ?? 0) + 1,
    };
    for (;;) {
      const hadSpace = /\s/.test(text[pos] ?? "");
      skipSpace();
      if (startsWith("/>")) {
        pos += 2;
        return node;
      }
      if (startsWith(">")) {
        pos++;
        break;
      }
      if (pos >= text.length) fail(`unterminated start tag <${name}>`);
      if (!hadSpace) fail(`expected whitespace before attribute in <${name}>`);
      const attrStart = pos;
      const attr = readName();
      skipSpace();
      if (!startsWith("=")) fail(`attribute "${attr}" has no value`);
      pos++;
      skipSpace();
      const quote = text[pos];
      if (quote !== '"' && quote !== "'") fail(`value of attribute "${attr}" must be quoted`);
      pos++;
      const valueStart = pos;
      const raw = until(quote as string, `value of attribute "${attr}"`);
      if (raw.includes("<")) fail(`'<' is not allowed in the value of attribute "${attr}"`, valueStart);
      if (node.attributes.some((a) => a.name === attr)) fail(`duplicate attribute "${attr}"`, attrStart);
      node.attributes.push({ name: attr, value: decode(raw, valueStart) });
    }
    for (;;) {
      if (pos >= text.length) fail(`element <${name}> is not closed`, start);
      if (startsWith("</")) {
        pos += 2;
        const closeAt = pos;
        const closing = readName();
        if (closing !== name) fail(`expected </${name}> but found </${closing}>`, closeAt - 2);
        skipSpace();
        if (!startsWith(">")) fail(`expected '>' to end </${name}>`);
        pos++;
        return node;
      }
      if (startsWith("<!--")) {
        pos += 4;
        const body = until("-->", "comment");
        if (body.includes("--")) fail("'--' is not allowed inside a comment");
        node.children.push({ kind: "comment", value: body });
      } else if (startsWith("<![CDATA[")) {
        pos += 9;
        node.children.push({ kind: "text", value: until("]]>", "CDATA section") });
      } else if (startsWith("<?") || startsWith("<!")) fail("unexpected markup declaration");
      else if (startsWith("<")) node.children.push(element());
      else {
        const textStart = pos;
        const end = text.indexOf("<", pos);
        pos = end < 0 ? text.length : end;
        node.children.push({ kind: "text", value: decode(text.slice(textStart, pos), textStart) });
      }
    }
  };

  if (text.charCodeAt(0) === 0xfeff) pos = 1;
  misc();
  if (pos >= text.length) fail("the document has no root element");
  const root = element();
  misc();
  if (pos < text.length) fail("content after the root element");
  return root;
}

const escapeText = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const escapeAttr = (value: string) => escapeText(value).replace(/"/g, "&quot;");

/**
 * Canonical serialisation: no comments, no whitespace-only text, text trimmed and entities normalised,
 * attributes sorted by name. Two policies with the same canonical form behave the same.
 */
export function canonicalXml(node: XmlElement): string {
  const attrs = [...node.attributes]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((a) => ` ${a.name}="${escapeAttr(a.value)}"`)
    .join("");
  const inner = node.children
    .map((child) => {
      if (child.kind === "element") return canonicalXml(child);
      if (child.kind === "text") return escapeText(child.value.trim());
      return "";
    })
    .join("");
  return inner === "" ? `<${node.name}${attrs}/>` : `<${node.name}${attrs}>${inner}</${node.name}>`;
}

/** True when both documents parse to the same canonical form. */
export function sameXml(a: string, b: string): boolean {
  return canonicalXml(parseXml(a)) === canonicalXml(parseXml(b));
}

/** Every element named `name` anywhere under (and including) `root`, in document order. */
export function findElements(root: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = root.name === name ? [root] : [];
  for (const child of root.children) if (child.kind === "element") found.push(...findElements(child, name));
  return found;
}

/** Value of attribute `name` on `element`, if present. */
export function attribute(element: XmlElement, name: string): string | undefined {
  return element.attributes.find((a) => a.name === name)?.value;
}
