/**
 * Page tokens for the emulated list operations. Databricks tokens are opaque strings; ours encode an
 * offset, which is enough to make `page_token` loops, `prev_page_token` and "a stale or foreign token is
 * refused" behave like the real thing. An empty string means "no further page", as in the seed's
 * `{"next_page_token":"","prev_page_token":""}` answer from an empty workspace.
 */
import { invalidParameter } from "./errors.js";

/** One page of `items` plus the tokens around it. */
export interface Page<T> {
  items: T[];
  next: string;
  prev: string;
}

const PREFIX = "emu:";

/** Slices `items` at `token` (an earlier `next`/`prev`, or none for the first page). */
export function pageOf<T>(items: readonly T[], pageSize: number, token: string | null | undefined): Page<T> {
  const offset = token ? decode(token) : 0;
  const size = Math.max(1, pageSize);
  const slice = items.slice(offset, offset + size);
  const end = offset + slice.length;
  return {
    items: slice,
    next: end < items.length ? encode(end) : "",
    prev: offset > 0 ? encode(Math.max(0, offset - size)) : "",
  };
}

function encode(offset: number): string {
  return btoa(`${PREFIX}${offset}`).replace(/=+$/, "");
}

function decode(token: string): number {
  let text = "";
  try {
    text = atob(token);
  } catch {
    // Not base64 at all: refused below like any other foreign token.
  }
  const offset = Number(text.slice(PREFIX.length));
  if (!text.startsWith(PREFIX) || !Number.isInteger(offset) || offset < 0) {
    throw invalidParameter(`Invalid page token: ${token}`);
  }
  return offset;
}
