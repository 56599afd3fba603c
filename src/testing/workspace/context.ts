/**
 * What every area of the emulated workspace shares: the clock and timing that move long-running
 * resources, the typed handler factory, and who the caller is (for `creator_user_name` fields).
 */
import type { Clock } from "../clock.js";
import type { DatabricksHttp } from "../http.js";
import { createProgress, type Progress, type Timing } from "./progress.js";
import type { WorkspaceSeed } from "./seed.js";

/** Shared services handed to each workspace area. */
export interface WorkspaceContext {
  readonly clock: Clock;
  readonly timing: Timing;
  readonly http: DatabricksHttp;
  /** The caller's user name (SCIM `Me.userName`). */
  me(): string;
  /** A fresh step tracker for one long-running resource. */
  progress(): Progress;
}

/** One area of the workspace (clusters, jobs, …): its handlers, controls and seed loading. */
export interface WorkspaceArea<Controls> {
  /** Test-facing controls: inspect and change the area's state. */
  readonly controls: Controls;
  /** The area's request handlers (gateway checks run before them). */
  readonly handlers: ReturnType<DatabricksHttp["get"]>[];
  /** Empties the area and loads `seed` into it. */
  load(seed: Required<WorkspaceSeed>): void;
}

/** Builds the shared context. */
export function createContext(
  clock: Clock,
  timing: Timing,
  http: DatabricksHttp,
  me: () => string,
): WorkspaceContext {
  return { clock, timing, http, me, progress: () => createProgress(clock, timing) };
}
