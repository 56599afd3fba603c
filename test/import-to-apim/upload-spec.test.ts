import { describe, expect, it } from "vitest";
import { buildUploadSpec } from "../../scripts/apim/upload-spec.js";
import { findSchemaCycles } from "../../scripts/lib/apim-rules.js";
import { loadSpec, type OpenApiDocument } from "../../scripts/lib/spec.js";

const curated = loadSpec().doc;
const all = { readOnly: false, tags: [] };

/** A tiny document with a two-schema cycle, a self-reference and an unused schema. */
const small = (): OpenApiDocument => ({
  openapi: "3.0.3",
  info: { title: "t", version: "1" },
  servers: [{ url: "https://gateway.example/dbw-01" }],
  tags: [{ name: "a" }, { name: "b" }],
  paths: {
    "/items": {
      get: {
        operationId: "itemsList",
        tags: ["a"],
        "x-databricks-pagination": { style: "token" },
        responses: {
          "200": { content: { "application/json": { schema: { $ref: "#/components/schemas/Outer" } } } },
        },
      },
      post: { operationId: "itemsCreate", tags: ["b"], responses: { "200": { description: "ok" } } },
    },
  },
  components: {
    schemas: {
      Outer: {
        type: "object",
        properties: { inner: { $ref: "#/components/schemas/Inner" }, "x-name": { type: "string" } },
      },
      Inner: {
        type: "object",
        properties: { outer: { $ref: "#/components/schemas/Outer", description: "the parent" } },
      },
      Node: { type: "object", properties: { next: { $ref: "#/components/schemas/Node" } } },
      Unused: { type: "string" },
    },
  },
});

describe("buildUploadSpec", () => {
  it("cuts the ForEachTask ↔ Task cycle of the curated spec in the upload only", () => {
    const upload = buildUploadSpec(curated, all);
    const doc = JSON.parse(upload.text) as OpenApiDocument;
    expect(upload.cutReferences).toEqual(["ForEachTask.properties.task → Task"]);
    expect(findSchemaCycles(doc)).toEqual([]);
    expect(findSchemaCycles(curated)).toEqual([["ForEachTask", "Task"]]);
    const schemas = doc.components?.schemas as Record<string, { properties: Record<string, unknown> }>;
    expect(schemas.ForEachTask?.properties.task).toMatchObject({ type: "object" });
    expect(schemas.Task?.properties.for_each_task).toEqual({ $ref: "#/components/schemas/ForEachTask" });
    expect(upload.operations).toHaveLength(83);
  });

  it("leaves SCIM's property named $ref out of the upload only", () => {
    const upload = buildUploadSpec(loadSpec().doc, { readOnly: false, tags: [] });
    expect(upload.droppedRefProperties).toEqual(["ComplexValue"]);
    const uploaded = JSON.parse(upload.text) as {
      components: { schemas: Record<string, { properties: object }> };
    };
    expect(Object.keys(uploaded.components.schemas.ComplexValue?.properties ?? {})).toEqual([
      "display",
      "primary",
      "type",
      "value",
    ]);
    expect(
      Object.keys(
        (loadSpec().doc.components?.schemas?.ComplexValue as { properties?: object } | undefined)
          ?.properties ?? {},
      ),
    ).toContain("$ref");
  });

  it("cuts back-references found from the operations, keeps descriptions, drops servers, x-* and unused schemas", () => {
    const upload = buildUploadSpec(small(), all);
    const doc = JSON.parse(upload.text) as OpenApiDocument;
    expect(upload.cutReferences).toEqual(["Inner.properties.outer → Outer"]);
    const schemas = doc.components?.schemas as Record<string, { properties?: Record<string, unknown> }>;
    expect(schemas.Inner?.properties?.outer).toEqual({ type: "object", description: "the parent" });
    expect(Object.keys(schemas)).toEqual(["Outer", "Inner"]);
    expect(schemas.Outer?.properties?.["x-name"]).toEqual({ type: "string" }); // a property name, not an extension
    expect(doc.servers).toBeUndefined();
    expect(upload.text).not.toContain("x-databricks");
  });

  it("cuts self-references of schemas no operation uses when they are kept", () => {
    const doc = small();
    const get = doc.paths["/items"]?.get;
    if (get)
      get.responses = {
        "200": { content: { "application/json": { schema: { $ref: "#/components/schemas/Node" } } } },
      };
    const upload = buildUploadSpec(doc, all);
    expect(upload.cutReferences).toEqual(["Node.properties.next → Node"]);
  });

  it("filters operations by method and tag, and keeps only the tags still used", () => {
    const readOnly = buildUploadSpec(small(), { readOnly: true, tags: [] });
    expect(readOnly.operations).toEqual([{ name: "itemslist", method: "GET", urlTemplate: "/items" }]);
    const tagged = buildUploadSpec(small(), { readOnly: false, tags: ["b"] });
    expect(tagged.operations.map((o) => o.name)).toEqual(["itemscreate"]);
    expect((JSON.parse(tagged.text) as { tags: unknown }).tags).toEqual([{ name: "b" }]);
    expect(
      buildUploadSpec(curated, { readOnly: true, tags: [] }).operations.every((o) => o.method === "GET"),
    ).toBe(true);
  });

  it("has a fingerprint that depends on what is uploaded, not on extensions or servers", () => {
    const base = buildUploadSpec(small(), all).fingerprint;
    expect(base).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(buildUploadSpec(small(), all).fingerprint).toBe(base);
    const onlyExtensions = small();
    const get = onlyExtensions.paths["/items"]?.get;
    if (get) get["x-databricks-pagination"] = { style: "offset" };
    onlyExtensions.servers = [{ url: "https://elsewhere.example" }];
    expect(buildUploadSpec(onlyExtensions, all).fingerprint).toBe(base);
    const summary = small();
    if (summary.paths["/items"]?.get) summary.paths["/items"].get.summary = "List items";
    expect(buildUploadSpec(summary, all).fingerprint).not.toBe(base);
  });
});
