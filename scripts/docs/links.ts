/**
 * Link check of the built site with linkinator: every page, every local link and every `#anchor`
 * (checkFragments), served from a loopback server linkinator starts itself. Links to other origins
 * are listed but not fetched: the check runs offline.
 */
import { inspect } from "node:util";
import { LinkChecker, LinkState } from "linkinator";

/** A broken link: the page it is on, where it points, and why. */
export interface BrokenLink {
  parent: string | undefined;
  url: string;
  status: number | undefined;
  reason: string;
}

function describe(detail: unknown): string {
  if (detail instanceof Error) return detail.message;
  const { status, statusText } = (detail ?? {}) as { status?: number; statusText?: string };
  return status ? `HTTP ${status} ${statusText ?? ""}`.trim() : inspect(detail, { depth: 1 });
}

/**
 * Checks the site in `dir`, starting at its `index.html`. `spaRoutes` are root paths (`/clusters`) that a
 * page's client-side router handles: Redoc prerenders its menu as such links.
 */
export async function checkSite(
  dir: string,
  spaRoutes: ReadonlySet<string> = new Set(),
): Promise<{
  checked: number;
  broken: BrokenLink[];
}> {
  const checker = new LinkChecker();
  const result = await checker.check({
    path: dir,
    recurse: true,
    checkFragments: true,
    concurrency: 8,
    linksToSkip: async (link) => {
      const url = new URL(link);
      if (url.hostname !== "localhost" && url.hostname !== "127.0.0.1") return true;
      return spaRoutes.has(url.pathname);
    },
  });
  // linkinator may report a missing fragment more than once: one entry per (page, link, reason).
  const broken = new Map<string, BrokenLink>();
  for (const link of result.links) {
    if (link.state !== LinkState.BROKEN) continue;
    const entry = {
      parent: link.parent,
      url: link.url,
      status: link.status,
      reason: (link.failureDetails ?? []).map(describe).join("; "),
    };
    broken.set(JSON.stringify(entry), entry);
  }
  const checked = result.links.filter((link) => link.state !== LinkState.SKIPPED).length;
  return { checked, broken: [...broken.values()] };
}
