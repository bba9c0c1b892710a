import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebhookPayload, webhookSchema } from '@titanic/promoter/alertmanager.ts';

export interface Delivery {
  readonly authorization: string | undefined;
  readonly path: string;
  readonly payload: WebhookPayload;
}

/**
 * A loopback stand-in for the promoter's /hooks/alertmanager endpoint that records every delivery.
 * It reads the body with the promoter's own schema: a body the promoter would refuse is answered
 * 400 and its reason kept in `refused`.
 */
export async function startWebhookReceiver(): Promise<{
  url: string;
  deliveries: Delivery[];
  refused: string[];
  stop(): Promise<void>;
}> {
  const deliveries: Delivery[] = [];
  const refused: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const payload = webhookSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        deliveries.push({ authorization: req.headers.authorization, path: req.url ?? '', payload });
        res.writeHead(200).end();
      } catch (err) {
        refused.push(String(err));
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/alertmanager`,
    deliveries,
    refused,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
