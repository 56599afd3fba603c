/**
 * One attempt of a request: send it, then read its whole body, all under one timer and the caller's
 * signal, whatever the content type, so that a body that drips or never ends times out like headers
 * that never come. Only a 2xx the caller asked to stream (`parseAs: "stream"`) is handed over unread;
 * the caller's signal still cancels it. Bodies are capped at `maxResponseBytes` (before reading when
 * Content-Length says so), and a redirect is never followed: it becomes a failure naming its target's
 * origin. A 2xx JSON body that does not parse is a failure too, not a SyntaxError inside openapi-fetch.
 *
 * Everything here also works with a user-supplied fetch that ignores its signal: the attempt stops
 * waiting on its own, and cancels what it can.
 */
import { bufferedResponse } from "./buffered-response.js";
import type { DirectBody, Failure, Outcome, Outgoing, Send } from "./call.js";
import { Cutoff } from "./cutoff.js";
import { DatabricksApimError } from "./errors.js";
import { describeCause } from "./failures.js";

const JSON_TYPE = /[/+]json/i;
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 204, 205, 304]);
const decoder = new TextDecoder();

/** The limits of one attempt. */
export interface AttemptLimits {
  /** Milliseconds for headers and body. */
  timeout: number;
  maxResponseBytes: number;
  /** Hand a 2xx body over unread (`parseAs: "stream"`). */
  stream: boolean;
}

/** One attempt: send, then read the body, all under one timer and the caller's signal. */
export async function runAttempt(send: Send, call: Outgoing, limits: AttemptLimits): Promise<Outcome> {
  const caller = call.signal;
  caller?.throwIfAborted();
  const cutoff = new Cutoff();
  const onCallerAbort = () => cutoff.abort(caller?.reason);
  caller?.addEventListener("abort", onCallerAbort, { once: true });
  let streaming = false;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    cutoff.abort(new DOMException("The attempt timed out.", "TimeoutError"));
  }, limits.timeout);
  let phase = "headers";
  try {
    // Promise.resolve: a user-supplied fetch may answer synchronously.
    const response = await within(Promise.resolve(send(call, cutoff)), cutoff);
    // A stream is the caller's to read: the cap is for what this module reads into memory.
    const streamed = limits.stream && response.ok;
    const refused = refusal(
      response,
      call.url,
      streamed ? Number.POSITIVE_INFINITY : limits.maxResponseBytes,
    );
    if (refused) {
      void response.body?.cancel().catch(() => undefined);
      return { failure: refused };
    }
    if (streamed && response.body !== null) {
      // The caller reads this body; its signal must still cancel it, so the link stays (once-only).
      streaming = true;
      cutoff.onAbort((reason) => void response.body?.cancel(reason).catch(() => undefined));
      return { response };
    }
    phase = "body";
    return await readBody(response, cutoff, limits.maxResponseBytes);
  } catch (cause) {
    if (caller?.aborted) throw caller.reason;
    if (cause instanceof DatabricksApimError) throw cause;
    if (timedOut)
      return {
        failure: { kind: "timeout", cause, detail: `no response ${phase} within ${limits.timeout} ms` },
      };
    return { failure: { kind: "network", cause, detail: describeCause(cause) } };
  } finally {
    clearTimeout(timer);
    if (!streaming) caller?.removeEventListener("abort", onCallerAbort);
  }
}

/** Settles with `promise`, or rejects as soon as the attempt is cut off (for fetches that ignore signals). */
function within(promise: Promise<Response>, cutoff: Cutoff): Promise<Response> {
  return new Promise((resolve, reject) => {
    // Runs at once if the attempt was cut off while `send` ran (a synchronous abort).
    const stopListening = cutoff.onAbort(reject);
    promise.then(
      (response) => {
        stopListening();
        // A response that arrives after the cut-off is nobody's: close its body so its socket is freed.
        if (cutoff.aborted) void response.body?.cancel().catch(() => undefined);
        resolve(response);
      },
      (error: unknown) => {
        stopListening();
        reject(error);
      },
    );
  });
}

/** A redirect, or a body declared larger than the cap: refused before any byte of the body is read. */
function refusal(response: Response, url: string, maxBytes: number): Failure | undefined {
  const { status } = response;
  if (
    response.type === "opaqueredirect" ||
    response.redirected ||
    (status >= 300 && status < 400 && status !== 304)
  ) {
    const target = response.redirected ? response.url : response.headers.get("location");
    return {
      kind: "redirect",
      cause: undefined,
      status: status || undefined,
      targetOrigin: originOf(target, url),
      ...(response.redirected ? { followed: true } : {}),
      detail: response.redirected ? "a custom fetch followed a redirect" : `the server answered ${status}`,
    };
  }
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes)
    return { kind: "too-large", cause: undefined, status, detail: `Content-Length is ${declared} bytes` };
  return undefined;
}

function originOf(target: string | null, base: string): string | undefined {
  if (!target) return undefined;
  try {
    const { origin } = new URL(target, base);
    return origin === "null" ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** Buffers the body into a Response served from memory (buffered-response.ts); checks that a 2xx JSON body parses. */
async function readBody(response: Response, cutoff: Cutoff, maxBytes: number): Promise<Outcome> {
  const init = { status: response.status, statusText: response.statusText, headers: response.headers };
  const direct = (response as Partial<DirectBody>).readAllBytes;
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  if (typeof direct === "function") bytes = await direct.call(response, maxBytes);
  else if (response.body === null) return { response };
  else bytes = await readAll(response.body, cutoff, maxBytes);
  cutoff.throwIfAborted();
  if (bytes === undefined)
    return {
      failure: {
        kind: "too-large",
        cause: undefined,
        status: response.status,
        detail: "the body kept coming",
      },
    };
  const type = response.headers.get("content-type") ?? "";
  let parsed: unknown;
  let errorBody: unknown;
  if (JSON_TYPE.test(type) && bytes.byteLength > 0) {
    try {
      parsed = JSON.parse(decoder.decode(bytes));
    } catch (cause) {
      if (response.ok) {
        const reason =
          cause instanceof Error
            ? cause.message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, "")
            : "parse error";
        const detail = `the ${response.status} response body (${bytes.byteLength} bytes) is not valid JSON: ${reason}`;
        return { failure: { kind: "invalid-body", cause: undefined, detail, status: response.status } };
      }
    }
  }
  // Error bodies (small, and read anyway) are parsed whatever their type: the retry decision reads them.
  if (!response.ok && bytes.byteLength > 0) errorBody = parsed ?? parseOrText(decoder.decode(bytes));
  // An error body's parsed value is not handed on: openapi-fetch parses error text itself.
  const copy = NULL_BODY_STATUSES.has(response.status)
    ? new Response(null, init)
    : bufferedResponse(bytes, init, response.ok ? parsed : undefined, response.url);
  if (copy.url !== response.url) Object.defineProperty(copy, "url", { value: response.url });
  return { response: copy, errorBody };
}

/**
 * Reads a whole body, or `undefined` once it passes `maxBytes` (the read is cancelled, so memory
 * stays within the cap plus one chunk). Cutting the attempt off cancels the read too.
 */
async function readAll(
  body: ReadableStream<Uint8Array>,
  cutoff: Cutoff,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const reader = body.getReader();
  const stopListening = cutoff.onAbort((reason) => void reader.cancel(reason).catch(() => undefined));
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        void reader.cancel().catch(() => undefined);
        return undefined;
      }
      chunks.push(value);
    }
  } finally {
    stopListening();
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

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
