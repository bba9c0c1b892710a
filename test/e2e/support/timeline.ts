/** One step of a long scenario: name, duration and outcome, printed as a table at the end. */
export interface StepRecord {
  readonly name: string;
  readonly ms: number;
  readonly ok: boolean;
}

/**
 * Runs scenario steps in order. A failing step is reported as `step 5/9 "…" failed after 3.2 s:`
 * followed by the cause, so a red run says which part of the system broke and why.
 */
export class Timeline {
  readonly steps: StepRecord[] = [];
  private readonly started = performance.now();

  constructor(private readonly total: number) {}

  /**
   * Runs one step. `note` adds a figure the step measured (say, the GitHub requests a promotion
   * sent) to its line, in parentheses after the name.
   */
  async step<T>(name: string, run: (note: (text: string) => void) => Promise<T>): Promise<T> {
    const index = this.steps.length + 1;
    const t0 = performance.now();
    const notes: string[] = [];
    const named = () => (notes.length > 0 ? `${name} (${notes.join('; ')})` : name);
    try {
      const value = await run((text) => notes.push(text));
      this.steps.push({ name: named(), ms: performance.now() - t0, ok: true });
      return value;
    } catch (err) {
      const ms = performance.now() - t0;
      this.steps.push({ name: named(), ms, ok: false });
      const cause = err instanceof Error ? err.message : String(err);
      throw new Error(
        `step ${index}/${this.total} "${name}" failed after ${(ms / 1000).toFixed(1)} s: ${cause}`,
        { cause: err },
      );
    }
  }

  /** A fixed-width table: step, seconds, cumulative seconds. */
  format(title: string): string {
    const width = Math.max(...this.steps.map((s) => s.name.length), 10);
    let at = 0;
    const rows = this.steps.map((s, i) => {
      at += s.ms;
      const mark = s.ok ? ' ' : '✗';
      return `${mark} ${String(i + 1).padStart(2)}. ${s.name.padEnd(width)} ${(s.ms / 1000).toFixed(1).padStart(6)} s ${(at / 1000).toFixed(1).padStart(7)} s`;
    });
    const wall = ((performance.now() - this.started) / 1000).toFixed(1);
    return [
      `${title} (wall ${wall} s)`,
      `    ${'step'.padEnd(width + 2)} ${'took'.padStart(8)} ${'at'.padStart(9)}`,
      ...rows,
    ].join('\n');
  }
}
