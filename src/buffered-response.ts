/**
 * A Response over a body already read into memory (attempt.ts reads every body inside the attempt).
 * It starts without a body stream: `json()`, `text()`, `arrayBuffer()` and `clone()` answer from the
 * bytes (`json()` with the value attempt.ts already parsed to validate it), and the first touch of
 * anything else (`body`, `blob()`, `formData()`) builds the real stream once. Why: `new Response(bytes)`
 * would wrap the bytes in a stream only for openapi-fetch to read it straight back (bench/results.md,
 * "Analysis" items 2, 3 and 6). Reading twice still fails as on any Response. `headers` is the fetched
 * Response's own Headers object.
 *
 * A subclass, not per-object property overrides: every instance shares one shape, so the code that
 * reads Responses stays monomorphic.
 */

const decoder = new TextDecoder();
type Init = { status: number; statusText: string; headers: Headers };

type BufferedResponseClass = new (
  bytes: Uint8Array<ArrayBuffer>,
  init: Init,
  parsed: unknown,
  url: string,
) => Response;

/**
 * Defined on first use, not at import: reading the global `Response` loads Node's fetch
 * implementation (undici), a cold-import cost that apps which never send a request should not pay.
 */
function defineBufferedResponse(): BufferedResponseClass {
  // Typed as a plain base: lib.dom declares Response's methods and getters as properties, which a
  // subclass may not override with methods and accessors. The instances are real Responses.
  const ResponseBase = Response as unknown as new (
    body: null,
    init: { status: number; statusText: string },
  ) => object;

  class BufferedResponse extends ResponseBase {
    readonly #bytes: Uint8Array<ArrayBuffer>;
    readonly #init: Init;
    readonly #parsed: unknown;
    readonly #url: string;
    #real: Response | undefined;
    #used = false;

    constructor(bytes: Uint8Array<ArrayBuffer>, init: Init, parsed: unknown, url: string) {
      // Headers are served from the original (below), not copied into a new Headers object.
      super(null, { status: init.status, statusText: init.statusText });
      this.#bytes = bytes;
      this.#init = init;
      this.#parsed = parsed;
      this.#url = url;
    }

    #materialize(): Response {
      this.#real ??= new Response(this.#bytes, this.#init);
      return this.#real;
    }

    #consume<T>(read: () => T, slow: (r: Response) => Promise<T>): Promise<T> {
      if (this.#real) return slow(this.#real);
      if (this.#used) return Promise.reject(new TypeError("Body is unusable: Body has already been read"));
      this.#used = true;
      try {
        return Promise.resolve(read());
      } catch (error) {
        return Promise.reject(error);
      }
    }

    get url(): string {
      return this.#url;
    }
    /** The fetched response's own Headers (immutable, as on any fetched Response). */
    get headers(): Headers {
      return this.#init.headers;
    }
    get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
      return this.#used && !this.#real ? null : this.#materialize().body;
    }
    get bodyUsed(): boolean {
      return this.#real ? this.#real.bodyUsed : this.#used;
    }
    text(): Promise<string> {
      return this.#consume(
        () => decoder.decode(this.#bytes),
        (r) => r.text(),
      );
    }
    json(): Promise<unknown> {
      return this.#consume(
        () => (this.#parsed === undefined ? JSON.parse(decoder.decode(this.#bytes)) : this.#parsed),
        (r) => r.json(),
      );
    }
    arrayBuffer(): Promise<ArrayBuffer> {
      return this.#consume(
        () => this.#bytes.slice().buffer,
        (r) => r.arrayBuffer(),
      );
    }
    blob(): Promise<Blob> {
      return this.#materialize().blob();
    }
    formData(): Promise<FormData> {
      return this.#materialize().formData();
    }
    clone(): Response {
      if (this.#real) return this.#real.clone();
      if (this.#used) throw new TypeError("Response.clone: Body has already been consumed.");
      // Not `parsed`: each clone's json() must return its own object, as a real clone's would.
      return new BufferedResponse(this.#bytes, this.#init, undefined, this.#url) as unknown as Response;
    }
  }
  return BufferedResponse as unknown as BufferedResponseClass;
}
let BufferedResponse: BufferedResponseClass | undefined;

/** A Response for `bytes` with the status and headers of `init`; `parsed` is the JSON value, if known. */
export function bufferedResponse(
  bytes: Uint8Array<ArrayBuffer>,
  init: Init,
  parsed: unknown,
  url: string,
): Response {
  BufferedResponse ??= defineBufferedResponse();
  return new BufferedResponse(bytes, init, parsed, url);
}
