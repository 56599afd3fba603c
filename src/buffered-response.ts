/**
 * A Response over a body already read into memory (attempt.ts buffers textual bodies so that the
 * per-attempt timeout covers them). `new Response(bytes)` wraps the bytes in a ReadableStream at once,
 * which measured about 8 µs per call on Node 20, a fifth of the client's whole overhead, only for
 * openapi-fetch to read that stream straight back. Here the Response starts without a body stream:
 * `json()`, `text()`, `arrayBuffer()` and `clone()` answer from the bytes (`json()` with the value
 * attempt.ts already parsed to validate it), and the first touch of anything else (`body`, `blob()`,
 * `formData()`) builds the real stream once and hands every later call to it. Reading twice still
 * fails as it does on any Response (after a fast read, `body` is null rather than a spent stream).
 */

const decoder = new TextDecoder();
type Init = { status: number; statusText: string; headers: Headers };

/** A Response for `bytes` with the status and headers of `init`; `parsed` is the JSON value, if known. */
export function bufferedResponse(
  bytes: Uint8Array<ArrayBuffer>,
  init: Init,
  parsed: unknown,
  url: string,
): Response {
  const response = new Response(null, init);
  if (url) Object.defineProperty(response, "url", { value: url });
  let real: Response | undefined;
  let used = false;
  const materialize = (): Response => {
    real ??= new Response(bytes, init);
    return real;
  };
  const consume = <T>(read: () => T, slow: (r: Response) => Promise<T>): Promise<T> => {
    if (real) return slow(real);
    if (used) return Promise.reject(new TypeError("Body is unusable: Body has already been read"));
    used = true;
    try {
      return Promise.resolve(read());
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const text = () => decoder.decode(bytes);
  Object.defineProperties(response, {
    body: { get: () => (used && !real ? null : materialize().body) },
    bodyUsed: { get: () => (real ? real.bodyUsed : used) },
    text: { value: () => consume(text, (r) => r.text()) },
    json: {
      value: () =>
        consume(
          () => (parsed === undefined ? JSON.parse(text()) : parsed),
          (r) => r.json(),
        ),
    },
    arrayBuffer: {
      value: () =>
        consume(
          () => bytes.slice().buffer,
          (r) => r.arrayBuffer(),
        ),
    },
    blob: { value: () => materialize().blob() },
    formData: { value: () => materialize().formData() },
    clone: {
      value: () => {
        if (real) return real.clone();
        if (used) throw new TypeError("Response.clone: Body has already been consumed.");
        // Not `parsed`: each clone's json() must return its own object, as a real clone's would.
        return bufferedResponse(bytes, init, undefined, url);
      },
    },
  });
  return response;
}
