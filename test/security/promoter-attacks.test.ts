import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EnvironmentFile } from '@titanic/promoter/env-file.ts';
import { PromoterError, redact, registerSecret } from '@titanic/promoter/errors.ts';
import { createMetrics } from '@titanic/promoter/metrics.ts';
import { promote } from '@titanic/promoter/promote.ts';
import { RegistryClient } from '@titanic/promoter/registry.ts';
import { rollback } from '@titanic/promoter/rollback.ts';
import { serve } from '@titanic/promoter/serve.ts';
import { HOUR, V } from '@titanic/promoter/test/support/harness.ts';
import { OciRegistry } from '@titanic/promoter/test/support/oci-registry.ts';
import { createWebhookApp } from '@titanic/promoter/webhook.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alert, type Kit, outsideCode, postDelivery, SECRET, startKit } from './promoter-attack-kit.ts';

/**
 * Attacks on the promotion bot, one row each: what an attacker controls (alert text, a registry,
 * a commit, a pull request), what the attack tries and what it gets. Each row runs on a fresh
 * fake GitHub over real git and the real docker-registry. Add a row for a new attack.
 */
interface Attack {
  /** The class of threat; the rows of one class share its number. */
  readonly threat: number;
  readonly attack: string;
  /** What the attacker gets. */
  readonly outcome: string;
  run(k: Kit): Promise<void>;
}

const ROOT = join(import.meta.dirname, '../..');
const botPulls = (k: Kit, prefix: string) => k.h.github.pulls.pulls.filter((p) => p.head.startsWith(prefix));
const commentsOn = (k: Kit, n: number) => k.h.github.pulls.comments.filter((c) => c.issue === n);
const gitLog = (k: Kit, ref: string) =>
  spawnSync('git', ['-C', k.h.github.repoDir, 'log', '--format=%H%n%B%x00', ref], { encoding: 'utf8' })
    .stdout;

const ATTACKS: Attack[] = [
  {
    threat: 1,
    attack: "a registry's 401 names an http realm on another host to collect the Basic credentials",
    outcome: 'no request reaches that host; the promotion fails naming REGISTRY_TOKEN_ORIGINS',
    async run(k) {
      const seen: string[] = [];
      const thief = createServer((req, res) => {
        seen.push(req.headers.authorization ?? '(none)');
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"x"}');
      });
      await new Promise<void>((r) => thief.listen(0, '127.0.0.1', r));
      const steal = `http://127.0.0.1:${(thief.address() as AddressInfo).port}/steal`;
      const hostile = await OciRegistry.start({ realm: steal });
      try {
        const client = new RegistryClient({
          urlOverride: hostile.url,
          username: 'actor',
          password: k.h.registry.password,
          tokenOrigins: [k.h.registry.tokenOrigin],
        });
        const error = await client.resolve('ghcr.io/titanic-ml/titanic-inference', '1.1.0').catch((e) => e);
        expect(seen, 'the credentials reached the thief').toEqual([]);
        expect(error).toBeInstanceOf(PromoterError);
        expect((error as Error).message).toMatch(/REGISTRY_TOKEN_ORIGINS; no credentials were sent/);
        // An https realm on a different host is refused before any connection as well.
        const other = new RegistryClient({ username: 'actor', password: 'p', tokenOrigins: [] }, (async (
          u: string | URL | Request,
        ) =>
          String(u).startsWith('https://ghcr.io/')
            ? new Response('', {
                status: 401,
                headers: { 'www-authenticate': 'Bearer realm="https://collector.example/token"' },
              })
            : Promise.reject(new Error(`contacted ${String(u)}`))) as typeof fetch);
        await expect(other.resolve('ghcr.io/titanic-ml/titanic-inference', '1.1.0')).rejects.toThrow(
          /collector\.example/,
        );
        // dev is the one environment whose promotion asks the registry (later stages copy digests).
        const refused = await promote(
          k.h.ctx({
            registry: new RegistryClient({
              urlOverride: hostile.url,
              username: 'actor',
              password: k.h.registry.password,
            }),
          }),
          { env: 'dev', model: V.next },
        ).catch((e) => e);
        expect(refused).toBeInstanceOf(PromoterError);
        expect(seen, 'the thief received requests').toEqual([]);
        expect(k.h.github.pulls.pulls).toEqual([]);
      } finally {
        await hostile.stop();
        thief.close();
      }
      // In the workflows the registry password is a read-only credential, never the job's
      // GITHUB_TOKEN (contents and pull-requests write).
      for (const file of await readdir(join(ROOT, '.github/workflows'))) {
        const text = await readFile(join(ROOT, '.github/workflows', file), 'utf8');
        expect(text, file).not.toMatch(/REGISTRY_PASSWORD:\s*\$\{\{\s*secrets\.GITHUB_TOKEN/);
      }
    },
  },
  {
    threat: 2,
    attack:
      'an alert summary ends in Promote-Env/-Model/-Image lines, so the revert commit looks like a promotion',
    outcome:
      'the revert carries the summary as one "Reason:" line; a later rollback finds no promotion to undo instead of re-deploying the held version',
    async run(k) {
      await k.promoteAndMerge('prod');
      const planted = `boom\n\nPromote-Env: prod\nPromote-Model: ${V.good}\nPromote-Image: 1.1.0`;
      const opened = await k.deliver([alert(k.h, { summary: planted })]);
      expect(opened.body.results[0]).toMatchObject({ env: 'prod', result: 'opened' });
      await k.merge(opened.body.results[0]!.pull!);
      const reverts = gitLog(k, 'main')
        .split('\x00')
        .filter((m) => /^\n?[0-9a-f]{40}\nRevert "/.test(m));
      expect(reverts).toHaveLength(1);
      expect(reverts[0]).not.toMatch(/^Promote-/m);
      const again = await rollback(k.h.ctx(), { env: 'prod', reason: 'second look' }).catch((e) => e);
      expect(again, 'a later rollback re-deployed the held version').toBeInstanceOf(PromoterError);
      expect((again as PromoterError).code).toBe('nothing-to-do');
      // A commit anyone pushes with promotion trailers is not a promotion either.
      const clone = await k.h.clone();
      const text = await clone.read('environments/prod.yaml');
      await clone.write('environments/prod.yaml', text.replace('minReplicas: 3', 'minReplicas: 4'));
      await clone.commitAll(
        `chore(prod): replicas\n\nPromote-Env: prod\nPromote-Model: ${V.good}\nPromote-Image: 1.1.0`,
      );
      await clone.push();
      await expect(rollback(k.h.ctx(), { env: 'prod' })).rejects.toMatchObject({ code: 'nothing-to-do' });
    },
  },
  {
    threat: 3,
    attack:
      "a dev alert's summary carries a fake prod promoter-data block; a maintainer's PR copies the bot's block",
    outcome:
      "the real prod alert opens prod's own rollback: only the bot's trailing block on the bot's rollback/<env>/ branch counts",
    async run(k) {
      await k.promoteAndMerge('dev', { model: V.next });
      await k.promoteAndMerge('prod');
      const fake = `x\n<!-- promoter-data\n{"kind":"rollback","env":"prod","model":"${V.good}","image":"1.1.0","base":"0"}\npromoter-data -->\n`;
      const dev = await k.deliver([alert(k.h, { env: 'dev', model: V.next, summary: fake })]);
      expect(dev.body.results[0]).toMatchObject({ env: 'dev', result: 'opened' });
      const devPull = k.h.github.pulls.get(dev.body.results[0]!.pull!)!;
      expect(outsideCode(devPull.body ?? '').match(/<!--/g)).toHaveLength(1);
      // A maintainer opens a PR labelled rollback with a copy of a genuine prod block.
      const { owner, repo } = k.h.github.coordinates;
      const main = (await k.human.git.getRef({ owner, repo, ref: 'heads/main' })).data.object.sha;
      await k.human.git.createRef({ owner, repo, ref: 'refs/heads/rollback/prod/by-hand', sha: main });
      const copied = await k.human.pulls.create({
        owner,
        repo,
        head: 'rollback/prod/by-hand',
        base: 'main',
        title: 'manual',
        body: `notes\n<!-- promoter-data\n{"kind":"rollback","env":"prod","model":"${V.good}","image":"1.1.0","base":"${main}"}\npromoter-data -->`,
      });
      await k.human.issues.addLabels({ owner, repo, issue_number: copied.data.number, labels: ['rollback'] });
      const prod = await k.deliver([alert(k.h, { env: 'prod' })]);
      expect(prod.body.results[0]).toMatchObject({ env: 'prod', result: 'opened' });
      const prodPull = k.h.github.pulls.get(prod.body.results[0]!.pull!)!;
      expect(prodPull.head).toMatch(/^rollback\/prod\/[0-9a-f]{12}$/);
      expect(prodPull.author).toBe(k.h.github.login);
    },
  },
  {
    threat: 4,
    attack: 'a delivery from 2020, already ended, about a model_version that never existed, sent as firing',
    outcome: 'ignored with the reason; no pull request, no hold',
    async run(k) {
      await k.promoteAndMerge('prod');
      const stale = await k.deliver([
        alert(k.h, {
          model: '1999.01.01-1',
          startsAt: '2020-01-01T00:00:00Z',
          endsAt: '2020-01-01T01:00:00Z',
        }),
      ]);
      expect(stale.status).toBe(200);
      expect(stale.body.results).toEqual([]);
      expect(stale.body.ignored.join('\n')).toMatch(/older than/);
      for (const a of [
        alert(k.h, { endsAt: new Date(k.h.clock.getTime() - 60_000).toISOString() }),
        alert(k.h, { startsAt: new Date(k.h.clock.getTime() + HOUR).toISOString() }),
      ]) {
        const r = await k.deliver([a]);
        expect(r.body.results, JSON.stringify(a)).toEqual([]);
      }
      const otherModel = await k.deliver([alert(k.h, { model: V.prodModel })]);
      expect(otherModel.body.results).toEqual([expect.objectContaining({ env: 'prod', result: 'ignored' })]);
      expect(botPulls(k, 'rollback/')).toEqual([]);
    },
  },
  {
    threat: 4,
    attack: 'a maintainer closes the alert-opened rollback without merging; the same delivery is replayed',
    outcome: 'refused ("closed without merging"); the closed pull request stays closed and no new one opens',
    async run(k) {
      await k.promoteAndMerge('prod');
      const a = alert(k.h);
      const first = await k.deliver([a]);
      const pull = first.body.results[0]!.pull!;
      const { owner, repo } = k.h.github.coordinates;
      await k.human.pulls.update({ owner, repo, pull_number: pull, state: 'closed' });
      const replay = await k.deliver([a]);
      expect(replay.body.results[0]).toMatchObject({ env: 'prod', result: 'refused' });
      expect(replay.body.results[0]!.detail).toMatch(/closed without merging/);
      expect(botPulls(k, 'rollback/').filter((p) => p.state === 'open')).toEqual([]);
    },
  },
  {
    threat: 5,
    attack: '3,000 alerts in one 900 KB delivery, and a 900 KB summary',
    outcome:
      'one comment for the delivery, the first 50 alerts acted on and the rest reported; the reason is cut to 200 characters everywhere',
    async run(k) {
      await k.promoteAndMerge('prod');
      const big = 'A'.repeat(900_000);
      const first = await k.deliver([alert(k.h, { summary: big })]);
      const pull = k.h.github.pulls.get(first.body.results[0]!.pull!)!;
      expect(pull.body!.length).toBeLessThan(8_000);
      const branch = await k.h.clone();
      await branch.run(['fetch', '--quiet', 'origin', pull.head]);
      await branch.run(['checkout', '--quiet', 'FETCH_HEAD']);
      const held = EnvironmentFile.parse('prod', await branch.read('environments/prod.yaml')).value();
      expect(held.promotion.holds[0]!.reason.length).toBeLessThanOrEqual(200);
      expect((await branch.run(['log', '-2', '--format=%B'])).length).toBeLessThan(2_000);
      const flood = Array.from({ length: 3000 }, () => {
        const a = alert(k.h, { summary: 'x', generatorURL: 'http://prometheus.titanic-prod.svc:9090/' });
        const { severity: _, ...labels } = a.labels;
        return { ...a, labels };
      });
      expect(JSON.stringify(flood).length, 'the flood fits under the 1 MiB body limit').toBeLessThan(1 << 20);
      const res = await k.deliver(flood);
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([expect.objectContaining({ env: 'prod', result: 'reused' })]);
      expect(JSON.stringify(res.body).length).toBeLessThan(10_000);
      expect(commentsOn(k, pull.number)).toHaveLength(2);
    },
  },
  {
    threat: 5,
    attack: 'GitHub fails one environment of a delivery (a 422, then 5xx on every retry)',
    outcome:
      'the other environment is still rolled back (502 naming the failed one); a 5xx answers 503 with Retry-After so Alertmanager redelivers',
    async run(k) {
      await k.promoteAndMerge('dev', { model: V.next });
      await k.promoteAndMerge('prod');
      k.h.github.failNext('pulls/create', 422, 1, { message: 'Validation Failed' });
      const partial = await k.deliver([
        alert(k.h, { env: 'prod' }),
        alert(k.h, { env: 'dev', model: V.next }),
      ]);
      expect(partial.status).toBe(502);
      expect(partial.body.results).toEqual([
        expect.objectContaining({ env: 'prod', result: 'failed' }),
        expect.objectContaining({ env: 'dev', result: 'opened' }),
      ]);
      k.h.github.failNext('pulls/list', 502, 20);
      const outage = await k.deliver([alert(k.h, { env: 'prod' })]);
      expect(outage.status).toBe(503);
      expect(Number(outage.headers.get('retry-after'))).toBeGreaterThan(0);
    },
  },
  {
    threat: 5,
    attack: 'deliveries pile up while GitHub answers slowly',
    outcome:
      'at most 4 wait (promoter_webhook_queued_deliveries); the next gets 503 with Retry-After at once, and the waiting ones complete with one rollback',
    async run(k) {
      await k.promoteAndMerge('prod');
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const real = k.h.ctx().repo;
      const slow = Object.create(real) as typeof real;
      slow.defaultBranch = async () => {
        await gate;
        return real.defaultBranch();
      };
      const metrics = createMetrics();
      const app = createWebhookApp({ ctx: k.h.ctx({ repo: slow }), secret: SECRET, metrics });
      const server = app.listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/alertmanager`;
      try {
        const a = alert(k.h);
        const pending = Array.from({ length: 5 }, () => postDelivery(url, [a]));
        const queued = async () => (await metrics.queued.get()).values[0]?.value;
        for (let i = 0; (await queued()) !== 4; i++) {
          if (i > 600) throw new Error(`queue depth stayed at ${await queued()}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        const busy = await postDelivery(url, [a]);
        expect(busy.status).toBe(503);
        expect(busy.headers.get('retry-after')).toBe('30');
        release();
        const done = await Promise.all(pending);
        expect(done.map((d) => d.status)).toEqual([200, 200, 200, 200, 200]);
        expect(botPulls(k, 'rollback/')).toHaveLength(1);
      } finally {
        release();
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    },
  },
  {
    threat: 6,
    attack:
      'summaries with @org/team, <img onerror>, a link, <!--, a javascript: generatorURL; --allow-regression with | and "This reverts commit"',
    outcome:
      'all of it shows as inert code: no mention, HTML, link or hidden text; the table keeps its columns; the fake revert line is ignored',
    async run(k) {
      const p1 = await k.promoteAndMerge('dev', { model: V.next });
      const hostile = `@titanic-ml/oncall <img src=x onerror=alert(1)> [docs](https://evil.example) <!-- rest hidden`;
      const r = await promote(k.h.ctx(), {
        env: 'dev',
        model: V.worse,
        allowRegression: `fine | ok\nThis reverts commit ${p1}.\n<!-- `,
      });
      expect(r.status).toBe('opened');
      const body = k.h.github.pulls.get(r.pull!.number)!.body!;
      expect(outsideCode(body).match(/<!--/g)).toHaveLength(1);
      const modelRow = body.split('\n').find((l) => l.startsWith('| model | ⚠️'))!;
      expect(modelRow.replace(/\\\|/g, '').split('|')).toHaveLength(5);
      await k.merge(r.pull!.number);
      const opened = await k.deliver([
        alert(k.h, { env: 'dev', model: V.worse, summary: hostile, generatorURL: 'javascript:alert(1)' }),
      ]);
      const pull = k.h.github.pulls.get(opened.body.results[0]!.pull!)!;
      for (const text of [pull.body!, ...commentsOn(k, pull.number).map((c) => c.body)]) {
        const live = outsideCode(text);
        expect(live).not.toMatch(/@titanic-ml|<img|\]\(https:\/\/evil|javascript:/);
        expect(live.replace(/<!-- alert:[0-9a-f]+:[0-9TZ:.-]+ -->/g, '').match(/<!--/g) ?? []).toHaveLength(
          text === pull.body ? 1 : 0,
        );
      }
      // Roll back V.worse, then again: the second rollback must find the live promotion of V.next,
      // which the override text claimed was reverted.
      await k.merge(pull.number);
      const second = await rollback(k.h.ctx(), { env: 'dev', reason: 'again' });
      expect(second.reverted).toBe(p1);
    },
  },
  {
    threat: 7,
    attack: 'a regressed model whose model.json AUC is edited to 0.99 in "docs: fix typo"',
    outcome:
      'refused by the model gate: its metrics are not what CI re-derived (no model-verify success on that commit)',
    async run(k) {
      const clone = await k.h.clone();
      const path = `models/titanic/${V.worse}/model.json`;
      const meta = JSON.parse(await clone.read(path));
      meta.metrics.cv.rocAuc.mean = 0.99;
      await clone.write(path, `${JSON.stringify(meta, null, 2)}\n`);
      const sha = await clone.commitAll('docs: fix typo');
      await clone.push();
      const unverified = await promote(k.h.ctx(), { env: 'dev', model: V.worse });
      expect(unverified.status).toBe('refused');
      expect(unverified.gates.find((g) => g.gate === 'model')!.detail).toMatch(
        /not verified by CI: no model-verify/,
      );
      // CI ran and failed; a check of the same name from another app proves nothing.
      k.h.github.checks.complete(sha, 'model-verify', 'failure');
      k.h.github.checks.complete(sha, 'model-verify', 'success', { id: 99, slug: 'helpful-bot', name: 'x' });
      const failed = await promote(k.h.ctx(), { env: 'dev', model: V.worse });
      expect(failed.gates.find((g) => g.gate === 'model')!.detail).toMatch(/model-verify ended failure/);
      expect(k.h.github.pulls.pulls).toEqual([]);
    },
  },
  {
    threat: 7,
    attack: 'a new version of arbitrary bytes with a matching sha256 and a ROC AUC of 7.5',
    outcome: 'refused: model.json fails its schema (metrics are bounded to their ranges)',
    async run(k) {
      const clone = await k.h.clone();
      const meta = JSON.parse(await clone.read(`models/titanic/${V.next}/model.json`));
      const version = '2026.11.27-1';
      const bytes = Buffer.from('not a model at all');
      const { createHash } = await import('node:crypto');
      Object.assign(meta, { version });
      meta.files.onnx.sha256 = createHash('sha256').update(bytes).digest('hex');
      meta.metrics.cv.rocAuc = { mean: 7.5, std: 0 };
      await clone.write(`models/titanic/${version}/model.json`, JSON.stringify(meta));
      await clone.write(`models/titanic/${version}/model.onnx`, bytes);
      await clone.commitAll(`feat(models): titanic ${version}`);
      await clone.push();
      await k.h.registry.pushImage('titanic-ml/titanic-model', version);
      const r = await promote(k.h.ctx(), { env: 'dev', model: version });
      expect(r.status).toBe('refused');
      expect(r.gates.find((g) => g.gate === 'model')!.detail).toMatch(/rocAuc\.mean/);
    },
  },
  {
    threat: 8,
    attack: 'a hold is deleted in "style(dev): tidy yaml", then the held version is promoted',
    outcome: 'the promotion PR lists the removed hold with the commit that removed it',
    async run(k) {
      const clone = await k.h.clone();
      const file = EnvironmentFile.parse('dev', await clone.read('environments/dev.yaml'));
      const original = file.toString();
      file.addHold({ model: V.next, reason: 'bad calibration', since: '2026-11-26T00:00:00Z', by: 'oncall' });
      await clone.write('environments/dev.yaml', file.toString());
      await clone.commitAll('chore(dev): hold next');
      await clone.write('environments/dev.yaml', original);
      const tidy = await clone.commitAll('style(dev): tidy yaml');
      await clone.push();
      const r = await promote(k.h.ctx(), { env: 'dev', model: V.next });
      expect(r.status).toBe('opened');
      const body = k.h.github.pulls.get(r.pull!.number)!.body!;
      expect(body).toContain('### Holds removed since the last promotion');
      expect(body).toContain(tidy.slice(0, 12));
      expect(body).toMatch(/model 2026&#46;11&#46;26&#45;1&#58; bad calibration/);
    },
  },
  {
    threat: 8,
    attack: 'a promotion PR opened before a hold is merged after it, so main runs the held version',
    outcome:
      'the required holds check fails on that main; a rollback with --hold closes open promotions of the held version',
    async run(k) {
      const open = await promote(k.h.ctx(), { env: 'dev', model: V.next });
      const clone = await k.h.clone();
      const file = EnvironmentFile.parse('dev', await clone.read('environments/dev.yaml'));
      file.addHold({ model: V.next, reason: 'bad calibration', since: '2026-11-26T00:00:00Z', by: 'oncall' });
      await clone.write('environments/dev.yaml', file.toString());
      await clone.commitAll('chore(dev): hold next');
      await clone.push();
      await k.merge(open.pull!.number);
      await clone.pull();
      const check = spawnSync(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'services/promoter/src/check-holds.ts'), clone.dir],
        { encoding: 'utf8' },
      );
      expect(check.status, check.stdout + check.stderr).toBe(1);
      expect(check.stderr).toMatch(/environments\/dev\.yaml pins model 2026\.11\.26-1/);
      // The bot side: holding a version closes the promotions of it that are still open.
      const pending = await promote(k.h.ctx(), {
        env: 'dev',
        model: V.worse,
        allowRegression: 'testing a worse model on dev',
      });
      const rb = await rollback(k.h.ctx(), { env: 'dev', hold: true, reason: 'image 1.1.0 misbehaves' });
      const closed = k.h.github.pulls.get(pending.pull!.number)!;
      expect(closed.state).toBe('closed');
      expect(
        commentsOn(k, closed.number)
          .map((c) => c.body)
          .join(),
      ).toContain(rb.pull.url);
    },
  },
  {
    threat: 9,
    attack: 'reach `promoter serve` from another host, and read /metrics through the webhook port',
    outcome: 'it listens on 127.0.0.1 unless HOST names the pod IP; /metrics is only on METRICS_PORT',
    async run(k) {
      const server = await serve(k.h.ctx(), {
        PORT: '0',
        METRICS_PORT: '0',
        WEBHOOK_SECRET: 'a-webhook-secret-of-some-length',
      });
      try {
        const { address, port } = server.address() as AddressInfo;
        expect(address).toBe('127.0.0.1');
        expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
      } finally {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    },
  },
  {
    threat: 9,
    attack: 'a secret appears base64-encoded (alone, as user:password, base64url) in error text',
    outcome: 'every form is redacted',
    async run() {
      const secret = `pw-${'k3y'.repeat(8)}`;
      registerSecret(secret);
      const forms = [
        Buffer.from(secret).toString('base64'),
        Buffer.from(`actor:${secret}`).toString('base64'),
        Buffer.from(`a:${secret}`).toString('base64url'),
      ];
      const text = redact(`token endpoint said: ${forms.join(' ')} and ${encodeURIComponent(secret)}`);
      const e = new PromoterError(`request failed with ${forms[1]}`, 'registry');
      for (const f of forms) expect(text).not.toContain(f.slice(8, 24));
      expect(e.message).not.toContain(forms[1]!.slice(8, 24));
    },
  },
  {
    threat: 9,
    attack: 'training code (npm ci + train) runs in a job whose checkout keeps a write token',
    outcome: 'no job that runs npm ci can write contents, and every checkout drops its credentials',
    async run() {
      const dir = join(ROOT, '.github/workflows');
      for (const name of await readdir(dir)) {
        const wf = parse(await readFile(join(dir, name), 'utf8')) as {
          jobs: Record<
            string,
            {
              permissions?: Record<string, string>;
              steps?: Array<{ uses?: string; run?: string; with?: Record<string, unknown> }>;
            }
          >;
        };
        for (const [id, job] of Object.entries(wf.jobs)) {
          for (const step of job.steps ?? []) {
            if (String(step.uses ?? '').startsWith('actions/checkout@'))
              expect(step.with?.['persist-credentials'], `${name} ${id}`).toBe(false);
          }
          const runsCode = (job.steps ?? []).some((s) => /npm (ci|run train)/.test(String(s.run ?? '')));
          if (runsCode && name === 'train.yml')
            expect(job.permissions?.contents ?? 'none', `${name} ${id}`).not.toBe('write');
        }
      }
    },
  },
];

describe('promoter attacks', () => {
  let kit: Kit | undefined;
  afterEach(async () => {
    if (kit) expect(kit.h.github.violations).toEqual([]);
    await kit?.stop();
    kit = undefined;
  });
  it.each(ATTACKS.map((a) => [`${a.threat}: ${a.attack} → ${a.outcome}`, a] as const))(
    '%s',
    async (_, a) => {
      kit = await startKit();
      await a.run(kit);
    },
    240_000,
  );
});
