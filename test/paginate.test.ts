import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import {
  collect,
  createDatabricksClient,
  DatabricksApimError,
  DatabricksConfigError,
  PaginationError,
  pages,
  paginate,
  ResourceDoesNotExist,
} from "../src/index.js";
import { APIM, KEY, useMswServer } from "./helpers.js";

const { server, seen, http } = useMswServer();
const client = createDatabricksClient({ apimUrl: APIM, subscriptionKey: KEY });
const base = `${APIM}/dbw-01`;
const query = (request: Request) => Object.fromEntries(new URL(request.url).searchParams);

describe("token pagination", () => {
  it("follows next_page_token and stops at an empty token, passing filters on every page", async () => {
    server.use(
      http.get(`${base}/api/2.1/clusters/list`, ({ request }) => {
        const token = new URL(request.url).searchParams.get("page_token");
        if (!token)
          return HttpResponse.json({
            clusters: [{ cluster_id: "a" }, { cluster_id: "b" }],
            next_page_token: "p2",
          });
        if (token === "p2")
          return HttpResponse.json({
            clusters: [{ cluster_id: "c" }],
            next_page_token: "p3",
            prev_page_token: "p1",
          });
        return HttpResponse.json({
          clusters: [{ cluster_id: "d" }],
          next_page_token: "",
          prev_page_token: "p2",
        });
      }),
    );
    const init = { params: { query: { filter_by: { is_pinned: true }, page_size: 2 } } };
    const frozen = JSON.stringify(init);
    const ids: string[] = [];
    for await (const cluster of paginate(client, "/api/2.1/clusters/list", init))
      ids.push(cluster.cluster_id ?? "");
    expect(ids).toEqual(["a", "b", "c", "d"]);
    expect(seen.map(query)).toEqual([
      { "filter_by.is_pinned": "true", page_size: "2" },
      { "filter_by.is_pinned": "true", page_size: "2", page_token: "p2" },
      { "filter_by.is_pinned": "true", page_size: "2", page_token: "p3" },
    ]);
    expect(JSON.stringify(init)).toBe(frozen);
  });

  it("treats the empty workspace answer as zero items after one request", async () => {
    server.use(
      http.get(`${base}/api/2.1/clusters/list`, () =>
        HttpResponse.json({ next_page_token: "", prev_page_token: "" }),
      ),
    );
    expect(await collect(client, "/api/2.1/clusters/list")).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it("keeps going through empty pages that still carry a token, and sends max_results=0 for Unity Catalog", async () => {
    server.use(
      http.get(`${base}/api/2.1/unity-catalog/catalogs`, ({ request }) => {
        const token = new URL(request.url).searchParams.get("page_token");
        if (!token) return HttpResponse.json({ catalogs: [], next_page_token: "t1" });
        if (token === "t1") return HttpResponse.json({ next_page_token: "t2" });
        return HttpResponse.json({ catalogs: [{ name: "main" }] });
      }),
    );
    expect((await collect(client, "/api/2.1/unity-catalog/catalogs")).map((c) => c.name)).toEqual(["main"]);
    expect(seen.map((r) => query(r).max_results)).toEqual(["0", "0", "0"]);
  });

  it("does not override a max_results the caller set", async () => {
    server.use(
      http.get(`${base}/api/2.1/unity-catalog/schemas`, () =>
        HttpResponse.json({ schemas: [{ name: "s" }] }),
      ),
    );
    await collect(client, "/api/2.1/unity-catalog/schemas", {
      params: { query: { catalog_name: "main", max_results: 50 } },
    });
    expect(query(seen[0]!)).toEqual({ catalog_name: "main", max_results: "50" });
  });

  it("uses the next_page_token query parameter for repos", async () => {
    server.use(
      http.get(`${base}/api/2.0/repos`, ({ request }) =>
        new URL(request.url).searchParams.get("next_page_token")
          ? HttpResponse.json({ repos: [{ id: 2 }] })
          : HttpResponse.json({ repos: [{ id: 1 }], next_page_token: "r2" }),
      ),
    );
    expect((await collect(client, "/api/2.0/repos")).map((r) => r.id)).toEqual([1, 2]);
    expect(query(seen[1]!)).toEqual({ next_page_token: "r2" });
  });

  it("stops with a typed PaginationError when the server repeats a token, after yielding what it got", async () => {
    server.use(
      // Gives up after 50 requests, so that a broken guard fails this test instead of hanging it.
      http.get(`${base}/api/2.2/jobs/list`, () =>
        HttpResponse.json({ jobs: [{ job_id: 1 }], next_page_token: seen.length > 50 ? "" : "same" }),
      ),
    );
    const ids: unknown[] = [];
    const error = await (async () => {
      for await (const job of paginate(client, "/api/2.2/jobs/list")) ids.push(job.job_id);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaginationError);
    expect(error).toBeInstanceOf(DatabricksApimError);
    expect(error).toMatchObject({
      reason: "repeated-page",
      pages: 2,
      method: "GET",
      path: "/api/2.2/jobs/list",
    });
    expect(ids).toEqual([1, 1]);
    expect(seen).toHaveLength(2);
  });

  it("is lazy: no request until iteration, and stopping early sends no more", async () => {
    server.use(
      http.get(`${base}/api/2.2/jobs/runs/list`, ({ request }) =>
        HttpResponse.json({
          runs: [{ run_id: 1 }, { run_id: 2 }],
          next_page_token: `${new URL(request.url).search}x`,
        }),
      ),
    );
    const iterator = paginate(client, "/api/2.2/jobs/runs/list");
    expect(seen).toHaveLength(0);
    for await (const run of iterator) if (run.run_id === 1) break;
    expect(seen).toHaveLength(1);
  });
});

describe("SCIM offset pagination", () => {
  it("advances startIndex by the items received and de-duplicates by id", async () => {
    server.use(
      http.get(`${base}/api/2.0/preview/scim/v2/Users`, ({ request }) => {
        const start = Number(new URL(request.url).searchParams.get("startIndex"));
        if (start === 1)
          return HttpResponse.json({ Resources: [{ id: "1" }, { id: "2" }], totalResults: 4, startIndex: 1 });
        if (start === 3)
          return HttpResponse.json({ Resources: [{ id: "2" }, { id: "3" }], totalResults: 4, startIndex: 3 });
        return HttpResponse.json({ Resources: [], totalResults: 4 });
      }),
    );
    const ids = (
      await collect(client, "/api/2.0/preview/scim/v2/Users", {
        params: { query: { count: 2, filter: 'userName sw "a"' } },
      })
    ).map((u) => u.id);
    expect(ids).toEqual(["1", "2", "3"]);
    expect(seen.map(query)).toEqual([
      { count: "2", filter: 'userName sw "a"', startIndex: "1" },
      { count: "2", filter: 'userName sw "a"', startIndex: "3" },
    ]);
  });

  it("stops when Resources is absent", async () => {
    server.use(
      http.get(`${base}/api/2.0/preview/scim/v2/Groups`, () => HttpResponse.json({ totalResults: 0 })),
    );
    expect(await collect(client, "/api/2.0/preview/scim/v2/Groups")).toEqual([]);
    expect(query(seen[0]!)).toEqual({ startIndex: "1", count: "10000" });
  });

  // RFC 7644 §3.4.2.4: startIndex is 1-based, so after items 1–2 of 3 the third is still to come
  // at startIndex 3; once startIndex passes totalResults there is nothing left to ask for.
  it("asks for the last item when startIndex reaches totalResults, and no further", async () => {
    server.use(
      http.get(`${base}/api/2.0/preview/scim/v2/Users`, ({ request }) => {
        const start = Number(new URL(request.url).searchParams.get("startIndex"));
        const all = [{ id: "1" }, { id: "2" }, { id: "3" }];
        return HttpResponse.json({ Resources: all.slice(start - 1, start + 1), totalResults: 3 });
      }),
    );
    const users = await collect(client, "/api/2.0/preview/scim/v2/Users", {
      params: { query: { count: 2 } },
    });
    expect(users.map((u) => u.id)).toEqual(["1", "2", "3"]);
    expect(seen.map((r) => query(r).startIndex)).toEqual(["1", "3"]);
  });

  // databricks-sdk-py databricks/sdk/service/iam.py (`list`): `if "Resources" not in json or not
  // json["Resources"]: return`. An empty page ends the listing even when totalResults promised more
  // (the list shrank while it was read), without an error and without a further request.
  it("stops at an empty Resources page although totalResults promised more", async () => {
    server.use(
      http.get(`${base}/api/2.0/preview/scim/v2/Groups`, ({ request }) => {
        const start = Number(new URL(request.url).searchParams.get("startIndex"));
        return HttpResponse.json(
          start === 1
            ? { Resources: [{ id: "g1" }, { id: "g2" }], totalResults: 5 }
            : { Resources: [], totalResults: 5 },
        );
      }),
    );
    const all = [];
    for await (const page of pages(client, "/api/2.0/preview/scim/v2/Groups", {
      params: { query: { count: 2 } },
    }))
      all.push(page);
    expect(all).toEqual([{ Resources: [{ id: "g1" }, { id: "g2" }], totalResults: 5 }]);
    expect(seen.map((r) => query(r).startIndex)).toEqual(["1", "3"]);
  });

  it("without a numeric totalResults, goes on until an empty page", async () => {
    server.use(
      http.get(`${base}/api/2.0/preview/scim/v2/Users`, ({ request }) => {
        const start = Number(new URL(request.url).searchParams.get("startIndex"));
        const all = [{ id: "1" }, { id: "2" }, { id: "3" }];
        return HttpResponse.json({ Resources: all.slice(start - 1, start + 1), totalResults: null });
      }),
    );
    const users = await collect(client, "/api/2.0/preview/scim/v2/Users", {
      params: { query: { count: 2 } },
    });
    expect(users.map((u) => u.id)).toEqual(["1", "2", "3"]);
    expect(seen.map((r) => query(r).startIndex)).toEqual(["1", "3", "4"]);
  });

  it("never drops entries without an id as duplicates, nor trips over a null entry", async () => {
    server.use(
      http.get(`${base}/api/2.0/preview/scim/v2/ServicePrincipals`, () =>
        HttpResponse.json({
          Resources: [{ displayName: "a" }, { displayName: "b" }, null, { id: "s1", displayName: "c" }],
          totalResults: 4,
        }),
      ),
    );
    expect(await collect(client, "/api/2.0/preview/scim/v2/ServicePrincipals")).toEqual([
      { displayName: "a" },
      { displayName: "b" },
      null,
      { id: "s1", displayName: "c" },
    ]);
    expect(seen).toHaveLength(1);
  });
});

describe("next_page body pagination (cluster events)", () => {
  it("re-POSTs next_page verbatim", async () => {
    server.use(
      http.post(`${base}/api/2.1/clusters/events`, async ({ request }) => {
        const body = (await request.json()) as { offset?: number };
        if (!body.offset)
          return HttpResponse.json({
            events: [{ type: "CREATING" }],
            next_page: { cluster_id: "c", offset: 1, limit: 1 },
          });
        return HttpResponse.json({ events: [{ type: "RUNNING" }], total_count: 2 });
      }),
    );
    const types: string[] = [];
    for await (const event of paginate(client, "/api/2.1/clusters/events", {
      body: { cluster_id: "c", limit: 1 },
    })) {
      types.push(event.type ?? "");
    }
    expect(types).toEqual(["CREATING", "RUNNING"]);
    expect(await Promise.all(seen.map((r) => r.json()))).toEqual([
      { cluster_id: "c", limit: 1 },
      { cluster_id: "c", offset: 1, limit: 1 },
    ]);
  });

  it("sends each next_page in turn over three pages, and ends at a null next_page", async () => {
    server.use(
      http.post(`${base}/api/2.1/clusters/events`, async ({ request }) => {
        const { offset = 0 } = (await request.json()) as { offset?: number };
        return HttpResponse.json({
          events: [{ type: ["CREATING", "STARTING", "RUNNING"][offset] }],
          next_page: offset < 2 ? { cluster_id: "c", offset: offset + 1 } : null,
        });
      }),
    );
    const events = await collect(client, "/api/2.1/clusters/events", { body: { cluster_id: "c" } });
    expect(events.map((e) => e.type)).toEqual(["CREATING", "STARTING", "RUNNING"]);
    expect(await Promise.all(seen.map((r) => r.json()))).toEqual([
      { cluster_id: "c" },
      { cluster_id: "c", offset: 1 },
      { cluster_id: "c", offset: 2 },
    ]);
  });
});

describe("single-call lists", () => {
  it("yields the array, or nothing when it is absent", async () => {
    server.use(
      http.get(`${base}/api/2.0/workspace/list`, () =>
        HttpResponse.json({ objects: [{ path: "/a" }, { path: "/b" }] }),
      ),
      http.get(`${base}/api/2.0/secrets/scopes/list`, () => HttpResponse.json({})),
    );
    expect(
      (await collect(client, "/api/2.0/workspace/list", { params: { query: { path: "/" } } })).map(
        (o) => o.path,
      ),
    ).toEqual(["/a", "/b"]);
    expect(await collect(client, "/api/2.0/secrets/scopes/list")).toEqual([]);
  });

  // databricks-sdk-go service/compute/impl.go: `clusterPoliciesImpl.List` passes `nil` as the
  // next-request function of `listing.NewIterator`, so one call is the whole list, whatever else the
  // answer holds.
  it("sends one request even when the answer carries a next_page_token", async () => {
    server.use(
      http.get(`${base}/api/2.0/policies/clusters/list`, () =>
        HttpResponse.json({ policies: [{ policy_id: "p" }], next_page_token: "more" }),
      ),
    );
    expect((await collect(client, "/api/2.0/policies/clusters/list")).map((p) => p.policy_id)).toEqual(["p"]);
    expect(seen).toHaveLength(1);
  });

  it("pages() yields whole response bodies", async () => {
    server.use(http.get(`${base}/api/2.0/dbfs/list`, () => HttpResponse.json({ files: [{ path: "/x" }] })));
    const all = [];
    for await (const page of pages(client, "/api/2.0/dbfs/list", { params: { query: { path: "/" } } }))
      all.push(page);
    expect(all).toEqual([{ files: [{ path: "/x" }] }]);
  });
});

describe("errors and cancellation", () => {
  it("throws the typed error of a failing page", async () => {
    server.use(
      http.get(`${base}/api/2.1/unity-catalog/tables`, () =>
        HttpResponse.json(
          { error_code: "RESOURCE_DOES_NOT_EXIST", message: "Schema main.x does not exist." },
          { status: 404 },
        ),
      ),
    );
    await expect(
      collect(client, "/api/2.1/unity-catalog/tables", {
        params: { query: { catalog_name: "main", schema_name: "x" } },
      }),
    ).rejects.toBeInstanceOf(ResourceDoesNotExist);
  });

  it("honours an AbortSignal between pages", async () => {
    const controller = new AbortController();
    server.use(
      http.get(`${base}/api/2.2/jobs/list`, ({ request }) =>
        HttpResponse.json({ jobs: [{ job_id: 1 }], next_page_token: `${request.url.length}` }),
      ),
    );
    const seenIds: number[] = [];
    const run = async () => {
      for await (const job of paginate(client, "/api/2.2/jobs/list", { signal: controller.signal })) {
        seenIds.push(job.job_id ?? 0);
        controller.abort(new Error("stop"));
      }
    };
    await expect(run()).rejects.toThrow("stop");
    expect(seen).toHaveLength(1);
  });
});

describe("the item iterator", () => {
  const list = (pagesServed: string[]) =>
    http.get(`${base}/api/2.2/jobs/list`, ({ request }) => {
      const token = new URL(request.url).searchParams.get("page_token") ?? "";
      pagesServed.push(token);
      if (token === "")
        return HttpResponse.json({ jobs: [{ job_id: 1 }, { job_id: 2 }], next_page_token: "p2" });
      if (token === "p2") return HttpResponse.json({ jobs: [{ job_id: 3 }], next_page_token: "p3" });
      return HttpResponse.json({ error_code: "INTERNAL_ERROR", message: "boom" }, { status: 500 });
    });

  it("answers overlapping next() calls in order, across a page boundary", async () => {
    const served: string[] = [];
    server.use(list(served));
    const iterator = paginate(client, "/api/2.2/jobs/list");
    const results = await Promise.all([iterator.next(), iterator.next(), iterator.next()]);
    expect(results.map((result) => result.value?.job_id)).toEqual([1, 2, 3]);
    expect(served).toEqual(["", "p2"]);
  });

  it("is done after an error: the error reaches the caller once, later calls end", async () => {
    server.use(list([]));
    const iterator = paginate(client, "/api/2.2/jobs/list");
    const ids: unknown[] = [];
    await expect(
      (async () => {
        for (;;) {
          const result = await iterator.next();
          if (result.done) return;
          ids.push(result.value.job_id);
        }
      })(),
    ).rejects.toMatchObject({ status: 500, errorCode: "INTERNAL_ERROR" });
    expect(ids).toEqual([1, 2, 3]);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it("return() before the first next() ends it without any request", async () => {
    const served: string[] = [];
    server.use(list(served));
    const iterator = paginate(client, "/api/2.2/jobs/list");
    expect(await iterator.return?.()).toEqual({ value: undefined, done: true });
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    expect(served).toEqual([]);
  });

  it("return() ends it without fetching more pages; throw() ends it and rethrows", async () => {
    const served: string[] = [];
    server.use(list(served));
    const iterator = paginate(client, "/api/2.2/jobs/list");
    expect((await iterator.next()).value?.job_id).toBe(1);
    expect(await iterator.return?.()).toEqual({ value: undefined, done: true });
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    expect(served).toEqual([""]);
    const other = paginate(client, "/api/2.2/jobs/list");
    await other.next();
    await expect(other.throw?.(new Error("stop"))).rejects.toThrow("stop");
    expect(await other.next()).toEqual({ value: undefined, done: true });
  });
});

describe("every listing ends", () => {
  /**
   * A server that keeps handing out fresh tokens, with `items` on every page. It gives up after 1000
   * pages only so that a broken guard fails these tests instead of hanging them.
   */
  const endless = (items: unknown[]) =>
    http.get(`${base}/api/2.2/jobs/list`, ({ request }) => {
      const token = Number(new URL(request.url).searchParams.get("page_token") ?? 0);
      return HttpResponse.json({ jobs: items, next_page_token: token < 1000 ? String(token + 1) : "" });
    });

  it("ends fresh tokens with empty pages after maxEmptyPages (default 100) with a no-progress error", async () => {
    server.use(endless([]));
    const error = await collect(client, "/api/2.2/jobs/list").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaginationError);
    expect(error).toMatchObject({ reason: "no-progress", pages: 100 });
    expect((error as Error).message).toMatch(/100 pages in a row brought no new items.*maxEmptyPages/);
    expect(seen).toHaveLength(100);
    seen.length = 0;
    await expect(collect(client, "/api/2.2/jobs/list", { maxEmptyPages: 3 })).rejects.toMatchObject({
      reason: "no-progress",
    });
    expect(seen).toHaveLength(3);
  });

  it("a page with items resets the count of empty pages (Unity Catalog sends some empty pages)", async () => {
    server.use(
      http.get(`${base}/api/2.2/jobs/list`, ({ request }) => {
        const token = Number(new URL(request.url).searchParams.get("page_token") ?? 0);
        const last = token === 5;
        return HttpResponse.json({
          jobs: token % 2 === 1 ? [{ job_id: token }] : [],
          next_page_token: last ? "" : String(token + 1),
        });
      }),
    );
    const jobs = await collect(client, "/api/2.2/jobs/list", { maxEmptyPages: 2 });
    expect(jobs.map((j) => j.job_id)).toEqual([1, 3, 5]);
  });

  it("maxPages ends an endless listing with items, after exactly that many requests", async () => {
    server.use(endless([{ job_id: 7 }]));
    const ids: unknown[] = [];
    const error = await (async () => {
      for await (const job of paginate(client, "/api/2.2/jobs/list", { maxPages: 3 })) ids.push(job.job_id);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaginationError);
    expect(error).toMatchObject({ reason: "max-pages", pages: 3 });
    expect(ids).toEqual([7, 7, 7]);
    expect(seen).toHaveLength(3);
    // Nor are the limits sent to the server.
    expect(Object.keys(query(seen[0]!))).not.toContain("maxPages");
  });

  it("maxPages is no error when the listing ends within it", async () => {
    server.use(
      http.get(`${base}/api/2.2/jobs/list`, ({ request }) =>
        HttpResponse.json(
          new URL(request.url).searchParams.get("page_token")
            ? { jobs: [{ job_id: 2 }] }
            : { jobs: [{ job_id: 1 }], next_page_token: "p2" },
        ),
      ),
    );
    expect(await collect(client, "/api/2.2/jobs/list", { maxPages: 2 })).toHaveLength(2);
  });

  it("ends a SCIM listing whose pages bring only ids already given (a server ignoring startIndex)", async () => {
    server.use(
      http.get(`${base}/api/2.0/preview/scim/v2/Users`, () =>
        HttpResponse.json({ Resources: seen.length > 50 ? [] : [{ id: "1" }, { id: "2" }] }),
      ),
    );
    const error = await collect(client, "/api/2.0/preview/scim/v2/Users", { maxEmptyPages: 4 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: "PaginationError", reason: "no-progress" });
    // The first page brought two users; the next four brought nothing new.
    expect(seen).toHaveLength(5);
  });

  it("ends a next_page listing that repeats its next-page body", async () => {
    server.use(
      http.post(`${base}/api/2.1/clusters/events`, () =>
        HttpResponse.json({
          events: [{ type: "RUNNING" }],
          ...(seen.length > 50 ? {} : { next_page: { cluster_id: "c", offset: 1 } }),
        }),
      ),
    );
    await expect(
      collect(client, "/api/2.1/clusters/events", { body: { cluster_id: "c" } }),
    ).rejects.toMatchObject({ name: "PaginationError", reason: "repeated-page" });
    expect(seen).toHaveLength(2);
  });

  it("refuses limits that are not positive integers", async () => {
    for (const limits of [{ maxPages: 0 }, { maxEmptyPages: 1.5 }]) {
      await expect(collect(client, "/api/2.2/jobs/list", limits)).rejects.toBeInstanceOf(
        DatabricksConfigError,
      );
    }
    expect(seen).toHaveLength(0);
  });
});
