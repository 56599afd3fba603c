import { describe, expect, it } from "vitest";
import { createDatabricksClient, DatabricksConfigError } from "../src/index.js";
import { encodeQuery, MAX_QUERY_DEPTH } from "../src/query.js";
import { APIM, KEY } from "./helpers.js";

describe("encodeQuery", () => {
  it.each([
    [{}, ""],
    [undefined, ""],
    [{ a: 1, b: "x y", c: true, d: false }, "a=1&b=x%20y&c=true&d=false"],
    [{ a: undefined, b: null, c: 0 }, "c=0"],
    [{ list: ["A", "B"] }, "list=A&list=B"],
    [
      { f: { states: ["RUNNING", "PENDING"], pinned: true } },
      "f.states=RUNNING&f.states=PENDING&f.pinned=true",
    ],
    [{ deep: { a: { b: { c: 1 } } } }, "deep.a.b.c=1"],
    [{ "k&=": "v&=?" }, "k%26%3D=v%26%3D%3F"],
    [{ path: "/Users/me@example.com/nb" }, "path=%2FUsers%2Fme%40example.com%2Fnb"],
    // ISO 8601, as databricks-sdk-go sends time.Time: it builds queries with google/go-querystring
    // (httpclient/request.go), whose query/encode.go says "time.Time values default to encoding as
    // RFC3339 timestamps".
    [{ since: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)) }, "since=2026-01-02T03%3A04%3A05.006Z"],
    [{ f: { at: [new Date(0)] } }, "f.at=1970-01-01T00%3A00%3A00.000Z"],
    // The same object twice side by side is not a cycle.
    [
      (() => {
        const shared = { x: 1 };
        return { a: shared, b: shared };
      })(),
      "a.x=1&b.x=1",
    ],
  ])("%j → %s", (input, expected) => {
    expect(encodeQuery(input as Record<string, unknown> | undefined)).toBe(expected);
  });

  it("refuses a cycle with a typed error naming the parameter, not a RangeError", () => {
    const filter: Record<string, unknown> = { state: "RUNNING" };
    filter.self = filter;
    const list: unknown[] = ["a"];
    list.push(list);
    for (const [query, key] of [
      [{ filter_by: filter }, "filter_by.self"],
      [{ ids: list }, "ids"],
    ] as const) {
      const attempt = () => encodeQuery(query);
      expect(attempt).toThrow(DatabricksConfigError);
      expect(attempt).toThrow(`"${key}": contains itself`);
    }
  });

  it(`accepts ${MAX_QUERY_DEPTH} levels of nesting and refuses more`, () => {
    const nest = (levels: number) => {
      let value: unknown = 1;
      for (let i = 0; i < levels; i += 1) value = { n: value };
      return { q: value } as Record<string, unknown>;
    };
    expect(encodeQuery(nest(MAX_QUERY_DEPTH))).toBe(`q${".n".repeat(MAX_QUERY_DEPTH)}=1`);
    const attempt = () => encodeQuery(nest(MAX_QUERY_DEPTH + 1));
    expect(attempt).toThrow(DatabricksConfigError);
    expect(attempt).toThrow(`nests deeper than ${MAX_QUERY_DEPTH} levels`);
  });

  it("counts nested arrays as levels too", () => {
    const nest = (levels: number) => {
      let value: unknown = "x";
      for (let i = 0; i < levels; i += 1) value = [value];
      return { q: value } as Record<string, unknown>;
    };
    expect(encodeQuery(nest(MAX_QUERY_DEPTH))).toBe("q=x");
    expect(() => encodeQuery(nest(MAX_QUERY_DEPTH + 1))).toThrow(
      `nests deeper than ${MAX_QUERY_DEPTH} levels`,
    );
  });

  it("refuses an invalid Date instead of sending 'Invalid Date'", () => {
    expect(() => encodeQuery({ since: new Date(Number.NaN) })).toThrow(/"since": is an invalid Date/);
  });

  it("fails a client call with a cyclic query before anything is sent", async () => {
    const sent: Request[] = [];
    const fetch = async (request: Request) => {
      sent.push(request);
      return Response.json({});
    };
    const client = createDatabricksClient({ apimUrl: APIM, subscriptionKey: KEY, fetch });
    const filter_by: Record<string, unknown> = {};
    filter_by.loop = filter_by;
    await expect(
      client.GET("/api/2.1/clusters/list", { params: { query: { filter_by } as never } }),
    ).rejects.toThrow(DatabricksConfigError);
    expect(sent).toHaveLength(0);
  });
});
