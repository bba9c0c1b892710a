import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/db/migrate.ts';
import { createSchema, type TestSchema } from '../support.ts';

let db: TestSchema;
beforeAll(async () => {
  db = await createSchema();
});
afterAll(async () => {
  await db?.drop();
});

describe('migrate', () => {
  it('applies each migration once when several replicas start together', async () => {
    const pools = Array.from({ length: 3 }, () => new pg.Pool({ connectionString: db.url, max: 1 }));
    try {
      const applied = await Promise.all(pools.map((p) => migrate(p)));
      const versions = readMigrations().map((m) => m.version);
      expect(applied.flat().sort()).toEqual(versions);
      expect(applied.filter((a) => a.length > 0)).toHaveLength(1);
      expect(await migrate(pools[0]!)).toEqual([]);
      const { rows } = await db.pool.query(
        'SELECT version FROM inference_schema_migrations ORDER BY version',
      );
      expect(rows.map((r) => r.version)).toEqual(versions);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('refuses an applied migration whose file changed, and leaves nothing half-done', async () => {
    const changed = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await expect(migrate(db.pool, changed)).rejects.toThrow(
      /was changed after it was applied; add a new migration/,
    );
    const broken = [
      ...readMigrations(),
      { version: 999, name: 'broken', sql: 'CREATE TABLE x (', checksum: 'x' },
    ];
    await expect(migrate(db.pool, broken)).rejects.toThrow();
    const { rows } = await db.pool.query('SELECT max(version) AS v FROM inference_schema_migrations');
    expect(rows[0].v).toBe(Math.max(...readMigrations().map((m) => m.version)));
  });

  it('keeps the rows logged before input became json, readable through the view as jsonb', async () => {
    const schema = await createSchema();
    try {
      const upTo2 = readMigrations().filter((m) => m.version <= 2);
      await migrate(schema.pool, upTo2);
      await schema.pool.query(
        `INSERT INTO prediction_log (request_id, logged_at, environment, model_version, image_version, api, passengers, input, probabilities, labels, latency_ms)
         VALUES ('old', now(), 'test', 'v', 'i', 'v1', 2, '[{"pclass": 1}, {"pclass": 3}]', '{0.9,0.1}', '{t,f}', 1)`,
      );
      expect(await migrate(schema.pool)).toEqual(
        readMigrations()
          .filter((m) => m.version > 2)
          .map((m) => m.version),
      );
      const { rows: column } = await schema.pool.query(
        `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute
         WHERE attrelid = 'prediction_log'::regclass AND attname = 'input'`,
      );
      expect(column[0].type).toBe('json');
      const { rows } = await schema.pool.query(
        `SELECT position, input, pg_typeof(input)::text AS type, probability FROM prediction_log_passenger
         WHERE request_id = 'old' ORDER BY position`,
      );
      expect(rows).toEqual([
        { position: 0, input: { pclass: 1 }, type: 'jsonb', probability: expect.closeTo(0.9, 5) },
        { position: 1, input: { pclass: 3 }, type: 'jsonb', probability: expect.closeTo(0.1, 5) },
      ]);
    } finally {
      await schema.drop();
    }
  });
});
