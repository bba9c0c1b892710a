import { join } from 'node:path';
import { REPO_ROOT } from '@titanic/platform/environments/load.ts';
import { type ServiceProcess, spawnService } from './service-process.ts';

export const PROMOTER_CLI = join(REPO_ROOT, 'services/promoter/src/cli.ts');

export type PromoterProcess = ServiceProcess;

/** `promoter serve` as its own process (what the promoter Deployment runs); resolves when /healthz answers. */
export function spawnPromoterServe(
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<PromoterProcess> {
  return spawnService({
    label: 'promoter serve',
    entry: [PROMOTER_CLI, 'serve'],
    env: { HOST: '127.0.0.1', ...env },
    readyPath: '/healthz',
    timeoutMs,
    defaultGraceMs: 5000,
  });
}
