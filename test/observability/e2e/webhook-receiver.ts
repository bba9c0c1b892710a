import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What Alertmanager POSTs to a webhook receiver (version 4 payload). */
export interface WebhookPayload {
  readonly version: string;
  readonly status: string;
  readonly receiver: string;
  readonly groupLabels: Record<string, string>;
  readonly commonLabels: Record<string, string>;
  readonly alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
}

export interface Delivery {
  readonly authorization: string | undefined;
  readonly path: string;
  readonly payload: WebhookPayload;
}

/** A loopback stand-in for the promoter's /hooks/alertmanager endpoint that records every delivery. */
export async function startWebhookReceiver(): Promise<{
  url: string;
  deliveries: Delivery[];
  stop(): Promise<void>;
}> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookPayload;
        deliveries.push({ authorization: req.headers.authorization, path: req.url ?? '', payload });
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/alertmanager`,
    deliveries,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
