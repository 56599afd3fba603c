import { describe, expect, it } from "vitest";
import { encodeQuery } from "../src/query.js";

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
  ])("%j → %s", (input, expected) => {
    expect(encodeQuery(input as Record<string, unknown> | undefined)).toBe(expected);
  });
});
