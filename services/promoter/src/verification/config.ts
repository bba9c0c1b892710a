import { PORTS } from '@titanic/platform/charts/constants.ts';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import type { Env } from '../config.ts';
import { PromoterError } from '../errors.ts';
import { PrometheusClient } from '../prometheus.ts';

/**
 * The Prometheus of an environment: PROMETHEUS_URL_<ENV> (e.g. PROMETHEUS_URL_STAGING), else
 * PROMETHEUS_URL when it is the environment the process verifies (VERIFY_ENV, or the only one
 * asked about), else the in-cluster Service of the environment's namespace.
 */
export function prometheusFor(env: Environment, vars: Env, own = true): PrometheusClient {
  const specific = vars[`PROMETHEUS_URL_${env.name.toUpperCase()}`];
  const url =
    specific ||
    (own ? vars.PROMETHEUS_URL : undefined) ||
    `http://prometheus.${env.namespace}.svc:${PORTS.prometheus}`;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new PromoterError(
      `${specific ? `PROMETHEUS_URL_${env.name.toUpperCase()}` : 'PROMETHEUS_URL'}=${url} is not an http(s) URL`,
      'config',
      'use e.g. http://prometheus.titanic-dev.svc:9090',
    );
  }
  return new PrometheusClient(url.replace(/\/+$/, ''));
}
