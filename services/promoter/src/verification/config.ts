import { PORTS } from '@titanic/platform/charts/constants.ts';
import type { Env } from '../config.ts';
import { PromoterError } from '../errors.ts';
import { PrometheusClient } from '../prometheus.ts';

/**
 * The Prometheus URL the variables give an environment, or undefined: PROMETHEUS_URL_<ENV> (e.g.
 * PROMETHEUS_URL_STAGING), else PROMETHEUS_URL when it is the environment the process verifies
 * (VERIFY_ENV, or the one `verify --env` names). Throws when the URL given is not http(s).
 */
export function configuredPrometheusUrl(name: string, vars: Env, own: boolean): string | undefined {
  const specific = vars[`PROMETHEUS_URL_${name.toUpperCase()}`];
  const url = specific || (own ? vars.PROMETHEUS_URL : undefined);
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new PromoterError(
      `${specific ? `PROMETHEUS_URL_${name.toUpperCase()}` : 'PROMETHEUS_URL'}=${url} is not an http(s) URL`,
      'config',
      'use e.g. http://prometheus.titanic-dev.svc:9090',
    );
  }
  return url.replace(/\/+$/, '');
}

/** The Prometheus of an environment: the URL the variables give it, else the in-cluster Service of its namespace. */
export function prometheusFor(
  env: { readonly name: string; readonly namespace: string },
  vars: Env,
  own: boolean,
): PrometheusClient {
  return new PrometheusClient(
    configuredPrometheusUrl(env.name, vars, own) ??
      `http://prometheus.${env.namespace}.svc:${PORTS.prometheus}`,
  );
}
