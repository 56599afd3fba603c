/**
 * Spec-typed request handlers: msw's `http.get/post`, but the path must be an operation of the spec and
 * the resolver must return that operation's 200 body (or any `Response`, e.g. `databricksError(…)`).
 *
 * This plays the part openapi-msw plays in the docs, with the few type helpers it needs written here
 * (not imported from openapi-typescript-helpers, which we do not declare) so that the shipped kit needs
 * nothing but `msw`. Resolvers
 * may throw {@link WorkspaceError}; it becomes the Databricks error body, so state code deep inside the
 * emulator can refuse a call with one `throw`.
 */
import type { HttpHandler, JsonBodyType } from "msw";
import type { paths } from "../generated/schema.js";
import { HttpResponse, http } from "./msw.js";
import { databricksError } from "./responses.js";

/** A Databricks error raised by emulator code; becomes `{ error_code, message }` with `status`. */
export class WorkspaceError extends Error {
  override name = "WorkspaceError";
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** HTTP methods the spec uses. */
export type SpecMethod = "get" | "post";

/** Paths of the spec that have `method`. */
export type SpecPath<M extends SpecMethod> = {
  [P in keyof paths]: paths[P][M] extends { responses: unknown } ? P : never;
}[keyof paths];

/** The JSON body of a successful answer to `method path`. */
export type SpecResponse<M extends SpecMethod, P extends SpecPath<M>> = paths[P][M] extends {
  responses: { 200: { content: { "application/json": infer Body } } };
}
  ? Body
  : never;

/** The JSON request body of `method path` (`undefined` for GETs). */
export type SpecRequestBody<M extends SpecMethod, P extends SpecPath<M>> = paths[P][M] extends {
  requestBody?: { content: { "application/json": infer Body } };
}
  ? Body
  : undefined;

/** What a resolver gets: the raw request plus the parts a Databricks handler reads. */
export interface SpecRequestInfo<M extends SpecMethod, P extends SpecPath<M>> {
  /** The intercepted request (its body already read into `body`). */
  request: Request;
  /** Query string of the call. Databricks nests objects as dotted keys (`filter_by.is_pinned`). */
  query: URLSearchParams;
  /** Path parameters, e.g. `{ statement_id }`. */
  params: Readonly<Record<string, string>>;
  /** Parsed JSON body; `{}` when the call sent none. */
  body: SpecRequestBody<M, P>;
}

/** A resolver: the typed 200 body, any `Response`, or `undefined` to let the next handler answer. */
export type SpecResolver<M extends SpecMethod, P extends SpecPath<M>> = (
  info: SpecRequestInfo<M, P>,
) => SpecResponse<M, P> | Response | undefined | Promise<SpecResponse<M, P> | Response | undefined>;

/** Typed handler factories bound to one gateway base URL (`https://apim…/dbw-01`). */
export interface DatabricksHttp {
  /** The base URL every path is appended to. */
  readonly baseUrl: string;
  /** A handler for a GET operation of the spec. */
  get<P extends SpecPath<"get">>(
    path: P,
    resolver: SpecResolver<"get", P>,
    options?: { once?: boolean },
  ): HttpHandler;
  /** A handler for a POST operation of the spec. */
  post<P extends SpecPath<"post">>(
    path: P,
    resolver: SpecResolver<"post", P>,
    options?: { once?: boolean },
  ): HttpHandler;
}

/** Creates spec-typed handler factories for the gateway at `baseUrl` (APIM URL plus API suffix). */
export function createDatabricksHttp({ baseUrl }: { baseUrl: string }): DatabricksHttp {
  const root = baseUrl.replace(/\/+$/, "");
  function build<M extends SpecMethod>(method: M) {
    return <P extends SpecPath<M>>(path: P, resolver: SpecResolver<M, P>, options?: { once?: boolean }) =>
      http[method](
        `${root}${String(path).replace(/\{([^}]+)\}/g, ":$1")}`,
        async ({ request, params }) => {
          try {
            const body = (method === "get" ? {} : await readJson(request)) as SpecRequestBody<M, P>;
            const query = new URL(request.url).searchParams;
            const result: unknown = await resolver({ request, query, params: asStrings(params), body });
            if (result === undefined || result instanceof Response) return result;
            return HttpResponse.json(result as JsonBodyType);
          } catch (error) {
            if (error instanceof WorkspaceError)
              return databricksError(error.status, error.errorCode, error.message);
            throw error;
          }
        },
        options?.once === undefined ? {} : { once: options.once },
      );
  }
  return { baseUrl: root, get: build("get"), post: build("post") };
}

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed;
  } catch {
    // Falls through to Databricks' own answer for a body that is not a JSON object.
  }
  throw new WorkspaceError(
    400,
    "MALFORMED_REQUEST",
    "Invalid JSON given in the body of the request - expected a map",
  );
}

function asStrings(params: Record<string, string | readonly string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === "string") out[name] = value;
    else if (value?.[0] !== undefined) out[name] = value[0];
  }
  return out;
}
