/**
 * The credentials generator run by the `generate-credentials` PreSync Job from the promoter image:
 * it talks to the API server with the pod's service account (the official Kubernetes client), so the
 * Job needs no kubectl image. Settings: POD_NAMESPACE (downward API), POSTGRES_HOST, POSTGRES_PORT,
 * API_KEYS=generate to also create `inference-api-keys`.
 */
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { generateCredentials, type SecretStore } from './generate.ts';

export function kubernetesStore(api: CoreV1Api, namespace: string): SecretStore {
  return {
    async create(name, data) {
      try {
        await api.createNamespacedSecret({
          namespace,
          body: { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name }, stringData: data },
        });
        return 'created';
      } catch (error) {
        if (error instanceof ApiException && error.code === 409) return 'exists';
        throw error;
      }
    },
    async delete(name) {
      try {
        await api.deleteNamespacedSecret({ name, namespace });
      } catch (error) {
        if (!(error instanceof ApiException && error.code === 404)) throw error;
      }
    },
  };
}

export async function run(env: Record<string, string | undefined>, kc: KubeConfig): Promise<string[]> {
  const namespace = env.POD_NAMESPACE;
  if (!namespace)
    throw new Error('POD_NAMESPACE is not set: pass metadata.namespace through the downward API');
  const postgresHost = env.POSTGRES_HOST ?? `postgres.${namespace}.svc`;
  const postgresPort = Number(env.POSTGRES_PORT ?? 5432);
  const store = kubernetesStore(kc.makeApiClient(CoreV1Api), namespace);
  return generateCredentials(store, { postgresHost, postgresPort, apiKeys: env.API_KEYS === 'generate' });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const kc = new KubeConfig();
  kc.loadFromCluster();
  run(process.env, kc).then(
    (created) => process.stdout.write(`credentials present; created: ${created.join(', ') || 'none'}\n`),
    (error: unknown) => {
      // The client's errors carry the response body, never the token; print only status and reason.
      const e = error as { code?: number; message?: string };
      process.stderr.write(
        `generate-credentials: ${e.code ?? ''} ${e.message?.split('\n')[0] ?? 'failed'}\n`,
      );
      process.exitCode = 1;
    },
  );
}
