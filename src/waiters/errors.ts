/**
 * Errors of the waiters (waiters.ts, statements.ts). A long-running operation can end in a failure
 * state (a cluster in ERROR, a statement FAILED) or simply not finish in time; both carry the last
 * state seen and its message, so the caller can report or decide without parsing text.
 */
import {
  DatabricksApimError,
  DatabricksTimeoutError,
  type ErrorInit,
  isDatabricksApimError,
} from "../errors.js";

/** The kinds of resource the waiters poll. */
export type WaitedResource = "cluster" | "run" | "warehouse" | "statement";

/** Fields shared by waiter errors. */
export interface WaiterErrorInit extends ErrorInit {
  resource: WaitedResource;
  resourceId: string;
  /** The last state seen (e.g. `ERROR`, `FAILED`), if any poll answered. */
  state: string | undefined;
  /** The server's explanation of that state, if it gave one. */
  stateMessage: string | undefined;
}

/** The waiter fields both error classes add to `toJSON()`. */
function waitFields(error: {
  resource: WaitedResource;
  resourceId: string;
  state: string | undefined;
  stateMessage: string | undefined;
}): Record<string, unknown> {
  const { resource, resourceId, state, stateMessage } = error;
  return { resource, resourceId, state, stateMessage };
}

/** A long-running operation reached a failure state (a cluster in ERROR, a FAILED statement …). */
export class OperationFailedError extends DatabricksApimError {
  override name = "OperationFailedError";
  /** What was being waited for. */
  readonly resource: WaitedResource;
  /** Its id (cluster id, run id, warehouse id, statement id). */
  readonly resourceId: string;
  /** The failure state that ended the wait. */
  readonly state: string | undefined;
  /** The server's message for that state. */
  readonly stateMessage: string | undefined;
  constructor(message: string, init: WaiterErrorInit) {
    super(message, init);
    this.resource = init.resource;
    this.resourceId = init.resourceId;
    this.state = init.state;
    this.stateMessage = init.stateMessage;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), ...waitFields(this) };
  }
}

/** A waiter's deadline passed before the operation reached its target state. */
export class WaitTimeoutError extends DatabricksTimeoutError {
  override name = "WaitTimeoutError";
  /** What was being waited for. */
  readonly resource: WaitedResource;
  /** Its id. */
  readonly resourceId: string;
  /** The last state seen before giving up. */
  readonly state: string | undefined;
  /** The server's message for that state. */
  readonly stateMessage: string | undefined;
  /** The waiter's timeout, in ms. */
  readonly timeout: number;
  constructor(message: string, init: WaiterErrorInit & { timeout: number }) {
    super(message, init);
    this.resource = init.resource;
    this.resourceId = init.resourceId;
    this.state = init.state;
    this.stateMessage = init.stateMessage;
    this.timeout = init.timeout;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), ...waitFields(this), timeout: this.timeout };
  }
}

/** True for `OperationFailedError`, across package copies. */
export function isOperationFailedError(value: unknown): value is OperationFailedError {
  return (
    value instanceof OperationFailedError ||
    (isDatabricksApimError(value) && value.name === "OperationFailedError")
  );
}

/** True for `WaitTimeoutError`, across package copies. */
export function isWaitTimeoutError(value: unknown): value is WaitTimeoutError {
  return (
    value instanceof WaitTimeoutError || (isDatabricksApimError(value) && value.name === "WaitTimeoutError")
  );
}
