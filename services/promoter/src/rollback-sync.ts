import { type Env, readSecret } from './config.ts';
import { type PromoterContext, parseTrailers } from './context.ts';
import { PromoterError } from './errors.ts';
import { every } from './interval.ts';

/**
 * Deploys a merged rollback outside the sync window. Argo CD's sync window stops automated syncs of
 * an environment (prod) outside office hours but allows manual ones (`manualSync: true`); the
 * promoter asks Argo CD for exactly that manual sync, with a project-role token that may only sync
 * this one Application, and only when the newest change to `dist/<env>/` at the revision Argo CD
 * would sync is a rollback of a promotion of this environment. Anything else waits for the window.
 */
export interface ArgoCdConfig {
  /** Base URL of Argo CD's API, e.g. https://argocd-server.argocd.svc. */
  readonly server: string;
  readonly application: string;
  /** Environment the Application deploys (dist/<env>/). */
  readonly env: string;
  readonly token: string;
}

/** ARGOCD_SERVER, ARGOCD_APPLICATION, ARGOCD_ENV, ARGOCD_TOKEN (or _FILE); undefined when unset. */
export function readArgoCdConfig(env: Env): ArgoCdConfig | undefined {
  if (!env.ARGOCD_SERVER) return undefined;
  const token = readSecret(env, 'ARGOCD_TOKEN');
  const missing = ['ARGOCD_APPLICATION', 'ARGOCD_ENV'].filter((n) => !env[n]);
  if (!token) missing.push('ARGOCD_TOKEN');
  if (missing.length > 0)
    throw new PromoterError(
      `ARGOCD_SERVER is set but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not`,
      'config',
      'set the Application name and environment, and mount the project-role token (argocd/README.md)',
    );
  return {
    server: env.ARGOCD_SERVER.replace(/\/+$/, ''),
    application: env.ARGOCD_APPLICATION!,
    env: env.ARGOCD_ENV!,
    token: token!,
  };
}

interface ApplicationStatus {
  status?: {
    sync?: { status?: string; revision?: string };
    operationState?: { phase?: string; syncResult?: { revision?: string } };
  };
}

export type RollbackSyncResult =
  | { readonly action: 'in-sync' | 'operation-running' }
  | { readonly action: 'waiting-for-window'; readonly revision: string; readonly newest: string }
  | { readonly action: 'synced'; readonly revision: string; readonly reverted: string };

async function argocd<T>(argo: ArgoCdConfig, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${argo.server}${path}`, {
    method,
    headers: { authorization: `Bearer ${argo.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) {
    const message = (() => {
      try {
        return (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        return text;
      }
    })();
    throw new PromoterError(
      `Argo CD ${method} ${path} answered ${res.status}: ${message.slice(0, 300)}`,
      'argocd',
      res.status === 403 || res.status === 401
        ? `the token must belong to a project role allowed to get and sync ${argo.application} (argocd/README.md)`
        : undefined,
    );
  }
  return JSON.parse(text) as T;
}

/** One check: syncs the Application when its pending revision is a rollback of this environment. */
export async function syncMergedRollback(
  ctx: PromoterContext,
  argo: ArgoCdConfig,
): Promise<RollbackSyncResult> {
  const app = encodeURIComponent(argo.application);
  // refresh=normal makes Argo CD compare with Git now instead of at its next poll.
  const state = await argocd<ApplicationStatus>(argo, 'GET', `/api/v1/applications/${app}?refresh=normal`);
  const sync = state.status?.sync;
  if (state.status?.operationState?.phase === 'Running') return { action: 'operation-running' };
  if (sync?.status !== 'OutOfSync' || !sync.revision) return { action: 'in-sync' };
  const revision = sync.revision;
  const newest = (await ctx.repo.history(revision, `dist/${argo.env}`, 20)).find(
    (c) => c.parents.length === 1,
  );
  const reverted = newest && /^This reverts commit ([0-9a-f]{40})\.?$/m.exec(newest.message)?.[1];
  const original = reverted ? await ctx.repo.commit(reverted) : undefined;
  if (!newest || !reverted || parseTrailers(original!.message)['Promote-Env'] !== argo.env) {
    return { action: 'waiting-for-window', revision, newest: newest?.message.split('\n')[0] ?? '(none)' };
  }
  await argocd(argo, 'POST', `/api/v1/applications/${app}/sync`, {
    name: argo.application,
    revision,
    prune: true,
  });
  ctx.log(
    `rollback ${newest.sha.slice(0, 12)} merged: asked Argo CD to sync ${argo.application} at ${revision.slice(0, 12)}`,
  );
  return { action: 'synced', revision, reverted };
}

/** Checks every `intervalMs` (default 60 s, so a merged rollback deploys within about two minutes). */
export function startRollbackSync(ctx: PromoterContext, argo: ArgoCdConfig, intervalMs = 60_000): () => void {
  return every(
    intervalMs,
    () => syncMergedRollback(ctx, argo),
    (error) => ctx.log(`rollback sync check failed: ${error.message}`),
  );
}
