import { PromoterError } from './errors.ts';

/** One series of an instant query (Prometheus HTTP API, resultType "vector"). */
export interface Sample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * Instant queries against one environment's Prometheus. Every failure (unreachable, non-2xx, a
 * query Prometheus rejects) is a PromoterError naming the server and the query: verification
 * never mistakes "could not ask" for "nothing is wrong".
 */
export class PrometheusClient {
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async query(expr: string, at?: Date): Promise<Sample[]> {
    const body = new URLSearchParams({ query: expr, ...(at ? { time: String(at.getTime() / 1000) } : {}) });
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new PromoterError(
        `Prometheus at ${this.baseUrl} cannot be reached (${(error as Error).message})`,
        'prometheus',
        'set PROMETHEUS_URL (or PROMETHEUS_URL_<ENV>) to the environment’s Prometheus',
      );
    }
    const text = await res.text();
    let parsed: { status?: string; error?: string; data?: { resultType?: string; result?: unknown[] } };
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = {};
    }
    if (!res.ok || parsed.status !== 'success' || parsed.data?.resultType !== 'vector')
      throw new PromoterError(
        `Prometheus at ${this.baseUrl} answered ${res.status} to ${expr}: ${parsed.error ?? text.slice(0, 200)}`,
        'prometheus',
      );
    return (parsed.data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map(
      (r) => ({ metric: r.metric, value: Number(r.value[1]) }),
    );
  }

  /** The value of a query that yields at most one series (an aggregate), undefined when none. */
  async scalar(expr: string): Promise<number | undefined> {
    return (await this.query(expr))[0]?.value;
  }
}
