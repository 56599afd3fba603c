/**
 * What openapi-fetch hands the transport, reduced to an `Outgoing` (call.ts).
 *
 * The client gives openapi-fetch `PlannedRequest` as its `Request` class (its documented `Request`
 * option): a plain record of the URL and init, sent later as `fetch(url, init)` the way an app calling
 * fetch would, because building a WHATWG Request per call (and fetch another per attempt) is costly on
 * Node 20 (bench/results.md). Calls with middleware, which is promised real Requests, get real ones
 * (client.ts); the transport accepts both.
 */
import type { Outgoing } from "./call.js";

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
    // The call's other fetch options live on the Request (its getters, which a spread would not copy).
    // Node's own RequestInit type leaves out `cache`, which a given fetch may still read.
    init: {
      cache: request.cache,
      credentials: request.credentials,
      integrity: request.integrity,
      keepalive: request.keepalive,
      mode: request.mode,
      referrer: request.referrer,
      referrerPolicy: request.referrerPolicy,
    } as RequestInit,
  };
}
