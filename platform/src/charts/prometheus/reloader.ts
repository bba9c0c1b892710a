import { IMAGES, PORTS } from '../constants.ts';
import { RESTRICTED_CONTAINER } from '../k8s.ts';

export const CONFIG_DIR = '/etc/prometheus/config';
export const HEARTBEAT = '/tmp/reloader-alive';

/**
 * Watches the mounted configuration and rules (kubelet refreshes ConfigMap directories in place)
 * and asks Prometheus to reload when their content changes. Plain POSIX sh for busybox: the
 * already-pinned busybox image is enough, no extra reloader image to trust and pin. A failed
 * reload (bad configuration) is retried every interval and printed; Prometheus keeps the old one.
 */
export const RELOADER_SCRIPT = [
  'set -u',
  'digest() { for d in $WATCH_DIRS; do cat "$d"/* 2>/dev/null; done | sha256sum; }',
  'last=$(digest)',
  'while true; do',
  '  touch "$HEARTBEAT"',
  '  sleep "$INTERVAL_SECONDS"',
  '  now=$(digest)',
  '  [ "$now" = "$last" ] && continue',
  '  if wget -q -O /dev/null --post-data= "$RELOAD_URL"; then',
  '    last=$now; echo "configuration changed: reloaded"',
  '  else',
  '    echo "configuration changed: reload failed, retrying"',
  '  fi',
  'done',
].join('\n');

export function reloaderContainer(rulesDir: string) {
  const alive = {
    exec: { command: ['/bin/sh', '-c', `find ${HEARTBEAT} -mmin -2 | grep -q .`] },
    periodSeconds: 30,
  };
  return {
    name: 'config-reloader',
    image: IMAGES.busybox,
    command: ['/bin/sh', '-c', RELOADER_SCRIPT],
    env: [
      { name: 'WATCH_DIRS', value: `${CONFIG_DIR} ${rulesDir}` },
      { name: 'RELOAD_URL', value: `http://127.0.0.1:${PORTS.prometheus}/-/reload` },
      { name: 'INTERVAL_SECONDS', value: '10' },
      { name: 'HEARTBEAT', value: HEARTBEAT },
    ],
    resources: { requests: { cpu: '5m', memory: '8Mi' }, limits: { cpu: '50m', memory: '32Mi' } },
    securityContext: RESTRICTED_CONTAINER,
    readinessProbe: alive,
    livenessProbe: { ...alive, failureThreshold: 3 },
    volumeMounts: [
      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
      { name: 'rules', mountPath: rulesDir, readOnly: true },
      { name: 'reloader-tmp', mountPath: '/tmp' },
    ],
  };
}
