import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateData, sha256Hex, TITANIC_SHA256 } from '../../src/data/locate.ts';
import { TRAINING_CSV } from '../support/training-data.ts';

const REAL = readFileSync(TRAINING_CSV);
const dir = mkdtempSync(join(tmpdir(), 'trainer-locate-'));
// A repository root whose ../shared/data does not exist, so only the download is left.
const lonelyRoot = join(dir, 'repo');
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/titanic.csv') res.end(REAL);
    else if (req.url === '/tampered.csv') res.end(Buffer.concat([REAL, Buffer.from('\n')]));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('locateData', () => {
  it('the shared training file is the known one', () => {
    expect(sha256Hex(REAL)).toBe(TITANIC_SHA256);
  });

  it('prefers TITANIC_CSV', async () => {
    const path = join(dir, 'mine.csv');
    writeFileSync(path, 'a,b\n1,2\n');
    const src = await locateData({ csvPath: path, repoRoot: lonelyRoot, url: `${base}/titanic.csv` });
    expect(src.origin).toBe(path);
    expect(src.text).toBe('a,b\n1,2\n');
  });

  it('names a TITANIC_CSV that does not exist', async () => {
    await expect(locateData({ csvPath: join(dir, 'nope.csv'), repoRoot: lonelyRoot })).rejects.toThrow(
      /TITANIC_CSV points to .*nope\.csv/,
    );
  });

  it('downloads and verifies the sha256 when no local file exists', async () => {
    const src = await locateData({ repoRoot: lonelyRoot, url: `${base}/titanic.csv` });
    expect(src.sha256).toBe(TITANIC_SHA256);
    expect(src.origin).toBe(`${base}/titanic.csv`);
  });

  it('refuses a download whose sha256 differs', async () => {
    await expect(locateData({ repoRoot: lonelyRoot, url: `${base}/tampered.csv` })).rejects.toThrow(
      /refusing .*tampered\.csv: its sha256 is [0-9a-f]{64}, expected 4a437fde/,
    );
  });

  it('reports HTTP errors and a missing source clearly', async () => {
    await expect(locateData({ repoRoot: lonelyRoot, url: `${base}/missing.csv` })).rejects.toThrow(
      /HTTP 404/,
    );
    await expect(locateData({ repoRoot: lonelyRoot })).rejects.toThrow(
      /set TITANIC_CSV, place the file at .*or pass --data-url/,
    );
  });
});
