// The network side of a test pod. It runs inside the pod's own network namespace (podCommand in
// sandbox.ts), as a pod's infrastructure container would hold it, and:
//   - exposes each container port on a Unix socket in the pod folder (the test's kubelet and
//     clients reach 127.0.0.1:<port> of the pod through it; nothing listens on the host's ports),
//   - gives the pod 127.0.0.1:<port> for each service it reaches outside (PostgreSQL), forwarded
//     to a Unix socket the test serves,
//   - runs the container (its bwrap command line) in this namespace and exits with its status,
//     after writing the container process's pid (as the host sees it) for the kubelet's signals.
// Usage: node pod-network.mjs <spec.json>
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { constants } from 'node:os';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));

function join(a, b) {
  a.pipe(b);
  b.pipe(a);
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.on('close', () => b.destroy());
  b.on('close', () => a.destroy());
}

function listen(server, ...where) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(...where, resolve);
  });
}

for (const { socket, port } of spec.expose) {
  const server = createServer((client) => join(client, createConnection(port, '127.0.0.1')));
  await listen(server, socket);
  chmodSync(socket, 0o666);
}
for (const { port, socket } of spec.reach) {
  const server = createServer((client) => join(client, createConnection(socket)));
  await listen(server, port, '127.0.0.1');
}

const [command, ...args] = spec.argv;
const child = spawn(command, ['--info-fd', '3', ...args], {
  env: spec.env,
  stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
});
let info = '';
child.stdio[3].on('data', (chunk) => {
  info += chunk;
  const pid = /"child-pid":\s*(\d+)/.exec(info)?.[1];
  if (pid) writeFileSync(spec.pidFile, pid);
});
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
