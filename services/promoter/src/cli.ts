#!/usr/bin/env -S node --import tsx
import { appendFileSync, realpathSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseCommandLine, UsageError, wantsHelp } from '@titanic/features/cli';
import { ENVIRONMENTS } from '@titanic/platform/environments/schema.ts';
import { type Env, readConfig, registryConfig } from './config.ts';
import type { PromoterContext } from './context.ts';
import { PromoterError, redact, toPromoterError } from './errors.ts';
import { createClient, Repository } from './github.ts';
import { promote } from './promote.ts';
import { promoteShadow } from './promote-shadow.ts';
import { refreshPromotions } from './refresh.ts';
import { RegistryClient } from './registry.ts';
import { writeReleaseRecord } from './release-cli.ts';
import { rollback } from './rollback.ts';
import { readArgoCdConfig, startRollbackSync } from './rollback-sync.ts';
import { serve } from './serve.ts';
import { formatStatus, status } from './status.ts';
import { verifyCommand } from './verification/command.ts';
import { prometheusFor } from './verification/config.ts';
import { startVerificationFromEnv } from './verification/serve.ts';

const USAGE = `usage:
  promoter promote --env <dev|staging|prod> [--model <version>] [--image <tag>] [--from <env>] [--allow-regression "<reason>"] [--json]
  promoter promote --env <env> --as shadow --model <version> [--json]
  promoter rollback --env <env> [--to <commit>] [--reason "<why>"] [--hold] [--json]
  promoter verify --env <env> [--commit <merge sha>] [--force] [--json]
  promoter status [--json]
  promoter refresh [--env <env>] [--json]
  promoter release-record --commit <sha> --pushed <name>=<repository>:<tag>@<digest>... [--out <dir>]
  promoter serve

environment: GITHUB_TOKEN (or GITHUB_TOKEN_FILE) or GITHUB_APP_ID + GITHUB_APP_INSTALLATION_ID +
GITHUB_APP_PRIVATE_KEY_FILE, GITHUB_REPOSITORY=owner/name, GITHUB_API_URL, GITHUB_WRITE_PACING_MS,
REGISTRY_URL, REGISTRY_USERNAME, REGISTRY_PASSWORD (or _FILE), REGISTRY_TOKEN_ORIGINS, PROMOTER_LOGINS,
MODEL_VERIFY_CHECK, MODEL_VERIFY_APPS; serve: HOST, PORT, METRICS_HOST, METRICS_PORT, WEBHOOK_SECRET (or _FILE),
ARGOCD_SERVER + ARGOCD_APPLICATION + ARGOCD_ENV + ARGOCD_TOKEN (or _FILE) to sync merged rollbacks outside the window,
VERIFY_ENV to verify that environment on a timer; verify, soak and shadow gates: PROMETHEUS_URL (or PROMETHEUS_URL_<ENV>)`;

const log = (line: string) => process.stderr.write(`${redact(line)}\n`);

/**
 * The command's context. `verifies` names the environment this process verifies (VERIFY_ENV,
 * `verify --env`): PROMETHEUS_URL applies to it; PROMETHEUS_URL_<ENV> to any.
 */
function context(env: Env, verifies?: string): PromoterContext {
  const config = readConfig(env);
  const client = createClient({
    token: config.token,
    ...(config.app ? { app: config.app } : {}),
    owner: config.owner,
    repo: config.repo,
    apiUrl: config.apiUrl,
    writePacingMs: config.writePacingMs,
    log,
  });
  return {
    repo: new Repository(client, config.owner, config.repo),
    registry: new RegistryClient(config.registry),
    now: () => new Date(),
    log,
    trust: config.trust,
    prometheus: (e) => prometheusFor(e, env, e.name === verifies),
  };
}

function output(name: string, value: string, env: Env) {
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${name}=${value}\n`);
}

function envOption(value: string | undefined): string {
  if (!value) throw new PromoterError('--env is required', 'usage', USAGE);
  if (!(ENVIRONMENTS as readonly string[]).includes(value)) {
    throw new PromoterError(
      `--env ${value} is not an environment`,
      'usage',
      `use one of ${ENVIRONMENTS.join(', ')}`,
    );
  }
  return value;
}

/** Runs one command; returns the process exit code (0 done, 1 refused or failed, 2 usage). */
export async function main(argv: string[], env: Env = process.env): Promise<number> {
  const [command, ...rest] = argv;
  if (wantsHelp(argv)) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const { values } = parseCommandLine({
      args: rest,
      options: {
        env: { type: 'string' },
        model: { type: 'string' },
        image: { type: 'string' },
        from: { type: 'string' },
        'allow-regression': { type: 'string' },
        as: { type: 'string' },
        to: { type: 'string' },
        reason: { type: 'string' },
        hold: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        commit: { type: 'string' },
        pushed: { type: 'string', multiple: true },
        out: { type: 'string' },
        force: { type: 'boolean', default: false },
      },
      strict: true,
    });
    const print = (text: string, data: unknown) =>
      process.stdout.write(`${values.json ? JSON.stringify(data, null, 2) : text}\n`);
    switch (command) {
      case 'promote': {
        if (values.as !== undefined) {
          if (values.as !== 'shadow')
            throw new PromoterError(
              `--as ${values.as} is not known`,
              'usage',
              'use --as shadow, or leave --as out',
            );
          const r = await promoteShadow(context(env), { env: envOption(values.env), model: values.model });
          const gates = r.gates
            .map((g) => `  ${g.ok ? 'pass' : 'FAIL'}  ${g.gate.padEnd(6)} ${g.detail}`)
            .join('\n');
          const head =
            r.status === 'refused'
              ? `refused: ${r.env} shadow ← model ${r.model}`
              : r.status === 'unchanged'
                ? `${r.env} already shadows model ${r.model}; nothing to do`
                : `${r.status} ${r.pull!.url} (${r.branch})`;
          print(`${head}\n${gates}`, r);
          if (r.pull) output('pull-request', r.pull.url, env);
          return r.status === 'refused' ? 1 : 0;
        }
        // Arguments first: a usage error is reported as one before any configuration is read.
        const request = {
          env: envOption(values.env),
          ...(values.model ? { model: values.model } : {}),
          ...(values.image ? { image: values.image } : {}),
          ...(values.from ? { from: envOption(values.from) } : {}),
          ...(values['allow-regression'] ? { allowRegression: values['allow-regression'] } : {}),
        };
        const r = await promote(context(env), request);
        const gates = r.gates
          .map((g) => `  ${g.ok ? 'pass' : 'FAIL'}  ${g.gate.padEnd(6)} ${g.detail}`)
          .join('\n');
        const head =
          r.status === 'refused'
            ? `refused: ${r.env} ← model ${r.model}, image ${r.image}`
            : r.status === 'unchanged'
              ? `${r.env} already runs model ${r.model} with image ${r.image}; nothing to do`
              : `${r.status} ${r.pull!.url} (${r.branch})${r.superseded.length ? `; superseded #${r.superseded.join(', #')}` : ''}`;
        print(`${head}\n${gates}`, r);
        // A refused run may have opened a pull request and closed it again (a rollback came first).
        if (r.pull && r.status !== 'refused') output('pull-request', r.pull.url, env);
        return r.status === 'refused' ? 1 : 0;
      }
      case 'rollback': {
        const request = {
          env: envOption(values.env),
          ...(values.to ? { to: values.to } : {}),
          ...(values.reason ? { reason: values.reason } : {}),
          hold: values.hold,
          by: env.GITHUB_ACTOR ?? env.USER ?? 'promoter',
        };
        const r = await rollback(context(env), request);
        print(
          `${r.status} ${r.pull.url}: reverts ${r.reverted} (${r.branch})${r.closed.length ? `; closed promotion #${r.closed.join(', #')}` : ''}`,
          r,
        );
        output('pull-request', r.pull.url, env);
        return 0;
      }
      case 'verify': {
        const request = {
          env: envOption(values.env),
          ...(values.commit ? { commit: values.commit } : {}),
          force: values.force,
        };
        const r = await verifyCommand(context(env, request.env), request, env);
        print(r.text, r.result);
        return r.result.outcome === 'failed' ? 1 : 0;
      }
      case 'status': {
        const rows = await status(context(env));
        print(formatStatus(rows), rows);
        return 0;
      }
      case 'refresh': {
        const results = await refreshPromotions(context(env), values.env ? envOption(values.env) : undefined);
        print(
          results.map((r) => `#${r.pull} ${r.env} ${r.status}: ${r.detail}`).join('\n') ||
            'no open promotion pull requests',
          results,
        );
        return 0;
      }
      case 'release-record': {
        const path = await writeReleaseRecord(
          new RegistryClient(registryConfig(env)),
          values.commit,
          values.pushed ?? [],
          values.out ?? '.',
        );
        print(`recorded ${path}`, { path });
        output('record', path, env);
        return 0;
      }
      case 'serve': {
        const ctx = context(env, env.VERIFY_ENV?.trim());
        const argo = readArgoCdConfig(env);
        const server = await serve(ctx, env);
        if (argo) startRollbackSync(ctx, argo, Number(env.ARGOCD_SYNC_CHECK_MS ?? 60_000));
        startVerificationFromEnv(ctx, env);
        log(`promoter listening on :${(server.address() as AddressInfo).port}`);
        return -1;
      }
      default:
        process.stderr.write(`${command ? `promoter: unknown command '${command}'\n` : ''}${USAGE}\n`);
        return 2;
    }
  } catch (error) {
    const e =
      error instanceof UsageError ? new PromoterError(error.message, 'usage', USAGE) : toPromoterError(error);
    process.stderr.write(`promoter: ${e.message}\n${e.hint ? `hint: ${redact(e.hint)}\n` : ''}`);
    return e.code === 'usage' ? 2 : 1;
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    if (code >= 0) process.exitCode = code;
  });
}
