import { readFileSync } from 'node:fs';
import { readModelEntry } from '@titanic/features';
import { alertRules, RUNBOOK_BASE } from '@titanic/platform/charts/prometheus/alert-rules.ts';
import { loadEnvironments, REPO_ROOT } from '@titanic/platform/environments/load.ts';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import { synthEnvironments } from '@titanic/platform/synth/render.ts';
import { beforeAll, describe, expect, it } from 'vitest';

const RUNBOOKS = readFileSync(new URL('../../docs/runbooks.md', import.meta.url), 'utf8');
const ROLLBACK_ALERTS = ['InferenceHighErrorRatio', 'ModelFeatureDrift', 'ModelPredictionShift'];
let envs: Environment[];

beforeAll(async () => {
  envs = await loadEnvironments();
});

const rulesOf = (env: Environment, rate = 0.4) =>
  alertRules(env, { trainingPositiveRate: rate }).groups.flatMap((g) => g.rules);

describe('alertRules', () => {
  it('labels every alert with severity, env and rollback, and annotates summary, description and runbook', () => {
    for (const env of envs) {
      for (const rule of rulesOf(env)) {
        expect(rule.labels).toEqual({
          severity: expect.stringMatching(/^(critical|warning)$/),
          env: env.name,
          rollback: ROLLBACK_ALERTS.includes(rule.alert) ? 'true' : 'false',
        });
        expect(rule.annotations.summary).toMatch(/\S/);
        expect(rule.annotations.description).toMatch(/\S/);
        expect(rule.annotations.runbook_url).toBe(`${RUNBOOK_BASE}#${rule.alert.toLowerCase()}`);
        expect(rule.for).toMatch(/^(\d+[smhdw])+$/);
      }
    }
  });

  it('has a runbook section for every alert and no section for an alert that does not exist', () => {
    const alerts = rulesOf(envs[0]!).map((r) => r.alert);
    const sections = [...RUNBOOKS.matchAll(/^## (\S+)$/gm)]
      .map((m) => m[1]!)
      .filter((s) => /^[A-Z][A-Za-z0-9]+$/.test(s));
    expect(sections.sort()).toEqual([...alerts].sort());
  });

  it('keeps model_version in the output of the alerts about what the pods serve', () => {
    for (const rule of rulesOf(envs[0]!)) {
      const versioned =
        rule.alert.startsWith('Model') ||
        rule.alert === 'InferenceHighErrorRatio' ||
        rule.alert === 'InferenceHighLatencyP99';
      expect(rule.expr.includes('group_left (model_version)'), rule.alert).toBe(versioned);
    }
  });

  it('takes every threshold from the environment file', () => {
    const env = structuredClone(envs[0]!);
    env.monitoring.alerts = {
      p99LatencySeconds: 0.321,
      errorRatio: 0.0456,
      psi: { threshold: 0.789, for: '47m' },
      predictionShift: 0.0123,
      logBacklog: 4321,
      logDropsPerSecond: 0.654,
    };
    const byName = Object.fromEntries(rulesOf(env).map((r) => [r.alert, r]));
    expect(byName.InferenceHighLatencyP99!.expr).toMatch(/> 0\.321$/);
    expect(byName.InferenceHighErrorRatio!.expr).toMatch(/> 0\.0456$/);
    expect(byName.ModelFeatureDrift!.expr).toMatch(/> 0\.789$/);
    expect(byName.ModelFeatureDrift!.for).toBe('47m');
    expect(byName.ModelPredictionShift!.expr).toMatch(/- 0\.4\) > 0\.0123$/);
    expect(byName.PredictionLogBacklog!.expr).toMatch(/> 4321$/);
    expect(byName.PredictionLogDropping!.expr).toMatch(/> 0\.654$/);
  });

  it('renders the prediction-shift baseline of the pinned registry entry', async () => {
    for (const env of envs) {
      const entry = await readModelEntry(REPO_ROOT, env.model.name, env.model.version);
      if (!entry.ok) throw new Error(entry.reason);
      const files = await synthEnvironments({ envs: [env.name] });
      expect(files[`dist/${env.name}/prometheus.yaml`]).toContain(
        `- ${entry.meta.trainingPositiveRate}) > ${env.monitoring.alerts.predictionShift}`,
      );
    }
  });

  it('applies test overrides of for and the evaluation interval, and is deterministic', () => {
    const env = envs[0]!;
    const fast = alertRules(env, { trainingPositiveRate: 0.4, forOverride: '3s', evaluationInterval: '1s' });
    for (const group of fast.groups) {
      expect(group.interval).toBe('1s');
      for (const rule of group.rules) expect(rule.for).toBe('3s');
    }
    expect(JSON.stringify(alertRules(env, { trainingPositiveRate: 0.4 }))).toBe(
      JSON.stringify(alertRules(env, { trainingPositiveRate: 0.4 })),
    );
  });
});
