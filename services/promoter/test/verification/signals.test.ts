import { afterEach, describe, expect, it } from 'vitest';
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
    await drill.untilFiring('env="dev"');
    const fired = await lastFiring(client, 'dev', 60);
    expect(fired?.alerts).toEqual(['DrillAlert']);
    expect(Math.abs(fired!.at.getTime() - Date.now())).toBeLessThan(5_000);
  });

  it('finds nothing when no alert of the environment fired in the range', async () => {
    drill = await startPrometheus([{ alert: 'OtherEnv', expr: 'vector(1)', labels: { env: 'prod' } }]);
    const client = drill.client;
    await drill.untilFiring();
    expect(await lastFiring(client, 'dev', 60)).toBeUndefined();
    expect(await lastFiring(client, 'prod', 0)).toBeUndefined();
  });
});
