import type { Rule } from '../types.ts';
import { pdbForReplicated, prodMinReplicas } from './availability.ts';
import { imageProvenance } from './images.ts';
import { argocdProject, namespaced, recommendedLabels } from './metadata.ts';
import { defaultDeny, ingressTls } from './network.ts';
import { noTokenAutomount, podSecurityRestricted } from './pod-security.ts';
import { noSecretData } from './secrets.ts';
import { firstPartyDigests, pinnedImages, probes, requestsAndLimits } from './workloads.ts';

export const RULES: readonly Rule[] = [
  podSecurityRestricted,
  noTokenAutomount,
  requestsAndLimits,
  probes,
  pinnedImages,
  firstPartyDigests,
  imageProvenance,
  noSecretData,
  pdbForReplicated,
  prodMinReplicas,
  ingressTls,
  defaultDeny,
  recommendedLabels,
  namespaced,
  argocdProject,
];
