/**
 * What the transport sends: a call reduced to the parts an attempt needs (URL, method, headers, a
 * replayable body, the caller's signal), whatever openapi-fetch handed over.
 *
 * Why not simply a Request: in Node 20 a WHATWG Request is costly to build (undici validates and
 * copies every part), and fetch builds its own copy from whatever Request it is given. openapi-fetch
 * would build one per call and fetch a second per attempt, ≈ 20 µs together, a tenth of a whole
 * loopback request. So the client gives openapi-fetch `PlannedRequest` as its `Request` class (its
 * documented `Request` option): a plain record of the URL and init, which the transport sends with
 * `fetch(url, init)`, exactly as an app calling fetch directly would. When an app installs middleware
 * or a per-call fetch, which are promised real Requests, the client builds real ones again
 * (client.ts); the transport accepts both.
 */

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
  /** Further fetch options from the caller (e.g. `redirect`), forwarded as given. */
  init: RequestInit;
}

/**
 * The `Request` class the client gives openapi-fetch: keeps the URL and init instead of building a
 * WHATWG Request. openapi-fetch reads only `method` from it (and copies per-call options such as
 * `maxRetries` onto it, which the transport reads back).
 */
export class PlannedRequest {
  readonly url: string;
  readonly method: string;
  readonly init: RequestInit;

  constructor(url: string, init: RequestInit = {}) {
    this.url = url;
    this.init = init;
    this.method = (init.method ?? "GET").toUpperCase();
  }
}

/** Reduces what openapi-fetch passed to the transport into an `Outgoing`; a real Request's body is read here. */
export function toOutgoing(input: Request | PlannedRequest): Outgoing | Promise<Outgoing> {
  if (input instanceof PlannedRequest) {
    const { init } = input;
    const body = init.body ?? null;
    // openapi-fetch serialises JSON bodies to strings and always passes a fresh Headers; anything
    // else (a custom bodySerializer's FormData, say) goes through a real Request, which knows how
    // to encode it and which Content-Type it implies.
    if ((body === null || typeof body === "string") && init.headers instanceof Headers)
      return {
        url: input.url,
        method: input.method,
        headers: init.headers,
        body,
        signal: init.signal ?? undefined,
        init,
      };
    return fromRequest(new Request(input.url, init));
  }
  return fromRequest(input);
}

async function fromRequest(request: Request): Promise<Outgoing> {
  return {
    url: request.url,
    method: request.method,
    headers: new Headers(request.headers),
    body: request.body === null ? null : await request.arrayBuffer(),
    signal: request.signal,
    init: { redirect: request.redirect },
  };
}
