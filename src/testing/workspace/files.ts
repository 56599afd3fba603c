/**
 * Workspace objects (API 2.0 `workspace/*`): folders, notebooks and files in a path tree, with the
 * workspace service's answers: a missing path is 404 RESOURCE_DOES_NOT_EXIST "Path (…) doesn't exist.",
 * importing over an object without `overwrite` is RESOURCE_ALREADY_EXISTS, deleting a non-empty folder
 * without `recursive` is DIRECTORY_NOT_EMPTY. Contents travel base64-encoded, as on the wire.
 */
import type { Language, ObjectInfo } from "../../generated/schema.js";
import { WorkspaceError } from "../http.js";
import { fromBase64, parentOf, toBase64 } from "./bytes.js";

/** Largest `content` of `workspace/import`: 10 MB. */
const MAX_IMPORT_CONTENT = 10 * 1024 * 1024;

import type { WorkspaceArea, WorkspaceContext } from "./context.js";
import {
  alreadyExists,
  controlError,
  invalidParameter,
  notFound,
  requiredField,
  requiredParam,
} from "./errors.js";

/** Test controls for workspace objects. */
export interface WorkspaceFileControls {
  /** The object's metadata and source text, or `undefined`. */
  get(path: string): { info: ObjectInfo; content: string | undefined } | undefined;
  /** Creates or replaces a notebook/file (parents are created), or a folder when `content` is omitted. */
  put(path: string, object?: { content?: string; language?: Language }): void;
  /** Every path in the tree, sorted. */
  paths(): string[];
}

interface Entry {
  info: ObjectInfo;
  content: Uint8Array | undefined;
}

const EXTENSIONS: Record<Language, string> = { PYTHON: "py", SQL: "sql", SCALA: "scala", R: "r" };

/** Creates the workspace-objects area. */
export function createWorkspaceFiles(ctx: WorkspaceContext): WorkspaceArea<WorkspaceFileControls> {
  const tree = new Map<string, Entry>();
  let nextObjectId = 1;

  function clean(path: string): string {
    if (!path.startsWith("/")) throw invalidParameter(`Path (${path}) is not absolute.`);
    return path.length > 1 ? path.replace(/\/+$/, "") : path;
  }

  function find(path: string): Entry {
    const entry = tree.get(clean(path));
    if (!entry) throw notFound(`Path (${path}) doesn't exist.`);
    return entry;
  }

  function put(
    path: string,
    type: "DIRECTORY" | "NOTEBOOK" | "FILE",
    content?: Uint8Array,
    language?: Language,
  ) {
    const info: ObjectInfo = {
      path,
      object_type: type,
      object_id: nextObjectId++,
      created_at: ctx.clock.now(),
      modified_at: ctx.clock.now(),
      ...(language ? { language } : {}),
      ...(content ? { size: content.length } : {}),
    };
    tree.set(path, { info, content });
  }

  function mkdirs(path: string): void {
    for (let p = path; p !== "/"; p = parentOf(p)) {
      const existing = tree.get(p);
      if (existing && existing.info.object_type !== "DIRECTORY") {
        throw alreadyExists(`Node named '${p.split("/").pop()}' already exists`);
      }
      if (!existing) put(p, "DIRECTORY");
    }
  }

  const children = (path: string) =>
    [...tree.values()].filter((e) => e.info.path !== "/" && parentOf(e.info.path ?? "/") === path);

  const { http } = ctx;
  const handlers = [
    http.get("/api/2.0/workspace/list", ({ query }) => {
      const entry = find(requiredParam(query, "path"));
      const after = Number(query.get("notebooks_modified_after") ?? 0);
      const items = entry.info.object_type === "DIRECTORY" ? children(entry.info.path ?? "/") : [entry];
      const objects = items
        .filter((e) => (e.info.modified_at ?? 0) >= after)
        .map((e) => structuredClone(e.info));
      return objects.length === 0 ? {} : { objects };
    }),
    http.get("/api/2.0/workspace/get-status", ({ query }) =>
      structuredClone(find(requiredParam(query, "path")).info),
    ),
    http.get("/api/2.0/workspace/export", ({ query }) => {
      const entry = find(requiredParam(query, "path"));
      if (entry.info.object_type === "DIRECTORY" && query.get("format") !== "DBC") {
        throw invalidParameter("Export of a folder is only supported in DBC format.");
      }
      const language = entry.info.language;
      return {
        content: toBase64(entry.content ?? new Uint8Array()),
        ...(language ? { file_type: EXTENSIONS[language] } : {}),
      };
    }),
    http.post("/api/2.0/workspace/import", ({ body }) => {
      const path = clean(requiredField(body.path, "path"));
      // "The base64-encoded content. This has a limit of 10 MB … MAX_NOTEBOOK_SIZE_EXCEEDED" (SDK models' Import).
      if ((body.content ?? "").length > MAX_IMPORT_CONTENT) {
        const size = (body.content ?? "").length;
        throw new WorkspaceError(
          400,
          "MAX_NOTEBOOK_SIZE_EXCEEDED",
          `The content (${size} bytes) exceeds the import limit of ${MAX_IMPORT_CONTENT} bytes (10 MB).`,
        );
      }
      const parent = tree.get(parentOf(path));
      if (parent?.info.object_type !== "DIRECTORY") {
        throw notFound(`The parent folder (${parentOf(path)}) does not exist.`);
      }
      if (tree.has(path) && !body.overwrite)
        throw alreadyExists(`Node named '${path.split("/").pop()}' already exists`);
      const notebook = body.language !== undefined && body.format !== "AUTO" && body.format !== "RAW";
      put(path, notebook ? "NOTEBOOK" : "FILE", fromBase64(body.content ?? ""), body.language);
      return {};
    }),
    http.post("/api/2.0/workspace/mkdirs", ({ body }) => {
      mkdirs(clean(requiredField(body.path, "path")));
      return {};
    }),
    http.post("/api/2.0/workspace/delete", ({ body }) => {
      const entry = find(requiredField(body.path, "path"));
      const path = entry.info.path ?? "/";
      const inside = [...tree.keys()].filter((p) => p.startsWith(`${path === "/" ? "" : path}/`));
      if (inside.length > 0 && !body.recursive) {
        throw new WorkspaceError(400, "DIRECTORY_NOT_EMPTY", `Folder (${path}) is not empty`);
      }
      for (const p of [path, ...inside]) if (p !== "/") tree.delete(p);
      return {};
    }),
  ];

  return {
    handlers,
    load(seed) {
      tree.clear();
      nextObjectId = 1;
      put("/", "DIRECTORY");
      for (const object of seed.workspaceObjects) {
        mkdirs(parentOf(object.path));
        const type = object.object_type ?? (object.content === undefined ? "DIRECTORY" : "FILE");
        if (type === "DIRECTORY") mkdirs(object.path);
        else put(object.path, type, new TextEncoder().encode(object.content ?? ""), object.language);
      }
    },
    controls: {
      get(path) {
        const entry = tree.get(path);
        if (!entry) return undefined;
        const content = entry.content ? new TextDecoder().decode(entry.content) : undefined;
        return { info: structuredClone(entry.info), content };
      },
      put(path, object = {}) {
        if (!path.startsWith("/")) throw controlError(`put ${path}`, "workspace paths are absolute.");
        mkdirs(parentOf(path));
        if (object.content === undefined) mkdirs(path);
        else
          put(
            path,
            object.language ? "NOTEBOOK" : "FILE",
            new TextEncoder().encode(object.content),
            object.language,
          );
      },
      paths: () => [...tree.keys()].sort(),
    },
  };
}
