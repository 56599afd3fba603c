/**
 * The end of one attempt: its timer or the caller's signal cuts it off. The layers below the attempt
 * (auth, node-send.ts, fetch) learn of it through `onAbort` or, when they need a real AbortSignal
 * (fetch, a credential's getToken), through `signal`, built on first use: on Node 20 an AbortSignal
 * and its listener cost more than the rest of the attempt's bookkeeping (bench/results.md).
 */

type Listener = (reason: unknown) => void;

export class Cutoff {
  #aborted = false;
  #reason: unknown;
  #controller: AbortController | undefined;
  #listeners: Listener[] = [];

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  /** An AbortSignal that follows this cutoff (already aborted if it is). */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  throwIfAborted(): void {
    if (this.#aborted) throw this.#reason;
  }

  /** Cuts the attempt off; only the first call counts. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener(reason);
  }

  /** Calls `listener` once when cut off (at once if already cut off). Returns what removes it. */
  onAbort(listener: Listener): () => void {
    if (this.#aborted) {
      listener(this.#reason);
      return () => {};
    }
    this.#listeners.push(listener);
    return () => {
      const index = this.#listeners.indexOf(listener);
      if (index >= 0) this.#listeners.splice(index, 1);
    };
  }
}
