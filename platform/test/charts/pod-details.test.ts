import { describe, expect, it } from 'vitest';
import { find, type Json } from './render.ts';

const MIB = { Mi: 1, Gi: 1024 } as const;
const mib = (q: string) => {
  const m = /^(\d+)(Mi|Gi)$/.exec(q)!;
  return Number(m[1]) * MIB[m[2] as keyof typeof MIB];
};

describe.each(['dev', 'staging', 'prod'])('the inference pod in %s', (env) => {
  it('caps the Node heap below the container memory limit', async () => {
    const d: Json = await find(env, 'Deployment', 'inference');
    const c = d.spec.template.spec.containers[0];
    const heap = Number(/^--max-old-space-size=(\d+)$/.exec(c.args[0])?.[1]);
    const limit = mib(c.resources.limits.memory);
    expect(c.command).toEqual(['node']);
    expect(c.args.slice(1)).toEqual([
      '--max-semi-space-size=16',
      '--single-threaded-gc',
      'services/inference/build/main.js',
    ]);
    // A quarter of the limit stays for code, buffers and onnxruntime's native memory.
    expect(heap).toBe(Math.floor((limit * 3) / 4));
  });

  it('spreads over zones and nodes among the nodes it tolerates', async () => {
    const d: Json = await find(env, 'Deployment', 'inference');
    const spread = d.spec.template.spec.topologySpreadConstraints;
    expect(spread.map((s: Json) => s.topologyKey)).toEqual([
      'topology.kubernetes.io/zone',
      'kubernetes.io/hostname',
    ]);
    for (const s of spread) expect(s.nodeTaintsPolicy).toBe('Honor');
  });

  it(`serves with API keys ${env === 'dev' ? 'only when an operator adds them' : 'by default'}`, async () => {
    const d: Json = await find(env, 'Deployment', 'inference');
    const keys = d.spec.template.spec.containers[0].env.find((e: Json) => e.name === 'API_KEYS');
    expect(keys.valueFrom.secretKeyRef).toEqual({
      name: 'inference-api-keys',
      key: 'keys',
      optional: env === 'dev',
    });
    const job: Json = await find(env, 'Job', 'generate-credentials');
    const generate = job.spec.template.spec.containers[0].env.find((e: Json) => e.name === 'API_KEYS');
    expect(generate?.value).toBe(env === 'dev' ? undefined : 'generate');
  });
});
