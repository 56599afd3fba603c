/** Example for `paginate` in the API reference (see client.ts for how examples are checked). */
import { type DatabricksClient, paginate } from "databricks-apim";

/** The names of every job in the workspace, across all pages. */
export async function jobNames(client: DatabricksClient): Promise<string[]> {
  // #region paginate
  const names: string[] = [];
  // One request per page, sent as the loop asks for more; `break` stops fetching.
  for await (const job of paginate(client, "/api/2.2/jobs/list")) {
    names.push(job.settings?.name ?? String(job.job_id));
  }
  // #endregion paginate
  return names;
}
