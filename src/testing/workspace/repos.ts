/**
 * Git folders (`/api/2.0/repos`): seeded and read-only through the spec. The list pages with a
 * `next_page_token` that is sent back under the same name, unlike most Databricks lists.
 */
import type { RepoInfo } from "../../generated/schema.js";
import type { WorkspaceArea, WorkspaceContext } from "./context.js";
import { notFound, pathParam } from "./errors.js";
import { pageOf } from "./paging.js";

/** Creates the repos area. */
export function createRepos(ctx: WorkspaceContext): WorkspaceArea<Record<string, never>> {
  let repos: RepoInfo[] = [];
  const { http } = ctx;
  const handlers = [
    http.get("/api/2.0/repos", ({ query }) => {
      const prefix = query.get("path_prefix") ?? "";
      const matching = repos.filter((r) => (r.path ?? "").startsWith(prefix));
      const page = pageOf(structuredClone(matching), 20, query.get("next_page_token"));
      return { repos: page.items, ...(page.next ? { next_page_token: page.next } : {}) };
    }),
    http.get("/api/2.0/repos/{repo_id}", ({ params }) => {
      const id = pathParam(params, "repo_id");
      const repo = repos.find((r) => String(r.id) === id);
      if (!repo) throw notFound(`Repo ${id} does not exist.`);
      return structuredClone(repo);
    }),
  ];
  return {
    handlers,
    load(seed) {
      repos = structuredClone(seed.repos);
    },
    controls: {},
  };
}
