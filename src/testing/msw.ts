/**
 * msw, loaded once for the whole test kit. msw is an optional peer dependency of databricks-apim, so
 * an app can install the package without it; importing the kit then fails here, with the command to
 * run, instead of with a bare "Cannot find package 'msw'" from deep inside dist/. The import is
 * dynamic because a static one fails while Node links the modules, before any of our code can run.
 */
import type * as Msw from "msw";

/** The message an app sees when it imports `databricks-apim/testing` without msw installed. */
export const MSW_MISSING =
  'databricks-apim/testing needs msw, an optional peer dependency that is not installed. Run "npm install -D msw" (msw 2.x) and try again.';

/** True when `error` says that the package `msw` itself could not be found (not something inside it). */
export function isMswMissing(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const notFound = code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
  return notFound && typeof message === "string" && /['"]msw['"]/.test(message);
}

async function load(): Promise<typeof Msw> {
  try {
    return await import("msw");
  } catch (error) {
    if (isMswMissing(error)) throw new Error(MSW_MISSING, { cause: error });
    throw error;
  }
}

export const { getResponse, http, HttpResponse } = await load();
