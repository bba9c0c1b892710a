import { PromoterError } from './errors.ts';

/** Instant queries against the Prometheus that scrapes the environment's pods. */
export class PrometheusClient {
  constructor(readonly baseUrl: string) {}

  /** The single value of an instant query, or undefined when it returns no series. */
  async scalar(query: string): Promise<number | undefined> {
    const url = `${this.baseUrl.replace(/\/$/, '')}/api/v1/query?query=${encodeURIComponent(query)}`;
    let body: { status: string; error?: string; data?: { result: { value: [number, string] }[] } };
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      body = (await res.json()) as typeof body;
    } catch (err) {
      throw new PromoterError(
        `Prometheus at ${this.baseUrl} cannot be queried: ${(err as Error).message}`,
        'prometheus',
        'check PROMETHEUS_URL and that Prometheus is reachable',
      );
    }
    if (body.status !== 'success')
      throw new PromoterError(
        `Prometheus refused ${query}: ${body.error}`,
        'prometheus',
        'check PROMETHEUS_URL',
      );
    const value = body.data?.result[0]?.value[1];
    return value === undefined ? undefined : Number(value);
  }
}
