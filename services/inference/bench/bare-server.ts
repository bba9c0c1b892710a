import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// Baseline: node:http reading and parsing the same JSON body, answering a constant.
const ANSWER = JSON.stringify({
  survived: false,
  probability: 0.11,
  model: { name: 'titanic', version: 'x' },
  requestId: 'r',
});

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(ANSWER);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => process.exit(0));
