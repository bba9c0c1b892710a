/**
 * Runs `task` now and then every `intervalMs`, never two at once (a slow run makes the next tick
 * a no-op); a failure is logged and the next tick tries again. Returns a function that stops it.
 */
export function every(
  intervalMs: number,
  task: () => Promise<unknown>,
  onError: (error: Error) => void,
): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await task();
    } catch (error) {
      onError(error as Error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
