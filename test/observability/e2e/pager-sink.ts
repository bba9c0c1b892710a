import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PagerSink {
  readonly url: string;
  /** Alert names of every notification received, in order. */
  readonly pages: { alertname: string; status: string; authorization: string }[];
  stop(): Promise<void>;
}

/** Stands in for the human pager (a generic webhook): records what Alertmanager sends it. */
export async function startPagerSink(): Promise<PagerSink> {
  const pages: PagerSink['pages'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as {
          status: string;
          alerts: { labels: Record<string, string> }[];
        };
        for (const a of body.alerts)
          pages.push({
            alertname: a.labels.alertname ?? '',
            status: body.status,
            authorization: req.headers.authorization ?? '',
          });
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/page`,
    pages,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
