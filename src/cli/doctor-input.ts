/**
 * `databricks-apim doctor`'s input: flags win over their environment variables; the key comes from
 * DATABRICKS_APIM_SUBSCRIPTION_KEY only. Problems are reported before any request is sent.
 */
import { parseArgs } from "node:util";

/** What doctor was asked to check. */
export interface DoctorInput {
  base: string;
  key: string | undefined;
  json: boolean;
  timeoutMs: number;
}

/** Flags + environment → input, "help", or an error naming the problem (never the key). */
export function parseDoctorInput(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): DoctorInput | "help" | { error: string; key: string | undefined } {
  const key = env.DATABRICKS_APIM_SUBSCRIPTION_KEY?.trim() || undefined;
  if (argv.some((arg) => /^--(subscription-)?key(=|$)/.test(arg)))
    return {
      error: "the subscription key is never a flag: set DATABRICKS_APIM_SUBSCRIPTION_KEY instead.",
      key,
    };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        "apim-url": { type: "string" },
        "api-suffix": { type: "string" },
        json: { type: "boolean" },
        timeout: { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return { error: (error as Error).message, key };
  }
  if (values.help) return "help";
  const rawUrl = (values["apim-url"] as string | undefined) ?? env.DATABRICKS_APIM_URL?.trim();
  if (!rawUrl) return { error: "missing --apim-url (or DATABRICKS_APIM_URL).", key };
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { error: `--apim-url "${rawUrl}" is not a URL.`, key };
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback))
    return {
      error: `--apim-url must use https:// (plain http only for localhost), got ${url.protocol}`,
      key,
    };
  if (url.username || url.password || url.search || url.hash)
    return { error: "--apim-url must not carry credentials, a query string or a fragment.", key };
  const suffix =
    ((values["api-suffix"] as string | undefined) ?? env.DATABRICKS_APIM_API_SUFFIX?.trim()) || "dbw-01";
  const cleanSuffix = suffix.replace(/^\/+|\/+$/g, "");
  if (!/^[A-Za-z0-9][A-Za-z0-9_.~/-]*$/.test(cleanSuffix))
    return { error: `--api-suffix "${suffix}" is not a URL path suffix.`, key };
  const origin = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  if (origin.endsWith(`/${cleanSuffix}`))
    return {
      error: `--apim-url ends with the API suffix "/${cleanSuffix}": drop it, the suffix is added.`,
      key,
    };
  if (key !== undefined && !/^[!-~]+$/.test(key))
    return {
      error: "DATABRICKS_APIM_SUBSCRIPTION_KEY contains whitespace, control or non-ASCII characters.",
      key,
    };
  const timeoutMs = values.timeout === undefined ? 10_000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    return { error: `--timeout must be a positive integer of milliseconds.`, key };
  return { base: `${origin}/${cleanSuffix}`, key, json: values.json === true, timeoutMs };
}
