import type { IContainer } from 'kubernetes-models/v1/Container';
import { describe, expect, it } from 'vitest';
import { containerArgv, containerEnv, expand, quantity, type RenderedPod } from './pod-spec.ts';

// The kubelet's rules the image test applies to whatever the charts render next: command/args
// against the image's ENTRYPOINT/CMD, $(VAR) expansion, env sources and quantities.

const IMAGE = { entrypoint: [] as string[], cmd: ['node', '--max-old-space-size=512', 'main.js'] };

const pod = (containers: IContainer[]): RenderedPod => ({
  env: 'dev',
  deployment: 'inference',
  namespace: 'titanic-dev',
  podName: 'inference-abc-123',
  labels: { app: 'inference' },
  annotations: {},
  spec: { containers, enableServiceLinks: false },
  configMaps: new Map([['settings', { LEVEL: 'debug' }]]),
});

describe('the kubelet rules of the image test', () => {
  it('expands $(VAR) like the kubelet: known names replaced, $$ escapes, unknown kept', () => {
    const vars = new Map([
      ['HEAP', '230'],
      ['A', 'x'],
    ]);
    expect(expand('--max-old-space-size=$(HEAP)', vars)).toBe('--max-old-space-size=230');
    expect(expand('$$(HEAP) $(MISSING) $(A)$(A)', vars)).toBe('$(HEAP) $(MISSING) xx');
  });

  it('runs command (dropping CMD), or the ENTRYPOINT with args, or the image command', () => {
    const vars = new Map([['HEAP', '230']]);
    expect(containerArgv({ name: 'c', command: ['node', 'a.js'] }, IMAGE, vars)).toEqual(['node', 'a.js']);
    expect(
      containerArgv({ name: 'c', args: ['node', '--max-old-space-size=$(HEAP)', 'main.js'] }, IMAGE, vars),
    ).toEqual(['node', '--max-old-space-size=230', 'main.js']);
    expect(
      containerArgv({ name: 'c', args: ['-v'] }, { entrypoint: ['node'], cmd: ['main.js'] }, vars),
    ).toEqual(['node', '-v']);
    expect(containerArgv({ name: 'c' }, IMAGE, vars)).toEqual(IMAGE.cmd);
    expect(() => containerArgv({ name: 'c' }, { entrypoint: [], cmd: [] }, vars)).toThrow(/names a command/);
  });

  it('builds the env from the image, env sources in order and the runtime variables', () => {
    const c: IContainer = {
      name: 'inference',
      resources: { limits: { memory: '384Mi', cpu: '500m' } },
      env: [
        { name: 'PORT', value: '9090' },
        { name: 'MEMORY_MB', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'CPUS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        { name: 'HEAP', value: '$(MEMORY_MB)-$(LATER)' },
        { name: 'LATER', value: 'x' },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'LEVEL' } } },
        { name: 'DB', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } },
        { name: 'KEYS', valueFrom: { secretKeyRef: { name: 'keys', key: 'keys', optional: true } } },
      ],
    };
    const { env, kubeletVars } = containerEnv(
      pod([c]),
      c,
      [
        ['PORT', '8080'],
        ['NODE_ENV', 'production'],
      ],
      { secrets: { 'db/url': 'postgres://test' } },
    );
    expect(env).toMatchObject({
      PORT: '9090',
      NODE_ENV: 'production',
      MEMORY_MB: '384',
      CPUS: '1',
      HEAP: '384-$(LATER)',
      POD: 'inference-abc-123',
      APP: 'inference',
      LEVEL: 'debug',
      DB: 'postgres://test',
      HOSTNAME: 'inference-abc-123',
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
    });
    expect(env).not.toHaveProperty('KEYS');
    expect(kubeletVars.has('NODE_ENV')).toBe(false);
    expect(() => containerEnv(pod([c]), c, [], { secrets: {} })).toThrow(
      /env DB: Secret db key url has no test value/,
    );
  });

  it('reads Kubernetes quantities', () => {
    expect(quantity('384Mi')).toBe(384 * 2 ** 20);
    expect(quantity('500m')).toBe(0.5);
    expect(quantity('1G')).toBe(1e9);
    expect(quantity(2)).toBe(2);
    expect(() => quantity('12Q')).toThrow(/not a Kubernetes quantity/);
  });
});
