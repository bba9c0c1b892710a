/**
 * Every upstream image the charts use, pinned `repository:tag@sha256:…` so a pod pulls the bytes
 * that were reviewed even if the tag is re-pushed or withdrawn upstream. The digest is the
 * multi-architecture index of the tag; `source` records where it was read, so the next bump can be
 * checked the same way (`crane digest <repository>:<tag>` or `docker buildx imagetools inspect`).
 * Bump one image per change and re-run `npm run synth`.
 */
export interface UpstreamImage {
  readonly repository: string;
  readonly tag: string;
  readonly digest: `sha256:${string}`;
  /** Who maintains the image. */
  readonly maintainer: string;
  /** Where the digest was taken from. */
  readonly source: string;
}

export function upstreamRef(image: UpstreamImage): string {
  return `${image.repository}:${image.tag}@${image.digest}`;
}

export const UPSTREAM = {
  prometheus: {
    repository: 'docker.io/prom/prometheus',
    tag: 'v2.53.2',
    digest: 'sha256:cafe963e591c872d38f3ea41ff8eb22cee97917b7c97b5c0ccd43a419f11f613',
    maintainer: 'Prometheus project',
    source: 'pinned in ctfer-io/monitoring (Pulumi Prometheus deployment)',
  },
  alertmanager: {
    repository: 'docker.io/prom/alertmanager',
    tag: 'v0.27.0',
    digest: 'sha256:e13b6ed5cb929eeaee733479dce55e10eb3bc2e9c4586c705a4e8da41e5eacf5',
    maintainer: 'Prometheus project',
    source: 'pinned identically in several public compose/ansible repositories (docker-compose image pins)',
  },
  grafana: {
    repository: 'docker.io/grafana/grafana',
    tag: '11.2.0',
    digest: 'sha256:408afb9726de5122b00a2576763a8a57a3c86d5b0eff5305bc994ceb3eb96c3f',
    maintainer: 'Grafana Labs',
    source:
      'pinned identically in several public repositories (a NixOS oci-containers module, compose files)',
  },
  postgresExporter: {
    repository: 'quay.io/prometheuscommunity/postgres-exporter',
    tag: 'v0.15.0',
    digest: 'sha256:386b12d19eab2a37d7cd8ca8b4c7491cc7a830d9581f49af6c98a393da9605e6',
    maintainer: 'Prometheus community',
    source:
      'pinned identically in public repositories for both quay.io and docker.io (a Go addon constant, compose files)',
  },
  busybox: {
    repository: 'docker.io/library/busybox',
    tag: '1.36.1-musl',
    digest: 'sha256:3c6ae8008e2c2eedd141725c30b20d9c36b026eb796688f88205845ef17aa213',
    maintainer: 'Docker Official Images',
    source: 'pinned identically as a multi-arch FROM in several public Dockerfiles',
  },
} as const satisfies Record<string, UpstreamImage>;

/** The official postgres image, per version an environment may pin (environments/*.yaml postgres.version). */
export const POSTGRES: Readonly<Record<string, UpstreamImage>> = {
  '16.4': {
    repository: 'docker.io/library/postgres',
    tag: '16.4',
    digest: 'sha256:e62fbf9d3e2b49816a32c400ed2dba83e3b361e6833e624024309c35d334b412',
    maintainer: 'Docker Official Images',
    source: 'pinned identically in two public repositories (compose digest-pin checks)',
  },
};

export function postgresImage(version: string): UpstreamImage {
  const image = POSTGRES[version];
  if (!image) {
    throw new Error(
      `postgres.version "${version}" has no pinned digest: add it to POSTGRES in platform/src/charts/images.ts (known: ${Object.keys(POSTGRES).join(', ')})`,
    );
  }
  return image;
}
