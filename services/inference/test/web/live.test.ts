import { join } from 'node:path';
import { localVersions, MODEL_FILES } from '@titanic/features';
import { launchChromium } from '@titanic/features/test/support/chromium.ts';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_REGISTRY } from '../../src/paths.ts';
import { FIRST_CLASS_WOMAN, PASSENGER, postJson, serveForTests } from '../support.ts';

const [SERVED, SHADOW] = localVersions(DEFAULT_MODEL_REGISTRY) as [string, string];
const served = serveForTests({
  MODEL_PATH: join(DEFAULT_MODEL_REGISTRY, SERVED, MODEL_FILES.onnx),
  SHADOW_MODEL_PATH: join(DEFAULT_MODEL_REGISTRY, SHADOW, MODEL_FILES.onnx),
});
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const PASSENGERS = [
  PASSENGER,
  FIRST_CLASS_WOMAN,
  { pclass: 3, sex: 'female', age: 4, sibsp: 1, parch: 1, fare: 16.7, embarked: 'S' },
  { pclass: 2, sex: 'male', age: 35, sibsp: 0, parch: 0, fare: 13, embarked: 'S' },
];

describe('web page, live quality', () => {
  it('shows live accuracy and Brier with label counts for the served model and the shadow, and their agreement', async () => {
    const p = await postJson(`${served.url}/v1/predict`, { passengers: PASSENGERS });
    const outcomes = [false, true, true, true];
    const feedback = outcomes.map((survived, index) => ({ requestId: p.json.requestId, index, survived }));
    expect((await postJson(`${served.url}/v1/feedback`, { feedback })).status).toBe(200);
    const live = (await (await fetch(`${served.url}/v1/live`)).json()) as {
      model: { live: { labelled: number; accuracy: number; brier: number }; card: { brier: number } };
      shadow: { version: string; live: { brier: number }; comparison: { agreement: number; pairs: number } };
    };
    // The figures the page must show, recomputed here from the answers and the outcomes.
    const brier =
      p.json.predictions.reduce(
        (s: number, x: { probability: number }, i: number) =>
          s + (x.probability - (outcomes[i] ? 1 : 0)) ** 2,
        0,
      ) / PASSENGERS.length;
    expect(live.model.live.labelled).toBe(4);
    expect(live.model.live.brier).toBeCloseTo(brier, 3);
    expect(live.shadow.version).toBe(SHADOW);
    expect(live.shadow.comparison.pairs).toBe(4);

    const page = await browser.newPage();
    await page.goto(`${served.url}/`);
    const cell = (row: string, field: string) => page.textContent(`#${row} [data-field="${field}"]`);
    await expect.poll(() => cell('live-served', 'labelled')).toBe('4');
    expect(await cell('live-served', 'version')).toBe(SERVED);
    expect(await cell('live-served', 'brier')).toBe(
      `${live.model.live.brier.toFixed(3)} (${live.model.card.brier.toFixed(3)})`,
    );
    expect(await cell('live-served', 'accuracy')).toMatch(/^\d+\.\d% \(\d+\.\d%\)$/);
    expect(await page.isVisible('#live-shadow')).toBe(true);
    expect(await cell('live-shadow', 'version')).toBe(SHADOW);
    expect(await cell('live-shadow', 'labelled')).toBe('4');
    expect(await cell('live-shadow', 'brier')).toContain(live.shadow.live.brier.toFixed(3));
    expect(await page.textContent('#agreement')).toBe(
      `${(Math.round(live.shadow.comparison.agreement * 1000) / 10).toFixed(1)}%`,
    );
    expect(await page.textContent('#agreement-pairs')).toBe('4');
    await page.close();
  });
});
