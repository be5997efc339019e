/**
 * Runs `task` now and then `intervalMs` after each run settles (never two at
 * once, so a slow api is not piled onto), until the returned stop function is
 * called; stopping aborts a run in flight. Runs are skipped while the tab is
 * hidden: nobody is looking, and a thousand idle tabs should not poll the api.
 * Errors are the task's to handle; one that escapes only skips that round.
 */
export function poll(task: (signal: AbortSignal) => Promise<void>, intervalMs: number): () => void {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const run = async (): Promise<void> => {
    if (controller.signal.aborted) return;
    if (document.visibilityState !== 'hidden') {
      try {
        await task(controller.signal);
      } catch {
        // The task shows its own errors; the next round may well succeed.
      }
    }
    if (!controller.signal.aborted) timer = setTimeout(() => void run(), intervalMs);
  };
  void run();

  return () => {
    controller.abort();
    clearTimeout(timer);
  };
}
