/** A client whose network is a script, for the waiter suites. */
import { createDatabricksClient } from "../src/index.js";

/** A reply: a JSON body, or a function that builds the Response. */
export type Reply = unknown | (() => Response | Promise<Response>);

/**
 * A client (no retries) that answers each request with the next reply of `script`; the last repeats.
 * `sent` holds the requests in order.
 */
export function scriptedClient(subscriptionKey: string, ...script: Reply[]) {
  const sent: Request[] = [];
  const client = createDatabricksClient({
    apimUrl: "https://apim.example.net",
    subscriptionKey,
    maxRetries: 0,
    fetch: async (request) => {
      sent.push(request);
      const next = script[Math.min(sent.length - 1, script.length - 1)];
      return typeof next === "function"
        ? (next as () => Response | Promise<Response>)()
        : Response.json(next);
    },
  });
  return { client, sent };
}
