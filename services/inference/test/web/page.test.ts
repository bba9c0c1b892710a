import { launchChromium } from '@titanic/features/test/support/chromium.ts';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveForTests } from '../support.ts';

const served = serveForTests();
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('web page', () => {
  it('predicts for a filled-in passenger and shows a field message for a bad age, with no outside requests', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(served.server.url)) outside.push(r.url());
    });
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      // The bad age's 400 is the expected answer; anything else is a fault of the page.
      if (m.type() === 'error' && !m.text().includes('status of 400')) consoleErrors.push(m.text());
    });
    await page.goto(`${served.server.url}/`);
    await expect.poll(() => page.textContent('#model-version')).toBe(served.server.modelVersion);

    await page.selectOption('#pclass', '1');
    await page.selectOption('#sex', 'female');
    await page.fill('#age', '29');
    await page.fill('#sibsp', '0');
    await page.fill('#parch', '0');
    await page.fill('#fare', '211.34');
    await page.selectOption('#embarked', 'S');
    await page.fill('#name', 'Allen, Miss. Elisabeth Walton');
    await page.click('#predict');
    await page.waitForSelector('#result:not([hidden])');
    const percent = Number((await page.textContent('#probability'))!.replace('%', ''));
    expect(percent).toBeGreaterThan(50);
    expect(await page.textContent('#verdict')).toBe('Likely survived');
    expect(await page.textContent('#result-model')).toBe(served.server.modelVersion);
    const width = await page.$eval('#meter-fill', (el) => (el as HTMLElement).style.width);
    expect(width).toBe(`${percent}%`);

    await page.fill('#age', '150');
    await page.click('#predict');
    await expect.poll(() => page.textContent('[data-error-for="age"]')).toBe('age must be at most 120');
    expect(await page.getAttribute('#age', 'aria-invalid')).toBe('true');

    await page.goto(`${served.server.url}/docs`);
    await page.getByText('/v1/predict', { exact: true }).first().waitFor();
    expect(outside).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
