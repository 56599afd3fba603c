/**
 * unwrap.ts on its own: "data or throw" over `{ data, error, response }` results (the openapi-fetch
 * result shape, https://openapi-ts.dev/openapi-fetch/api#response), and `toError` for results whose
 * call the client did not record (a `Response` an app built itself, e.g. in a mocked fetch).
 */
import { describe, expect, it } from "vitest";
import { DatabricksApimError, ResourceDoesNotExist } from "../src/errors.js";
import { rememberErrorContext, toError, unwrap } from "../src/unwrap.js";
import { KEY } from "./helpers.js";

const NOT_FOUND = { error_code: "RESOURCE_DOES_NOT_EXIST", message: "Cluster c-1 does not exist" };

/** A response as fetch would hand it over, `url` included (the constructor always leaves it ""). */
function fetched(url: string, status: number): Response {
  const response = new Response(null, { status });
  Object.defineProperty(response, "url", { value: url });
  return response;
}

describe("unwrap", () => {
  it("returns a 2xx call's data as it is", async () => {
    const data = { cluster_id: "c-1", state: "RUNNING" };
    await expect(
      unwrap(Promise.resolve({ data, response: new Response(null, { status: 200 }) })),
    ).resolves.toBe(data);
  });

  it("returns {} for a 2xx with an empty body (openapi-fetch leaves data undefined)", async () => {
    const result = { data: undefined, response: new Response(null, { status: 204 }) };
    await expect(unwrap(result)).resolves.toEqual({});
  });

  it("throws the typed error of a non-2xx, built from the body openapi-fetch parsed", async () => {
    const response = fetched("https://apim.example.net/dbw-01/api/2.1/clusters/get?cluster_id=c-1", 404);
    const error = await unwrap({ error: NOT_FOUND, response }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceDoesNotExist);
    expect(error).toMatchObject({ status: 404, errorCode: "RESOURCE_DOES_NOT_EXIST" });
  });
});

describe("toError", () => {
  it("uses the call the client recorded for the response: its method, path and secrets", () => {
    const response = fetched("https://apim.example.net/dbw-01/api/2.1/clusters/get", 404);
    rememberErrorContext(response, { method: "GET", path: "/api/2.1/clusters/get", secrets: [KEY] });
    const error = toError({ error: { ...NOT_FOUND, message: `Cluster ${KEY} does not exist` }, response });
    expect(error).toMatchObject({ method: "GET", path: "/api/2.1/clusters/get" });
    expect(error.message).toBe(
      "RESOURCE_DOES_NOT_EXIST: Cluster [REDACTED] does not exist (404 GET /api/2.1/clusters/get)",
    );
  });

  it("without a recorded call, names the method UNKNOWN and takes the path from the response URL", () => {
    const response = fetched("https://apim.example.net/dbw-01/api/2.1/clusters/get?cluster_id=c-1", 404);
    const error = toError({ error: NOT_FOUND, response });
    expect(error).toBeInstanceOf(DatabricksApimError);
    // The URL's path as is (gateway prefix included), never its query string.
    expect(error).toMatchObject({ method: "UNKNOWN", path: "/dbw-01/api/2.1/clusters/get" });
    expect(error.message).toBe(
      "RESOURCE_DOES_NOT_EXIST: Cluster c-1 does not exist (404 UNKNOWN /dbw-01/api/2.1/clusters/get)",
    );
  });

  it("without a recorded call or a URL (a Response built by hand), names the path /", () => {
    const error = toError({ error: NOT_FOUND, response: new Response(null, { status: 404 }) });
    expect(error).toMatchObject({ method: "UNKNOWN", path: "/" });
    expect(error.message).toBe("RESOURCE_DOES_NOT_EXIST: Cluster c-1 does not exist (404 UNKNOWN /)");
  });
});
