/**
 * The read-only queries over clusters: `clusters/list` filters and order (`filter_by.*` and `sort_by.*`
 * arrive as dotted query keys, e.g. `filter_by.cluster_states=RUNNING&filter_by.cluster_states=PENDING`)
 * and `clusters/events` pages, by `page_token` or by the deprecated `next_page` request body.
 */
import type { ClusterEvent, GetEvents, GetEventsResponse } from "../../generated/schema.js";
import type { ClusterRecord } from "./clusters.js";
import { pageOf } from "./paging.js";

/** Filters and orders clusters as `clusters/list` does (default: newest first). */
export function listClusters(records: ClusterRecord[], query: URLSearchParams): ClusterRecord[] {
  const states = query.getAll("filter_by.cluster_states");
  const sources = query.getAll("filter_by.cluster_sources");
  const pinned = query.get("filter_by.is_pinned");
  const policy = query.get("filter_by.policy_id");
  const matching = records.filter(({ details: d, pinned: isPinned }) => {
    return (
      (states.length === 0 || states.includes(d.state ?? "")) &&
      (sources.length === 0 || sources.includes(d.cluster_source ?? "")) &&
      (pinned === null || String(isPinned) === pinned.toLowerCase()) &&
      (policy === null || d.policy_id === policy)
    );
  });
  // By name reads A→Z unless told otherwise; the default order is newest first.
  const byName = query.get("sort_by.field") === "CLUSTER_NAME";
  const direction = query.get("sort_by.direction") ?? (byName ? "ASC" : "DESC");
  const dir = direction === "ASC" ? 1 : -1;
  return matching.sort((a, b) =>
    byName
      ? dir * (a.details.cluster_name ?? "").localeCompare(b.details.cluster_name ?? "")
      : dir * ((a.details.start_time ?? 0) - (b.details.start_time ?? 0)),
  );
}

/**
 * One page of a cluster's events for a `clusters/events` request body. With `page_token` or
 * `page_size` it pages by token (`next_page_token`/`prev_page_token`; `page_size` 0 or absent lets the
 * server choose, above 500 it is taken as 500); otherwise by the deprecated `offset`/`limit` with
 * `next_page` and `total_count` (databricks-sdk-go service/compute/model.go `GetEvents`: "Deprecated:
 * use page_token in combination with page_size instead").
 */
export function eventsPage(log: readonly ClusterEvent[], body: GetEvents): GetEventsResponse {
  const types = body.event_types ?? [];
  const all = log.filter(
    (e) =>
      (types.length === 0 || (e.type !== undefined && types.includes(e.type))) &&
      (body.start_time === undefined || (e.timestamp ?? 0) >= body.start_time) &&
      (body.end_time === undefined || (e.timestamp ?? 0) <= body.end_time),
  );
  if (body.order !== "ASC") all.reverse();
  if (body.page_token !== undefined || body.page_size !== undefined) {
    const size = Math.min(Math.max(body.page_size ?? 0, 0), 500) || DEFAULT_EVENTS;
    const page = pageOf(all, size, body.page_token || undefined);
    return {
      events: structuredClone(page.items),
      ...(page.next ? { next_page_token: page.next } : {}),
      ...(page.prev ? { prev_page_token: page.prev } : {}),
    };
  }
  const offset = body.offset ?? 0;
  const limit = Math.min(Math.max(body.limit ?? DEFAULT_EVENTS, 1), 500);
  const events = structuredClone(all.slice(offset, offset + limit));
  const more = offset + events.length < all.length;
  return {
    events,
    total_count: all.length,
    ...(more ? { next_page: { ...body, offset: offset + limit } } : {}),
  };
}

/** Events per page when the request does not say ("Defaults to 50"). */
const DEFAULT_EVENTS = 50;
