import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Linux counts CPU time in /proc in clock ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;

/** User + system CPU time a process has used, in ticks; undefined once it is gone. */
function cpuTicks(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export interface WatchOptions {
  /** Names the process in failures. */
  readonly label: string;
  /** Work done for the process elsewhere (e.g. requests a server answered it); any change is progress. */
  readonly progress?: () => number;
  /**
   * Fail after this long with neither CPU used by the process nor `progress`. A loaded machine
   * slows a process down but still runs it many times a second; a process that did nothing for
   * this long is stuck (waiting on an answer that never comes), whatever the load.
   */
  readonly stallMs?: number;
  /** Fail once the process used this much CPU time (s): a busy loop also uses CPU. */
  readonly cpuBudgetS?: number;
}

/**
 * A child process whose waits end on progress, not on the wall clock: under load the same work
 * takes many times longer, so a wall-clock deadline measures the machine. A wait fails at once
 * when the process exits first, after `stallMs` without progress, or past its CPU budget; the
 * failure carries the process's output.
 */
export class WatchedProcess {
  private out = '';
  private stdoutText = '';
  private ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(
    readonly child: ChildProcess,
    private readonly options: WatchOptions,
  ) {
    const keep = (d: Buffer) => {
      this.out += d.toString();
    };
    child.stdout?.on('data', (d: Buffer) => {
      this.stdoutText += d.toString();
      keep(d);
    });
    child.stderr?.on('data', keep);
    child.once('close', (code, signal) => {
      this.ended = { code, signal };
    });
  }

  /** Standard output and error as they arrived. */
  get output(): string {
    return this.out;
  }

  /** Standard output alone (what a command prints as its result). */
  get stdout(): string {
    return this.stdoutText;
  }

  /** Resolves once `done` holds while the process runs. */
  async until(done: () => boolean, what: string): Promise<void> {
    const { label, progress, stallMs = 60_000, cpuBudgetS = 60 } = this.options;
    const pid = this.child.pid!;
    const seen = () => `${cpuTicks(pid) ?? 'gone'}/${progress?.() ?? ''}`;
    let last = seen();
    let since = Date.now();
    while (!done()) {
      if (this.ended)
        throw new Error(
          `${label} ended (${this.ended.signal ?? `exit ${this.ended.code}`}) before ${what}:\n${this.out}`,
        );
      // A process already sent SIGKILL is only waited for.
      if (this.child.killed) {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      const cpu = cpuTicks(pid);
      if (cpu !== undefined && cpu > cpuBudgetS * TICKS_PER_SECOND) {
        this.child.kill('SIGKILL');
        throw new Error(`${label} used over ${cpuBudgetS} s of CPU before ${what}:\n${this.out}`);
      }
      const now = seen();
      if (now !== last) {
        last = now;
        since = Date.now();
      } else if (Date.now() - since > stallMs) {
        this.child.kill('SIGKILL');
        throw new Error(
          `${label} made no progress for ${stallMs / 1000} s (no CPU used, nothing answered for it) before ${what}; CPU so far ${(cpu ?? 0) / TICKS_PER_SECOND} s:\n${this.out}`,
        );
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Kills the process unless it has ended (a failed test leaves nothing running). */
  stop(): void {
    if (!this.ended) this.child.kill('SIGKILL');
  }

  /** Waits for the process to end; its exit code, or the signal that ended it. */
  async exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
    await this.until(() => this.ended !== undefined, 'exiting');
    return { ...this.ended!, output: this.out };
  }
}
