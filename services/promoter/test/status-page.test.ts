import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchChromium } from '@titanic/features/test/support/chromium.ts';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promote } from '../src/promote.ts';
import { serve } from '../src/serve.ts';
import { escapeHtml } from '../src/status-page.ts';
import { type Harness, startHarness, V } from './support/harness.ts';

let h: Harness;
let browser: Browser;
let server: Server;
let url: string;
const EVIL = `<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>"'\`&`;

beforeAll(async () => {
  h = await startHarness();
  browser = await launchChromium();
  server = await serve(h.ctx(), {
    WEBHOOK_SECRET: 'status-page-test-secret',
    PORT: '0',
    METRICS_PORT: '0',
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await h?.stop();
});

describe('status page', () => {
  it('shows each environment’s bundle, verification, holds and open pull requests, with GitHub text escaped', async () => {
    const opened = await promote(h.ctx(), { env: 'prod' });
    expect(opened.status).toBe('opened');
    // Anyone who may edit a pull request controls its title.
    h.github.pulls.get(opened.pull!.number)!.title = EVIL;

    const page = await (await browser.newContext()).newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(url)) outside.push(r.url());
    });
    const response = await page.goto(`${url}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");

    for (const env of ['dev', 'staging', 'prod']) expect(await page.isVisible(`#env-${env}`)).toBe(true);
    expect(await page.textContent('#env-prod .model')).toBe(V.prodModel);
    expect(await page.textContent('#env-prod .image')).toBe('1.0.0');
    expect(await page.textContent('#env-staging .model')).toBe(V.good);
    // The harness records a passed verification of every environment when it is seeded.
    expect(await page.textContent('#env-staging .verification')).toBe('success');
    const pulls = await page.textContent('#env-prod .pulls');
    expect(pulls).toBe(`promotion: #${opened.pull!.number} ${EVIL}`);
    expect(await page.getAttribute('#env-prod .pulls a', 'href')).toBe(opened.pull!.url);
    expect(await page.$$('#env-prod .pulls img, #env-prod .pulls script')).toHaveLength(0);
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(outside).toEqual([]);
  });

  it('escapes every character that could open markup or end an attribute', () => {
    expect(escapeHtml(EVIL)).not.toMatch(/[<>"'`]/);
    expect(escapeHtml('a & b')).toBe('a &amp; b');
  });
});
