/**
 * DBFS (API 2.0 `dbfs/*`): files and directories, `put` for small files and the streaming
 * create → add-block → close sequence for large ones, `read` by offset and length. Limits and answers
 * follow the service: at most 1 MB per `read` or `add-block` (MAX_READ_SIZE_EXCEEDED /
 * MAX_BLOCK_SIZE_EXCEEDED), RESOURCE_ALREADY_EXISTS without `overwrite`, and
 * "No file or directory exists on path …" for a missing path.
 */
import type { FileInfo } from "../../generated/schema.js";
import { WorkspaceError } from "../http.js";
import { fromBase64, parentOf, toBase64, toBytes } from "./bytes.js";
import type { WorkspaceArea, WorkspaceContext } from "./context.js";
import {
  alreadyExists,
  intParam,
  invalidParameter,
  notFound,
  requiredField,
  requiredParam,
} from "./errors.js";

/** Test controls for DBFS. */
export interface DbfsControls {
  /** The file's contents as text (UTF-8), or `undefined` for a missing path or a directory. */
  read(path: string): string | undefined;
  /** Writes a file (parents are created). */
  write(path: string, contents: string | Uint8Array): void;
  /** Every path in DBFS, sorted. */
  paths(): string[];
}

interface Node {
  isDir: boolean;
  data: Uint8Array;
  modified: number;
}

const MB = 1024 * 1024;

/** Creates the DBFS area. */
export function createDbfs(ctx: WorkspaceContext): WorkspaceArea<DbfsControls> {
  const nodes = new Map<string, Node>();
  const handles = new Map<number, { path: string; chunks: Uint8Array[] }>();
  let nextHandle = 1;

  function clean(path: string): string {
    const p = path.replace(/^dbfs:/, "");
    if (!p.startsWith("/")) throw invalidParameter(`Path must be absolute: ${path}`);
    return p.length > 1 ? p.replace(/\/+$/, "") : p;
  }

  function find(path: string): [string, Node] {
    const p = clean(path);
    const node = nodes.get(p);
    if (!node) throw notFound(`No file or directory exists on path ${p}.`);
    return [p, node];
  }

  function info(path: string, node: Node): FileInfo {
    return {
      path,
      is_dir: node.isDir,
      file_size: node.isDir ? 0 : node.data.length,
      modification_time: node.modified,
    };
  }

  function mkdirs(path: string): void {
    for (let p = path; p !== "/"; p = parentOf(p)) {
      const existing = nodes.get(p);
      if (existing && !existing.isDir)
        throw alreadyExists(`A file or directory already exists at the input path ${p}.`);
      if (!existing) nodes.set(p, { isDir: true, data: new Uint8Array(), modified: ctx.clock.now() });
    }
  }

  function write(path: string, data: Uint8Array, overwrite: boolean): void {
    const existing = nodes.get(path);
    if (existing && (existing.isDir || !overwrite)) {
      throw alreadyExists(`A file or directory already exists at the input path ${path}.`);
    }
    mkdirs(parentOf(path));
    nodes.set(path, { isDir: false, data, modified: ctx.clock.now() });
  }

  const { http } = ctx;
  const handlers = [
    http.get("/api/2.0/dbfs/list", ({ query }) => {
      const [path, node] = find(requiredParam(query, "path"));
      if (!node.isDir) return { files: [info(path, node)] };
      const files = [...nodes]
        .filter(([p]) => p !== "/" && parentOf(p) === path)
        .map(([p, n]) => info(p, n))
        .sort((a, b) => (a.path ?? "").localeCompare(b.path ?? ""));
      return { files };
    }),
    http.get("/api/2.0/dbfs/get-status", ({ query }) => info(...find(requiredParam(query, "path")))),
    http.get("/api/2.0/dbfs/read", ({ query }) => {
      const [path, node] = find(requiredParam(query, "path"));
      if (node.isDir) throw invalidParameter(`Cannot read a directory: ${path}`);
      const offset = intParam(query, "offset") ?? 0;
      const length = intParam(query, "length") ?? 0.5 * MB;
      if (length > MB) {
        throw new WorkspaceError(
          400,
          "MAX_READ_SIZE_EXCEEDED",
          `Cannot read more than ${MB} bytes at a time.`,
        );
      }
      if (offset < 0 || length < 0) throw invalidParameter("offset and length must be non-negative");
      const data = node.data.slice(offset, offset + length);
      return { bytes_read: data.length, data: toBase64(data) };
    }),
    http.post("/api/2.0/dbfs/mkdirs", ({ body }) => {
      mkdirs(clean(requiredField(body.path, "path")));
      return {};
    }),
    http.post("/api/2.0/dbfs/delete", ({ body }) => {
      const p = clean(requiredField(body.path, "path"));
      if (!nodes.has(p)) return {};
      const inside = [...nodes.keys()].filter((k) => k.startsWith(`${p === "/" ? "" : p}/`));
      if (inside.length > 0 && !body.recursive) {
        throw new WorkspaceError(
          400,
          "IO_ERROR",
          `Directory ${p} is not empty; pass recursive=true to delete it.`,
        );
      }
      for (const k of [p, ...inside]) if (k !== "/") nodes.delete(k);
      return {};
    }),
    http.post("/api/2.0/dbfs/put", ({ body }) => {
      const data = fromBase64(body.contents ?? "");
      if (data.length > MB) {
        throw new WorkspaceError(
          400,
          "MAX_BLOCK_SIZE_EXCEEDED",
          "Inline put is limited to 1 MB; use create/add-block/close.",
        );
      }
      write(clean(requiredField(body.path, "path")), data, body.overwrite === true);
      return {};
    }),
    http.post("/api/2.0/dbfs/create", ({ body }) => {
      const path = clean(requiredField(body.path, "path"));
      if (nodes.has(path) && !body.overwrite) {
        throw alreadyExists(`A file or directory already exists at the input path ${path}.`);
      }
      const handle = nextHandle++;
      handles.set(handle, { path, chunks: [] });
      return { handle };
    }),
    http.post("/api/2.0/dbfs/add-block", ({ body }) => {
      const open = handles.get(body.handle);
      if (!open) throw invalidParameter(`Invalid handle: ${body.handle}`);
      const data = fromBase64(requiredField(body.data, "data"));
      if (data.length > MB)
        throw new WorkspaceError(400, "MAX_BLOCK_SIZE_EXCEEDED", "A block is limited to 1 MB.");
      open.chunks.push(data);
      return {};
    }),
    http.post("/api/2.0/dbfs/close", ({ body }) => {
      const open = handles.get(body.handle);
      if (!open) throw invalidParameter(`Invalid handle: ${body.handle}`);
      handles.delete(body.handle);
      const size = open.chunks.reduce((n, c) => n + c.length, 0);
      const data = new Uint8Array(size);
      let at = 0;
      for (const c of open.chunks) {
        data.set(c, at);
        at += c.length;
      }
      write(open.path, data, true);
      return {};
    }),
  ];

  return {
    handlers,
    load(seed) {
      nodes.clear();
      handles.clear();
      nextHandle = 1;
      nodes.set("/", { isDir: true, data: new Uint8Array(), modified: ctx.clock.now() });
      for (const entry of seed.dbfs) {
        if (entry.is_dir) mkdirs(entry.path);
        else write(entry.path, toBytes(entry.contents), true);
      }
    },
    controls: {
      read(path) {
        const node = nodes.get(path);
        return node && !node.isDir ? new TextDecoder().decode(node.data) : undefined;
      },
      write: (path, contents) => write(path, toBytes(contents), true),
      paths: () => [...nodes.keys()].sort(),
    },
  };
}
