/** Remembers in-flight background promises so shutdown can wait for them. */
export class TaskTracker {
  readonly #pending = new Set<Promise<unknown>>();

  track(task: Promise<unknown>): void {
    this.#pending.add(task);
    const forget = () => this.#pending.delete(task);
    task.then(forget, forget);
  }

  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }
}
