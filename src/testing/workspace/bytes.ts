/**
 * Base64 and path helpers shared by the workspace-objects and DBFS emulators. They use `btoa`/`atob`
 * rather than Node's `Buffer` so the kit also runs in a browser test runner.
 */
import { invalidParameter } from "./errors.js";

/** Bytes → base64 text. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Base64 text → bytes; 400 INVALID_PARAMETER_VALUE when it is not base64. */
export function fromBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw invalidParameter("Contents must be base64-encoded.");
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Text or bytes → bytes (UTF-8 for text). */
export function toBytes(contents: string | Uint8Array | undefined): Uint8Array {
  return typeof contents === "string" ? new TextEncoder().encode(contents) : (contents ?? new Uint8Array());
}

/** `/a/b/c` → `/a/b`; `/a` → `/`. */
export function parentOf(path: string): string {
  const index = path.lastIndexOf("/");
  return index <= 0 ? "/" : path.slice(0, index);
}
