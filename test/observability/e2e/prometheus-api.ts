/** The parts of Prometheus' HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/) the tests use. */
export interface QueryResponse {
  readonly status: 'success' | 'error';
  readonly errorType?: string;
  readonly error?: string;
  readonly data?: {
    resultType: string;
    result: { metric: Record<string, string>; value?: [number, string] }[];
  };
}

export interface ActiveAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly state: 'pending' | 'firing';
  readonly value: string;
}

export class PrometheusApi {
  constructor(readonly baseUrl: string) {}

  async query(expr: string): Promise<QueryResponse> {
    const res = await fetch(`${this.baseUrl}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: expr }),
    });
    return (await res.json()) as QueryResponse;
  }

  async alerts(): Promise<ActiveAlert[]> {
    const res = await fetch(`${this.baseUrl}/api/v1/alerts`);
    const body = (await res.json()) as { data: { alerts: ActiveAlert[] } };
    return body.data.alerts;
  }

  async targetsUp(): Promise<number> {
    const res = await this.query('sum(up)');
    return Number(res.data?.result[0]?.value?.[1] ?? 0);
  }
}
