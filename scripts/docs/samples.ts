/**
 * A short typed-client example for each operation, generated from the spec: the call with every
 * required parameter and body field filled with a placeholder of the right type, through `paginate`
 * for paged lists and followed by the matching waiter for long-running operations. The docs test
 * type-checks every sample against src/, so a sample that no longer compiles fails the build.
 */
import type { OpenApiDocument, OpenApiOperation } from "../lib/spec.js";

type Schema = {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
};

/** The waiter that follows a long-running operation, chosen by the operation's path. */
export interface WaiterCall {
  name: "waitForCluster" | "waitForRun" | "waitForWarehouse";
  /** The id argument, as an expression over `id` (the identifier from the request). */
  idParam: string;
  /** Options for waiting on the operation's own target state, when it is not the waiter's default. */
  until?: string;
}

/** Waiter for a long-running path, or undefined (statements are run with `executeStatement`). */
export function waiterFor(path: string, target: readonly string[]): WaiterCall | undefined {
  if (path.startsWith("/api/2.1/clusters/"))
    return {
      name: "waitForCluster",
      idParam: "cluster_id",
      ...(target.includes("TERMINATED") ? { until: "TERMINATED" } : {}),
    };
  if (path.startsWith("/api/2.2/jobs/")) return { name: "waitForRun", idParam: "run_id" };
  if (path.startsWith("/api/2.0/sql/warehouses/"))
    return {
      name: "waitForWarehouse",
      idParam: "id",
      ...(target.includes("STOPPED") ? { until: "STOPPED" } : {}),
    };
  return undefined;
}

function resolve(doc: OpenApiDocument, schema: Schema | undefined): Schema {
  let current = schema ?? {};
  for (let depth = 0; current.$ref && depth < 20; depth++) {
    const name = current.$ref.replace("#/components/schemas/", "");
    current = (doc.components?.schemas?.[name] as Schema | undefined) ?? {};
  }
  if (current.allOf) {
    const parts = current.allOf.map((part) => resolve(doc, part));
    return {
      type: "object",
      properties: Object.assign({}, ...parts.map((part) => part.properties ?? {})),
      required: parts.flatMap((part) => part.required ?? []),
    };
  }
  const choice = current.oneOf?.[0] ?? current.anyOf?.[0];
  return choice ? resolve(doc, choice) : current;
}

/** A TypeScript literal of the schema's type, with only the required fields of objects. */
export function placeholder(doc: OpenApiDocument, raw: Schema | undefined, name: string, depth = 0): string {
  const schema = resolve(doc, raw);
  if (schema.enum && schema.enum.length > 0) return JSON.stringify(schema.enum[0]);
  switch (schema.type) {
    case "integer":
    case "number":
      return "123";
    case "boolean":
      return "true";
    case "array":
      return "[]";
    case "string":
      return JSON.stringify(`<${name}>`);
  }
  const required = schema.required ?? [];
  if (!schema.properties || required.length === 0 || depth > 4) return "{}";
  const fields = required.map(
    (field) => `${fieldName(field)}: ${placeholder(doc, schema.properties?.[field], field, depth + 1)}`,
  );
  return `{ ${fields.join(", ")} }`;
}

function fieldName(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

type Parameter = { name: string; in: string; required?: boolean; schema?: Schema };

/** The fields of the call's init (`params: …`, `body: …`), empty when the operation needs none. */
export function initFields(doc: OpenApiDocument, op: OpenApiOperation): string[] {
  const groups: Record<string, string[]> = {};
  for (const parameter of (op.parameters ?? []) as Parameter[]) {
    if (!parameter.required || (parameter.in !== "path" && parameter.in !== "query")) continue;
    const value = placeholder(doc, parameter.schema, parameter.name);
    groups[parameter.in] = [...(groups[parameter.in] ?? []), `${fieldName(parameter.name)}: ${value}`];
  }
  const fields: string[] = [];
  const params = Object.entries(groups).map(([where, list]) => `${where}: { ${list.join(", ")} }`);
  if (params.length > 0) fields.push(`params: { ${params.join(", ")} }`);
  const body = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content?.[
    "application/json"
  ]?.schema;
  if (body) fields.push(`body: ${placeholder(doc, body, "value")}`);
  return fields;
}

/** Samples sit in a narrow panel: calls longer than this are spread over lines. */
const WIDTH = 66;

/**
 * `head + fn(args…, { fields… }) + tail`, on one line when it fits, else with the init's fields one a
 * line, else with every argument on its own line.
 */
function formatCall(
  indent: string,
  head: string,
  fn: string,
  args: readonly string[],
  fields: readonly string[],
  tail: string,
): string[] {
  const init = fields.length > 0 ? [`{ ${fields.join(", ")} }`] : [];
  const flat = `${indent}${head}${fn}(${[...args, ...init].join(", ")})${tail}`;
  if (flat.length <= WIDTH) return [flat];
  const opening = `${indent}${head}${fn}(${args.join(", ")}, {`;
  if (fields.length > 0 && opening.length <= WIDTH)
    return [opening, ...fields.map((field) => `${indent}  ${field},`), `${indent}})${tail}`];
  const objectLines =
    fields.length > 0
      ? [`${indent}  {`, ...fields.map((field) => `${indent}    ${field},`), `${indent}  },`]
      : [];
  return [
    `${indent}${head}${fn}(`,
    ...args.map((arg) => `${indent}  ${arg},`),
    ...objectLines,
    `${indent})${tail}`,
  ];
}

/** `head + unwrap(client.METHOD(…)) + ;`, the request on lines of its own when it does not fit. */
function unwrapCall(head: string, method: string, path: string, fields: readonly string[]): string[] {
  const flat = formatCall("", `${head}unwrap(`, `client.${method}`, [`"${path}"`], fields, ");");
  if (flat.length === 1) return flat;
  return [`${head}unwrap(`, ...formatCall("  ", "", `client.${method}`, [`"${path}"`], fields, ","), ");"];
}

type LongRunning = { target: string[]; failure: string[]; statusField: string };
type Paging = { style: string; items: string };

/** The TypeScript sample for one operation (a complete module: imports, client, call). */
export function sampleFor(doc: OpenApiDocument, method: string, path: string, op: OpenApiOperation): string {
  const fields = initFields(doc, op);
  const paging = op["x-databricks-pagination"] as Paging | undefined;
  const longRunning = op["x-databricks-long-running"] as LongRunning | undefined;
  const main = new Set<string>(["createDatabricksClient"]);
  const waiters = new Set<string>();
  const body: string[] = [];

  if (paging && paging.style !== "single") {
    main.add("paginate");
    body.push(...formatCall("", "const items = ", "paginate", ["client", `"${path}"`], fields, ";"));
    body.push("for await (const item of items) console.log(item);");
  } else if (path === "/api/2.0/sql/statements" && method === "POST") {
    waiters.add("executeStatement");
    body.push(
      "const result = await executeStatement(client, {",
      '  warehouse_id: "<warehouse_id>",',
      '  statement: "SELECT 1 AS one",',
      "});",
      "for await (const row of result) console.log(row.one);",
    );
  } else {
    main.add("unwrap");
    const waiter = longRunning ? waiterFor(path, longRunning.target) : undefined;
    // A waiter polls the id the request named, or else the one the response returns.
    const id = waiter ? idExpression(fields, waiter.idParam) : undefined;
    const head = waiter ? (id ? "await " : "const started = await ") : "const data = await ";
    body.push(...unwrapCall(head, method, path, fields));
    if (waiter) {
      waiters.add(waiter.name);
      const args = ["client", id ?? `started.${waiter.idParam}!`];
      const options = waiter.until ? [`until: "${waiter.until}"`] : [];
      body.push(...formatCall("", "const done = await ", waiter.name, args, options, ";"));
      body.push("console.log(done.state);");
    } else {
      body.push(paging ? `console.log(data.${paging.items});` : "console.log(data);");
    }
  }
  const lines = [`import { ${[...main].sort().join(", ")} } from "databricks-apim";`];
  if (waiters.size > 0)
    lines.push(`import { ${[...waiters].sort().join(", ")} } from "databricks-apim/waiters";`);
  lines.push("", "// Reads the DATABRICKS_APIM_* environment variables.");
  lines.push("const client = createDatabricksClient();", ...body);
  return `${lines.join("\n")}\n`;
}

/** The placeholder the init gives `field` (request body or path), so the waiter polls the same id. */
function idExpression(fields: readonly string[], field: string): string | undefined {
  return new RegExp(`\\b${field}: ("[^"]*"|\\d+)`).exec(fields.join(" "))?.[1];
}
