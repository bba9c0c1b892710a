import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { WatchedProcess } from './watched-process.ts';

const node = (label: string, code: string, options: { stallMs?: number; cpuBudgetS?: number } = {}) =>
  new WatchedProcess(spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'pipe'] }), {
    label,
    ...options,
  });

describe('waits that end on progress', () => {
  it('a process that does nothing fails the wait once the stall window passes, and is killed', async () => {
    const idle = node('idle', 'setInterval(() => {}, 1e9)', { stallMs: 3000 });
    await expect(idle.until(() => false, 'answering')).rejects.toThrow(
      /^idle made no progress for 3 s \(no CPU used, nothing answered for it\) before answering/,
    );
    expect((await idle.exited()).signal).toBe('SIGKILL');
  });

  it('a busy loop fails the wait past its CPU budget', async () => {
    const busy = node('busy', 'for (;;) {}', { cpuBudgetS: 1 });
    await expect(busy.until(() => false, 'answering')).rejects.toThrow(/^busy used over 1 s of CPU/);
    expect((await busy.exited()).signal).toBe('SIGKILL');
  });

  it('a process that exits first fails the wait at once, with its output', async () => {
    const early = node('early', 'console.error("no token"); process.exit(3)');
    await expect(early.until(() => false, 'pushing its branch')).rejects.toThrow(
      'early ended (exit 3) before pushing its branch:\nno token',
    );
  });

  it('a process that keeps working may take longer than the stall window', async () => {
    const slow = node(
      'slow',
      'const end = Date.now() + 5000; while (Date.now() < end) {} console.log("done")',
      {
        stallMs: 2500,
      },
    );
    expect(await slow.exited()).toEqual({ code: 0, signal: null, output: 'done\n' });
  });
});
