import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareVersions, FEATURE_NAMES, modelMetadataSchema, PASSENGER_FIELDS } from '@titanic/features';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/data/locate.ts';
import { modelCard } from '../../src/registry/model-card.ts';
import { nextVersion } from '../../src/registry/version.ts';
import { type RunResult, runTraining } from '../../src/run.ts';

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'trainer-registry-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const read = (dir: string, file: string) => readFileSync(join(dir, file));
const withoutCreated = (dir: string) => {
  const json = JSON.parse(read(dir, 'model.json').toString('utf8')) as Record<string, unknown>;
  delete json.created;
  return JSON.stringify(json);
};

describe('registry versions', () => {
  it('numbers versions within a day and sorts them by day then counter', () => {
    const dir = join(tmp, 'versions', 'titanic');
    for (const v of ['2026.01.02-1', '2026.01.02-9', '2026.01.02-10', '2026.01.01-40', 'notes'])
      mkdirSync(join(dir, v), { recursive: true });
    expect(nextVersion(dir, new Date('2026-01-02T23:59:00Z'))).toBe('2026.01.02-11');
    expect(nextVersion(dir, new Date('2026-01-03T00:00:00Z'))).toBe('2026.01.03-1');
    expect(nextVersion(join(tmp, 'nowhere'), new Date('2026-01-03T00:00:00Z'))).toBe('2026.01.03-1');
    expect(['2026.01.02-10', '2026.01.02-2', '2025.12.31-3'].sort(compareVersions)).toEqual([
      '2025.12.31-3',
      '2026.01.02-2',
      '2026.01.02-10',
    ]);
  });
});

describe('runTraining', () => {
  const runs: RunResult[] = [];
  const opts = { seed: 9, quick: true, repoRoot: REPO_ROOT, version: '2026.01.02-1' };

  beforeAll(async () => {
    runs.push(
      await runTraining({ ...opts, out: join(tmp, 'a'), now: () => new Date('2026-01-02T10:00:00Z') }),
    );
    runs.push(
      await runTraining({ ...opts, out: join(tmp, 'b'), now: () => new Date('2026-01-05T18:30:00Z') }),
    );
  });

  it('is byte-identical for the same seed and data, apart from the creation time', () => {
    const [a, b] = runs.map((r) => r.dir) as [string, string];
    expect(read(a, 'model.onnx').equals(read(b, 'model.onnx'))).toBe(true);
    expect(withoutCreated(a)).toBe(withoutCreated(b));
    expect(read(a, 'roc.svg').equals(read(b, 'roc.svg'))).toBe(true);
    expect(read(a, 'model.json').equals(read(b, 'model.json'))).toBe(false);
  });

  it('writes a model.json that satisfies the shared contract and describes the files', () => {
    const dir = runs[0]!.dir;
    const meta = modelMetadataSchema.parse(JSON.parse(read(dir, 'model.json').toString('utf8')));
    expect(meta.version).toBe('2026.01.02-1');
    expect(meta.created).toBe('2026-01-02T10:00:00.000Z');
    expect(meta.files.onnx.sha256).toBe(sha256Hex(read(dir, 'model.onnx')));
    expect(meta.dataset.sha256).toBe('4a437fde05fe5264e1701a7387ac6fb75393772ba38bb2c9c566405af5af4bd7');
    expect(meta.dataset.rows).toBe(891);
    expect(meta.features).toEqual([...FEATURE_NAMES]);
    expect(meta.trainingHistograms.map((h) => h.feature)).toEqual([...FEATURE_NAMES]);
    expect(meta.metrics.calibration).toHaveLength(10);
    expect(meta.metrics.cv.folds).toBe(10);
    expect(meta.trainingPositiveRate).toBeCloseTo(342 / 891, 5);
    expect((meta.dataset as { quality?: { rows: number } }).quality?.rows).toBe(891);
  });

  it('writes a model card with the required sections and three SVG charts', () => {
    const dir = runs[0]!.dir;
    expect(readdirSync(dir).sort()).toEqual([
      'MODEL_CARD.md',
      'calibration.svg',
      'importance.svg',
      'model.json',
      'model.onnx',
      'roc.svg',
    ]);
    const card = read(dir, 'MODEL_CARD.md').toString('utf8');
    for (const section of [
      '## Intended use',
      '## Data',
      '## Features',
      '## Metrics',
      '## Calibration',
      '## Limits',
      '## Fairness: figures by sex and by class',
      '## Permutation importance',
      '## With and without a known travel group',
    ]) {
      expect(card).toContain(section);
    }
    expect(card).toContain('![ROC curve](roc.svg)');
    expect(card).toContain('![Permutation importance](importance.svg)');
    for (const svg of ['roc.svg', 'calibration.svg', 'importance.svg'])
      expect(read(dir, svg).toString('utf8')).toMatch(/^<svg [^>]*>[\s\S]*<\/svg>\n$/);
  });

  it('writes a card that is a function of model.json alone, carrying its evaluation figures', () => {
    const dir = runs[0]!.dir;
    const meta = modelMetadataSchema.parse(JSON.parse(read(dir, 'model.json').toString('utf8')));
    const card = read(dir, 'MODEL_CARD.md').toString('utf8');
    expect(modelCard(meta)).toBe(card);
    const m = meta.metrics;
    expect(m.fairness?.map((s) => s.slice)).toEqual([
      'all',
      'sex=female',
      'sex=male',
      'pclass=1',
      'pclass=2',
      'pclass=3',
    ]);
    for (const s of [...(m.fairness ?? []), ...(m.travelGroups ?? [])])
      expect(card).toContain(
        `| ${s.slice} | ${Number.isInteger(s.passengers) ? s.passengers : s.passengers.toFixed(1)} | ${s.accuracy.toFixed(3)} |`,
      );
    expect(m.importance?.map((f) => f.field).sort()).toEqual([...PASSENGER_FIELDS].sort());
    expect(m.noGroupBaseline?.withGroups.rocAuc.mean).toBeGreaterThan(
      m.noGroupBaseline!.withoutGroups.rocAuc.mean,
    );
    // One CV repeat in the quick plan: the calibration rows add up to the passengers, not to the pooled predictions.
    expect(m.calibration.reduce((a, b) => a + (b.passengersPerRepeat ?? Number.NaN), 0)).toBeCloseTo(891, 6);
    expect(m.cv.pooledRocAuc).toBeGreaterThan(0.85);
  });

  it('never overwrites an existing version', async () => {
    await expect(
      runTraining({ ...opts, out: join(tmp, 'a'), now: () => new Date('2026-01-02T10:00:00Z') }),
    ).rejects.toThrow(/model version 2026.01.02-1 already exists/);
    await expect(runTraining({ ...opts, version: 'latest', out: join(tmp, 'c') })).rejects.toThrow(
      /--version "latest" is not a model version/,
    );
  });
});
