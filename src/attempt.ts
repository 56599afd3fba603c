/**
 * One attempt of a request: send it, then read its body, all under one timer and the caller's
 * signal. Reading the body here (for JSON, text and HTML) is what lets the per-attempt timeout cover
 * a body that stalls half-way, not just headers that never come; openapi-fetch then parses the
 * in-memory copy. A 2xx JSON body that does not parse (cut short by a proxy, say) is reported as a
 * failure of the attempt instead of a SyntaxError deep inside openapi-fetch. Binary bodies stream
 * through untouched, so for them the timeout covers the headers only.
 *
 * Everything here also works with a user-supplied fetch that ignores its signal: the attempt stops
 * waiting on its own, and cancels what it can.
 */
import { bufferedResponse } from "./buffered-response.js";
import { DatabricksApimError } from "./errors.js";
import type { Outgoing } from "./outgoing.js";
import { isGatewayBody } from "./response-errors.js";
import type { Send } from "./transport.js";

/** Bodies read inside the attempt (and so covered by its timeout); others stream through untouched. */
const TEXTUAL = /json|text\/|html|xml/i;
const JSON_TYPE = /[/+]json/i;
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 204, 205, 304]);
const decoder = new TextDecoder();

/** Why an attempt produced no usable response. */
export type FailureKind = "network" | "timeout" | "invalid-body";
/** An attempt that produced no usable response. */
export interface Failure {
  kind: FailureKind;
  cause: unknown;
  /** What went wrong, already redacted. */
  detail: string;
  status?: number;
  /** The call's deadline (not the per-attempt timeout) cut this attempt short. */
  deadline?: boolean;
}
/** What one attempt produced: a (buffered) response, or a failure to retry or report. */
export type Outcome =
  | { response: Response; apimBackendFailure?: boolean; failure?: undefined }
  | { failure: Failure; response?: undefined };

/**
 * The attempt's abort. Its only sources are the timer and the caller's signal, both handled in this
 * module, so whatever the attempt waits on (headers, then the body) is told directly rather than
 * through listeners on the attempt's AbortSignal: on Node 20 an add/remove pair on an AbortSignal
 * costs ≈ 2 µs, and the attempt needed two pairs on every call, on top of fetch's own listener.
 */
class Cutoff {
  readonly #controller = new AbortController();
  #onAbort: ((reason: unknown) => void) | undefined;

  /** Handed to fetch, which aborts the request (and its body stream) with it. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  abort(reason: unknown): void {
    this.#controller.abort(reason);
    const action = this.#onAbort;
    this.#onAbort = undefined;
    action?.(reason);
  }

  /** What to do on abort from now on (replacing the previous action); runs at once if already aborted. */
  onAbort(action: ((reason: unknown) => void) | undefined): void {
    const { signal } = this.#controller;
    if (action && signal.aborted) action(signal.reason);
    else this.#onAbort = action;
  }
}

/** One attempt: send, then read a textual body, all under one timer and the caller's signal. */
export async function runAttempt(
  send: Send,
  call: Outgoing,
  limit: number,
  clean: (text: string) => string,
): Promise<Outcome> {
  const caller = call.signal;
  caller?.throwIfAborted();
  const cutoff = new Cutoff();
  const onCallerAbort = () => cutoff.abort(caller?.reason);
  caller?.addEventListener("abort", onCallerAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    cutoff.abort(new DOMException("The attempt timed out.", "TimeoutError"));
  }, limit);
  let phase = "headers";
  try {
    // Promise.resolve: a user-supplied fetch may answer synchronously.
    const sent = send(call, cutoff.signal);
    const response = await within(Promise.resolve(sent), cutoff);
    phase = "body";
    return await readBody(response, cutoff, clean);
  } catch (cause) {
    if (caller?.aborted) throw caller.reason;
    if (cause instanceof DatabricksApimError) throw cause;
    if (timedOut)
      return { failure: { kind: "timeout", cause, detail: `no response ${phase} within ${limit} ms` } };
    return {
      failure: { kind: "network", cause: redactCause(cause, clean), detail: clean(describeCause(cause)) },
    };
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener("abort", onCallerAbort);
  }
}

/** Settles with `promise`, or rejects as soon as the attempt is cut off (for fetches that ignore signals). */
function within(promise: Promise<Response>, cutoff: Cutoff): Promise<Response> {
  return new Promise((resolve, reject) => {
    // Runs at once if the attempt was cut off while `send` ran (a synchronous abort).
    cutoff.onAbort(reject);
    promise.then(
      (response) => {
        cutoff.onAbort(undefined);
        if (cutoff.signal.aborted) void response.body?.cancel().catch(() => undefined);
        resolve(response);
      },
      (error: unknown) => {
        cutoff.onAbort(undefined);
        reject(error);
      },
    );
  });
}

/** Buffers a textual body into a fresh Response (buffered-response.ts); checks that a 2xx JSON body parses. */
async function readBody(
  response: Response,
  cutoff: Cutoff,
  clean: (text: string) => string,
): Promise<Outcome> {
  const type = response.headers.get("content-type") ?? "";
  if (response.body === null || (type !== "" && !TEXTUAL.test(type))) return { response };
  const bytes = await readAll(response.body, cutoff);
  cutoff.signal.throwIfAborted();
  let parsed: unknown;
  if (response.ok && JSON_TYPE.test(type) && bytes.byteLength > 0) {
    try {
      parsed = JSON.parse(decoder.decode(bytes));
    } catch (cause) {
      const reason =
        cause instanceof Error ? cause.message.replace(/, ".*" is not valid JSON$/s, "") : "parse error";
      const detail = clean(
        `the ${response.status} response body (${bytes.byteLength} bytes) is not valid JSON: ${reason}`,
      );
      return { failure: { kind: "invalid-body", cause: undefined, detail, status: response.status } };
    }
  }
  const init = { status: response.status, statusText: response.statusText, headers: response.headers };
  // The body was just parsed to validate it: `json()` hands that value to openapi-fetch rather than
  // parse it again (paginate over 100-item pages went from 1.54× to 1.14× a hand loop), and no body
  // stream is built unless someone asks for one (buffered-response.ts).
  const copy = NULL_BODY_STATUSES.has(response.status)
    ? new Response(null, init)
    : bufferedResponse(bytes, init, parsed, response.url);
  if (copy.url !== response.url) Object.defineProperty(copy, "url", { value: response.url });
  return {
    response: copy,
    apimBackendFailure: response.status === 500 && isApimBackendFailure(decoder.decode(bytes)),
  };
}

/** Reads a whole body; cutting the attempt off cancels the read (even on a fetch that ignores signals). */
async function readAll(body: ReadableStream<Uint8Array>, cutoff: Cutoff): Promise<Uint8Array<ArrayBuffer>> {
  const reader = body.getReader();
  cutoff.onAbort((reason) => void reader.cancel(reason).catch(() => undefined));
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    cutoff.onAbort(undefined);
  }
  if (chunks.length === 1 && chunks[0]!.buffer instanceof ArrayBuffer)
    return chunks[0] as Uint8Array<ArrayBuffer>;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** APIM answers `500 {statusCode, message, activityId}` when it got no answer from the backend in time. */
function isApimBackendFailure(text: string): boolean {
  try {
    return isGatewayBody(JSON.parse(text));
  } catch {
    return false;
  }
}

/**
 * The cause is kept on the error we throw, so it must be as clean as our message: a custom fetch (or
 * a proxy library) may quote a header in its error text. Untouched unless a secret shows up in it.
 */
function redactCause(cause: unknown, clean: (text: string) => string): unknown {
  const chain: Error[] = [];
  for (let current = cause; current instanceof Error && chain.length < 4; current = current.cause)
    chain.push(current);
  const dirty = chain.some(
    (error) => clean(`${error.message}\n${error.stack ?? ""}`) !== `${error.message}\n${error.stack ?? ""}`,
  );
  if (!dirty) return cause;
  return chain.reduceRight<Error | undefined>((inner, error) => {
    const copy = new Error(clean(error.message), inner === undefined ? undefined : { cause: inner });
    copy.name = error.name;
    copy.stack = clean(error.stack ?? "");
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string") Object.assign(copy, { code });
    return copy;
  }, undefined);
}

/** "fetch failed: read ECONNRESET", following `cause` a few levels down. */
function describeCause(cause: unknown): string {
  const parts: string[] = [];
  let current = cause;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    const text =
      typeof code === "string" && !current.message.includes(code)
        ? `${current.message} (${code})`
        : current.message;
    if (text && !parts.includes(text)) parts.push(text);
    current = current.cause;
  }
  return parts.join(": ") || "network error";
}
