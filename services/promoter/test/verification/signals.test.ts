import { afterEach, describe, expect, it, vi } from 'vitest';
import { lastFiring } from '../../src/verification/signals.ts';
import { type LocalPrometheus, startPrometheus } from '../support/prometheus.ts';

let drill: LocalPrometheus | undefined;
afterEach(async () => {
  await drill?.stop();
  drill = undefined;
});

describe('lastFiring', () => {
  it('sees an alert from its first evaluation, before any subquery step has sampled it', async () => {
    drill = await startPrometheus([
      { alert: 'DrillAlert', expr: 'vector(1)', labels: { env: 'dev' } },
      { alert: 'OtherEnv', expr: 'vector(1)', labels: { env: 'prod' } },
    ]);
    const client = drill.client;
    await vi.waitFor(
      async () => {
        if ((await client.query('ALERTS{alertstate="firing",env="dev"}')).length === 0)
          throw new Error('DrillAlert is not firing yet');
      },
      { timeout: 15_000, interval: 50 },
    );
    const fired = await lastFiring(client, 'dev', 60);
    expect(fired?.alerts).toEqual(['DrillAlert']);
    expect(Math.abs(fired!.at.getTime() - Date.now())).toBeLessThan(5_000);
  });

  it('finds nothing when no alert of the environment fired in the range', async () => {
    drill = await startPrometheus([{ alert: 'OtherEnv', expr: 'vector(1)', labels: { env: 'prod' } }]);
    const client = drill.client;
    await vi.waitFor(
      async () => {
        if ((await client.query('ALERTS{alertstate="firing"}')).length === 0)
          throw new Error('not firing yet');
      },
      { timeout: 15_000, interval: 50 },
    );
    expect(await lastFiring(client, 'dev', 60)).toBeUndefined();
    expect(await lastFiring(client, 'prod', 0)).toBeUndefined();
  });
});
