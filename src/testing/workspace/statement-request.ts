/**
 * Checks an execute-statement request the way the Statement Execution API documents it
 * (databricks-sdk-go service/sql/model.go `ExecuteStatementRequest`): `wait_timeout` is `0s` or 5–50 s
 * (default 10 s), the enums take only their listed values, and `:name` parameter markers are bound
 * from `parameters` (`type` defaults to STRING; a missing `value` is NULL).
 */
import type { ExecuteStatementRequest, StatementParameterListItem } from "../../generated/schema.js";
import { WorkspaceError } from "../http.js";
import { invalidParameter } from "./errors.js";

/** The request's settings the emulator acts on. */
export interface StatementRequest {
  waitMs: number;
  cancelOnTimeout: boolean;
  /** The statement text with its parameter markers replaced by literals. */
  text: string;
  /** A parameter marker with no parameter: the statement fails with UNBOUND_SQL_PARAMETER. */
  unbound: string | undefined;
}

const ENUMS = {
  on_wait_timeout: ["CONTINUE", "CANCEL"],
  disposition: ["INLINE", "EXTERNAL_LINKS"],
  format: ["JSON_ARRAY", "ARROW_STREAM", "CSV"],
} as const;

const UNQUOTED_TYPES =
  /^(TINYINT|SMALLINT|INT|INTEGER|BIGINT|LONG|SHORT|BYTE|FLOAT|DOUBLE|DECIMAL.*|BOOLEAN)$/i;

/** Validates `body`; throws the 400 Databricks answers (or 501 for what the emulator cannot serve). */
export function readStatementRequest(body: ExecuteStatementRequest, text: string): StatementRequest {
  // "The maximum query text size is 16 MiB."
  if (new TextEncoder().encode(text).length > 16 * 1024 * 1024) {
    throw invalidParameter("The statement text exceeds the maximum size of 16 MiB.");
  }
  const wait = /^(\d+)s$/.exec(body.wait_timeout ?? "10s");
  const waitSeconds = Number(wait?.[1] ?? -1);
  if (!(waitSeconds === 0 || (waitSeconds >= 5 && waitSeconds <= 50))) {
    throw invalidParameter(
      `wait_timeout must be 0s (asynchronous) or between 5s and 50s, got '${body.wait_timeout}'.`,
    );
  }
  for (const [field, allowed] of Object.entries(ENUMS)) {
    const value = (body as Record<string, unknown>)[field];
    if (value !== undefined && !(allowed as readonly unknown[]).includes(value)) {
      throw invalidParameter(`Invalid ${field} '${String(value)}': expected one of ${allowed.join(", ")}.`);
    }
  }
  if (body.disposition === "EXTERNAL_LINKS") {
    throw new WorkspaceError(
      501,
      "NOT_IMPLEMENTED",
      "The databricks-apim emulator serves INLINE results only; EXTERNAL_LINKS point at cloud storage.",
    );
  }
  if ((body.format ?? "JSON_ARRAY") !== "JSON_ARRAY") {
    throw invalidParameter("Inline disposition only supports JSON_ARRAY format.");
  }
  for (const [name, value] of [
    ["row_limit", body.row_limit],
    ["byte_limit", body.byte_limit],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0))
      throw invalidParameter(`${name} must be a non-negative integer.`);
  }
  const bound = bindParameters(text, body.parameters ?? []);
  return {
    waitMs: waitSeconds * 1000,
    cancelOnTimeout: waitSeconds > 0 && body.on_wait_timeout === "CANCEL",
    ...bound,
  };
}

/** Replaces `:name` markers outside string literals and comments with the parameters' literals. */
function bindParameters(
  text: string,
  parameters: readonly StatementParameterListItem[],
): { text: string; unbound: string | undefined } {
  const byName = new Map<string, StatementParameterListItem>();
  for (const parameter of parameters) {
    if (!parameter.name) throw invalidParameter("Every parameter needs a name.");
    byName.set(parameter.name, parameter);
  }
  let unbound: string | undefined;
  // Quoted strings and comments are matched first and kept, so a ':x' inside them is no marker.
  const bound = text.replace(
    /'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"|`[^`]*`|--[^\n]*|\/\*[\s\S]*?\*\/|::|:([A-Za-z_]\w*)/g,
    (token, name: string | undefined) => {
      if (name === undefined) return token;
      const parameter = byName.get(name);
      if (!parameter) {
        unbound ??= name;
        return token;
      }
      return literal(parameter);
    },
  );
  return { text: bound, unbound };
}

function literal({ type = "STRING", value }: StatementParameterListItem): string {
  if (value === undefined || value === null) return "NULL";
  // A number or boolean goes in as is; anything else stays a string literal, so a value never becomes SQL.
  if (UNQUOTED_TYPES.test(type) && /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false)$/i.test(value)) return value;
  return `'${value.replaceAll("'", "''")}'`;
}
