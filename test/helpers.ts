/**
 * Shared test helpers: an MSW server that records every request it sees, so tests assert exact
 * URLs and headers, and that fails on any request no handler claims (no test reaches the network).
 */
import { http, type RequestHandler } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll } from "vitest";

/** The fake gateway base used by MSW-backed tests. */
export const APIM = "https://apim.example.net";
/** A fake subscription key, long enough to be redacted if it ever leaked. */
export const KEY = "sk-test-0123456789abcdef";

/** Starts an MSW server for the current test file and returns it with a request log. */
export function useMswServer(...handlers: RequestHandler[]) {
  const seen: Request[] = [];
  const server = setupServer(...handlers);
  server.events.on("request:start", ({ request }) => {
    seen.push(request.clone());
  });
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => {
    server.resetHandlers();
    seen.length = 0;
  });
  afterAll(() => server.close());
  return { server, seen, http };
}
