import { allContainers, containerFindings, podSpecOf, WORKLOAD_KINDS } from '../pods.ts';
import type { Finding, Rule } from '../types.ts';

export const requestsAndLimits: Rule = {
  id: 'TGP-003 requests-and-limits',
  reason: 'Without requests the scheduler and the HPA are blind; without limits one pod can starve a node.',
  fix: 'Set resources.requests and resources.limits for cpu and memory on every container, init containers included.',
  check(manifests) {
    return containerFindings(manifests, (c) => {
      const missing = (['requests', 'limits'] as const).flatMap((kind) =>
        (['cpu', 'memory'] as const).filter((r) => !c.resources?.[kind]?.[r]).map((r) => `${kind}.${r}`),
      );
      return missing.length > 0 ? [`container "${c.name}" lacks resources ${missing.join(', ')}`] : [];
    });
  },
};

export const probes: Rule = {
  id: 'TGP-004 probes',
  reason: 'Rollouts and Services only avoid broken pods when readiness and liveness are probed.',
  fix: 'Add readinessProbe and livenessProbe to every long-running container (the inference server uses /v2/health/ready and /v2/health/live).',
  check(manifests) {
    const out: Finding[] = [];
    for (const m of manifests) {
      if (m.object.kind === 'Job' || m.object.kind === 'CronJob') continue;
      const pod = podSpecOf(m.object);
      if (!pod) continue;
      for (const c of pod.containers ?? []) {
        if (!c.readinessProbe)
          out.push({ manifest: m, message: `container "${c.name}" has no readinessProbe` });
        if (!c.livenessProbe)
          out.push({ manifest: m, message: `container "${c.name}" has no livenessProbe` });
      }
    }
    return out;
  },
};

/** `repo:tag`, `repo@sha256:…` or both; a colon before the last slash is a registry port. */
export function imageParts(image: string): { tag?: string; digest?: string } {
  const [named, digest] = image.split('@') as [string, string | undefined];
  const lastSlash = named.lastIndexOf('/');
  const colon = named.indexOf(':', lastSlash + 1);
  return { tag: colon >= 0 ? named.slice(colon + 1) : undefined, digest };
}

export const pinnedImages: Rule = {
  id: 'TGP-005 pinned-images',
  reason:
    'An untagged or `latest` image changes under a running deployment and breaks `git revert` as a rollback.',
  fix: 'Use an explicit release tag (e.g. postgres:16.4) or a digest; never `latest`.',
  check(manifests) {
    return containerFindings(manifests, (c) => {
      const { tag, digest } = imageParts(c.image ?? '');
      if (!c.image) return [`container "${c.name}" has no image`];
      if (!digest && !tag) return [`container "${c.name}" image ${c.image} has no tag`];
      if (tag === 'latest' && !digest) return [`container "${c.name}" image ${c.image} uses latest`];
      return [];
    });
  },
};

export const firstPartyDigests: Rule = {
  id: 'TGP-006 first-party-digests',
  reason: 'Staging and prod must run exactly the bytes that were tested; tags can be moved, digests cannot.',
  fix: 'Record the digest in environments/<env>.yaml (image.digest / model.digest, written by the release workflow and the promoter) and re-run `npm run synth`.',
  check(manifests, ctx) {
    const out: Finding[] = [];
    for (const m of manifests) {
      const folder = ctx.folders[m.folder];
      if (!folder?.env || folder.env === 'dev') continue;
      const pod = podSpecOf(m.object);
      if (!pod) continue;
      for (const { container: c } of allContainers(pod)) {
        const image = c.image ?? '';
        if (!image.startsWith(ctx.firstPartyPrefix) || imageParts(image).digest) continue;
        const isModel = image.includes('/titanic-model:');
        const isPromoter = image.includes('/titanic-promoter:');
        const kind = isModel ? 'model' : isPromoter ? 'promoter.image' : 'image';
        const known = isModel
          ? folder.digests.model
          : isPromoter
            ? folder.digests.promoter
            : folder.digests.image;
        out.push({
          manifest: m,
          // Before the first release publishes a digest there is nothing to pin: warn only.
          severity: known ? 'fail' : 'warn',
          message: known
            ? `container "${c.name}" image ${image} is not pinned by digest although environments/${folder.env}.yaml records one`
            : `container "${c.name}" image ${image} has no digest yet (${kind}.digest unset)`,
        });
      }
    }
    return out;
  },
};

export const isWorkload = (kind?: string) => (WORKLOAD_KINDS as readonly string[]).includes(kind ?? '');
