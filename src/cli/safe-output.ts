/**
 * Output that cannot show a secret: every line the commands print goes through here, so a gateway
 * that echoes the subscription key (in a display name, an error message, a header value) never gets
 * it onto the screen or into a CI log. Case-insensitive, whatever the key's length.
 */

const MASK = "[REDACTED]";

/** Replaces each secret in `text`, ignoring case. */
export function hideSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    out = out.replace(new RegExp(secret.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"), MASK);
  }
  return out;
}

/** Wraps a line printer so that it never prints any of `secrets`. */
export function safePrinter(
  print: (line: string) => void,
  secrets: readonly (string | undefined)[],
): (line: string) => void {
  return (line) => print(hideSecrets(line, secrets));
}
