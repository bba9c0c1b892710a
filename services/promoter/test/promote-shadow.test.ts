import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promoteShadow } from '../src/promote-shadow.ts';
import { type Harness, startHarness, V } from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const modelGate = (r: Awaited<ReturnType<typeof promoteShadow>>) => r.gates.find((g) => g.gate === 'model')!;

describe('promote --as shadow', () => {
  it('refuses a candidate whose files cannot be trusted, as promote does, and the served version', async () => {
    const unknown = await promoteShadow(h.ctx(), { env: 'prod', model: '2030.01.01-1' });
    expect(unknown.status).toBe('refused');
    expect(modelGate(unknown).detail).toContain('models/titanic/2030.01.01-1/model.json does not exist');
    const tampered = await promoteShadow(h.ctx(), { env: 'prod', model: V.tampered });
    expect(tampered.status).toBe('refused');
    expect(modelGate(tampered).detail).toContain('model.onnx hashes to');
    const served = await promoteShadow(h.ctx(), { env: 'prod', model: V.prodModel });
    expect(served.status).toBe('refused');
    expect(modelGate(served).detail).toBe(
      `${V.prodModel} is what prod serves; a shadow must be another version`,
    );
    expect(h.github.pulls.pulls).toEqual([]);
  });

  it('opens the pin with the gates in the promotion body’s table, details as code', async () => {
    const r = await promoteShadow(h.ctx(), { env: 'prod', model: V.worse });
    expect(r.status).toBe('opened');
    const body = h.github.pulls.get(r.pull!.number)!.body!;
    expect(body).toContain('| gate | result | detail |');
    // Details as the promotion body shows them: code, every markdown character escaped.
    expect(body).toMatch(/\| model \| ✅ pass \| <code>sha256 verified&#59; [^<|]+<\/code> \|/);
    expect(body).toMatch(/\| image \| ✅ pass \| <code>pinned [^<|]+&#64;sha256&#58;[0-9a-f]{64}<\/code> \|/);
  });
});
