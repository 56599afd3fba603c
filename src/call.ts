/**
 * The call contract: what travels from the client down to fetch, and the per-call options. Every
 * request-path module (client, transport, attempt, auth) imports its types from here, so none of them
 * imports another for a type.
 */
import { checkCallNumber } from "./call-checks.js";
import type { FetchLike } from "./config.js";
import type { Cutoff } from "./cutoff.js";

/** What a call sends; the transport reads it once and every attempt reuses it. */
export interface Outgoing {
  url: string;
  method: string;
  /** Owned by this call: layers below the transport may set headers on it (auth). */
  headers: Headers;
  /** Read once and replayed on every attempt. */
  body: string | ArrayBuffer | null;
  /** The caller's signal, if any. */
  signal: AbortSignal | undefined;
  /** Further fetch options from the caller, forwarded as given (except `redirect`: never followed). */
  init: RequestInit;
  /** A fetch given for this call alone; it replaces the client's fetch below auth and retries. */
  fetch?: FetchLike | undefined;
}

/**
 * The layers below the transport (auth, then node-send.ts or a fetch), called once per attempt with
 * the call and the attempt's cutoff (cutoff.ts). A fetch gets `cutoff.signal` in its own `init`: undici
 * (Node 20) links each copy of a Request to the previous copy's signal only weakly, so after a GC an
 * abort could miss the socket.
 */
export type Send = (call: Outgoing, cutoff: Cutoff) => Promise<Response>;

/**
 * Errors the bottom layer marks as a kept-alive socket found closed before any response
 * (node-send.ts): a call that is safe to repeat is sent again at once (transport.ts).
 */
export const staleSocketErrors = new WeakSet<object>();

/**
 * A Response whose body the bottom layer reads into memory itself, without a web stream
 * (node-send.ts): the attempt prefers it. `undefined` once the body passes `maxBytes`.
 */
export interface DirectBody {
  readAllBytes(maxBytes: number): Promise<Uint8Array<ArrayBuffer> | undefined>;
}

/** Describes a request for error messages: method and path without the gateway prefix. */
export type Describe = (url: string, method: string) => { method: string; path: string };

/** Per-call overrides, passed in the init of any client call: `client.GET(path, { params, maxRetries: 0 })`. */
export interface CallOptions {
  /** Retries after the first attempt for failures that may have been processed (see transport.ts). */
  maxRetries?: number;
  /** Per-attempt timeout for this call, in ms (headers and body). */
  timeout?: number;
  /** Deadline for this call including retries and backoff, in ms. */
  totalTimeout?: number;
  /** Largest response body read into memory for this call, in bytes. */
  maxResponseBytes?: number;
}

/**
 * Keys the client adds to a call's init for the transport; openapi-fetch copies unknown init keys onto
 * the Request it hands to fetch, which is how they arrive. Not public options.
 */
export const STREAM_KEY = "__databricksApimStream";
export const FETCH_KEY = "__databricksApimFetch";

/** Everything the transport reads from the object openapi-fetch handed it. */
export interface CallSettings extends CallOptions {
  /** The caller asked for `parseAs: "stream"`: a 2xx body is handed over unread. */
  stream: boolean;
  fetch: FetchLike | undefined;
}

/** Reads per-call options (refusing bad ones) and the client's internal keys from what openapi-fetch passed to fetch. */
export function readCallOptions(request: object): CallSettings {
  const source = request as CallOptions & Record<string, unknown>;
  const out: CallSettings = { stream: source[STREAM_KEY] === true, fetch: undefined };
  if (typeof source[FETCH_KEY] === "function") out.fetch = source[FETCH_KEY] as FetchLike;
  const maxRetries = checkCallNumber(source.maxRetries, "maxRetries", 0);
  const timeout = checkCallNumber(source.timeout, "timeout", 1);
  const totalTimeout = checkCallNumber(source.totalTimeout, "totalTimeout", 1);
  const maxResponseBytes = checkCallNumber(source.maxResponseBytes, "maxResponseBytes", 1);
  if (maxRetries !== undefined) out.maxRetries = maxRetries;
  if (timeout !== undefined) out.timeout = timeout;
  if (totalTimeout !== undefined) out.totalTimeout = totalTimeout;
  if (maxResponseBytes !== undefined) out.maxResponseBytes = maxResponseBytes;
  return out;
}

/** Why an attempt produced no usable response. */
export type FailureKind = "network" | "timeout" | "invalid-body" | "redirect" | "too-large";
/** An attempt that produced no usable response. */
export interface Failure {
  kind: FailureKind;
  cause: unknown;
  /** What went wrong (redacted where the failure is built). */
  detail: string;
  status?: number | undefined;
  /** For a redirect: a custom fetch followed it (so the request did reach the target). */
  followed?: boolean;
  /** For a redirect: the origin of its target, when the response named a valid one. */
  targetOrigin?: string | undefined;
  /** The call's deadline (not the per-attempt timeout) cut this attempt short. */
  deadline?: boolean;
}
/** What one attempt produced: a (buffered) response, or a failure to retry or report. */
export type Outcome =
  | { response: Response; errorBody?: unknown; failure?: undefined }
  | { failure: Failure; response?: undefined; errorBody?: undefined };
