import { randomBytes } from 'node:crypto';

/** Where Secrets are created; `create` never overwrites (the API server answers 409 instead). */
export interface SecretStore {
  create(name: string, data: Record<string, string>): Promise<'created' | 'exists'>;
  delete(name: string): Promise<void>;
}

export interface CredentialsSpec {
  /** Host of the Postgres Service, e.g. postgres.titanic-prod.svc. */
  readonly postgresHost: string;
  readonly postgresPort: number;
  /** Also create `inference-api-keys` (one key) so prediction routes require a key. */
  readonly apiKeys: boolean;
}

export const SECRET_NAMES = {
  postgres: 'postgres-credentials',
  database: 'inference-database',
  grafana: 'grafana-admin',
  webhook: 'promoter-webhook-token',
  apiKeys: 'inference-api-keys',
} as const;

/** 32 URL- and shell-safe characters from 24 random bytes. */
export function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Creates each credential Secret only when absent: a fresh namespace works without anyone handling a
 * value, and an existing Secret (generated earlier or provided by an operator) is never rotated.
 * Returns the names created; values are never returned or logged.
 */
export async function generateCredentials(store: SecretStore, spec: CredentialsSpec): Promise<string[]> {
  const created: string[] = [];
  const create = async (name: string, data: Record<string, string>) => {
    if ((await store.create(name, data)) === 'created') created.push(name);
    return created.includes(name);
  };
  const password = randomToken();
  // Postgres and the inference URL share one password: a new one replaces the URL too.
  if (await create(SECRET_NAMES.postgres, { username: 'titanic', password })) {
    await store.delete(SECRET_NAMES.database);
    const url = `postgresql://titanic:${password}@${spec.postgresHost}:${spec.postgresPort}/titanic?sslmode=disable`;
    await create(SECRET_NAMES.database, { url });
  }
  await create(SECRET_NAMES.grafana, { 'admin-user': 'admin', 'admin-password': randomToken() });
  await create(SECRET_NAMES.webhook, { token: randomToken() });
  if (spec.apiKeys) await create(SECRET_NAMES.apiKeys, { keys: randomToken() });
  return created;
}
