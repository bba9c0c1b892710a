import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LineBuffer } from '../../src/telemetry/line-buffer.ts';
import { waitFor } from '../support.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function target() {
  const dir = mkdtempSync(join(tmpdir(), 'line-buffer-'));
  dirs.push(dir);
  const path = join(dir, 'out.log');
  return { path, fd: openSync(path, 'w') };
}

describe('LineBuffer', () => {
  it('keeps lines until the threshold, then writes them in order', async () => {
    const { path, fd } = target();
    const buffer = new LineBuffer({ fd, minLength: 20, maxPending: 1000 });
    buffer.write('{"a":1}\n');
    expect(readFileSync(path, 'utf8')).toBe('');
    buffer.write('{"b":"é"}\n');
    buffer.write('{"c":3}\n');
    await waitFor(() => readFileSync(path, 'utf8') === '{"a":1}\n{"b":"é"}\n{"c":3}\n');
    buffer.write('{"d":4}\n');
    buffer.flushSync();
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(4);
    closeSync(fd);
  });

  it('drops and counts lines past the pending bound instead of growing', () => {
    const { path, fd } = target();
    const buffer = new LineBuffer({ fd, minLength: 1_000_000, maxPending: 10 });
    expect(buffer.write('0123456789x\n')).toBe(true);
    expect(buffer.write('lost\n')).toBe(false);
    expect(buffer.dropped).toBe(1);
    buffer.flushSync();
    expect(readFileSync(path, 'utf8')).toBe('0123456789x\n');
    closeSync(fd);
  });
});
