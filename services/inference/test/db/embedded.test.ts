import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { readMigrations } from '../../src/db/migrate.ts';
import { startInference } from '../../src/start.ts';
import { PASSENGER, postJson, sample, testEnv, waitFor } from '../support.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'inference-pglite-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function serveAndPredict(requests: number, tag: string): Promise<void> {
  const server = await startInference(testEnv({ DATABASE_URL: undefined, DATA_DIR: dataDir }));
  try {
    await server.databaseReady;
    for (let i = 0; i < requests; i++) {
      const r = await postJson(`${server.url}/v1/predict`, PASSENGER, { 'x-request-id': `${tag}-${i}` });
      expect(r.status).toBe(200);
    }
    await waitFor(async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return sample(text, 'titanic_prediction_log_written_total') === requests;
    });
  } finally {
    await server.stop();
  }
}

describe('embedded database (no DATABASE_URL)', () => {
  it('logs predictions through pg into PGlite under DATA_DIR and keeps them across restarts', async () => {
    await serveAndPredict(3, 'first');
    await serveAndPredict(2, 'second');
    const db = await PGlite.create(dataDir);
    try {
      const { rows } = await db.query<{ request_id: string; passengers: number }>(
        'SELECT request_id, passengers FROM prediction_log ORDER BY id',
      );
      expect(rows.map((r) => r.request_id)).toEqual([
        'first-0',
        'first-1',
        'first-2',
        'second-0',
        'second-1',
      ]);
      const migrations = await db.query<{ version: number }>(
        'SELECT version FROM inference_schema_migrations ORDER BY version',
      );
      // Each applied once, across the restart.
      expect(migrations.rows).toEqual(readMigrations().map(({ version }) => ({ version })));
    } finally {
      await db.close();
    }
  });
});
