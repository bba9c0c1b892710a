import { allContainers, podSpecOf } from '../pods.ts';
import type { Finding, Rule } from '../types.ts';

/** `repository:tag@sha256:<64 hex>`: the tag for humans, the digest for the node. */
export const PINNED_UPSTREAM =
  /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+:[A-Za-z0-9_][A-Za-z0-9_.-]*@sha256:[0-9a-f]{64}$/;

/**
 * Every image is either built by this repository's release workflow or a maintained upstream image
 * pinned by digest: a withdrawn or re-pushed upstream tag then cannot stop a sync or change a pod.
 */
export const imageProvenance: Rule = {
  id: 'TGP-015 image-provenance',
  reason:
    'An upstream tag can be withdrawn or re-pushed (a vanished kubectl tag once blocked every first sync); only our own releases and digest-pinned upstream images are predictable.',
  fix: 'Use an image built by .github/workflows/release.yml (ghcr.io/titanic-ml/…), or add the upstream image to platform/src/charts/images.ts as repository:tag@sha256:… with the source of its digest.',
  check(manifests, ctx) {
    const out: Finding[] = [];
    for (const m of manifests) {
      const pod = podSpecOf(m.object);
      if (!pod) continue;
      const env = ctx.folders[m.folder]?.env;
      for (const { container: c } of allContainers(pod)) {
        const image = c.image ?? '';
        if (image.startsWith(ctx.firstPartyPrefix) || PINNED_UPSTREAM.test(image)) continue;
        out.push({
          manifest: m,
          // Dev may try an upstream tag before it is pinned; staging and prod may not.
          severity: env === 'dev' ? 'warn' : 'fail',
          message: `container "${c.name}" image ${image} is neither built here nor pinned repository:tag@sha256:…`,
        });
      }
    }
    return out;
  },
};
