/** A Kubernetes object as parsed from dist/. */
export interface K8sObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [key: string]: unknown;
}

export interface Manifest {
  /** Path relative to the repository root, e.g. `dist/prod/inference.yaml`. */
  readonly file: string;
  /** `dev`, `staging`, `prod` or `argocd`. */
  readonly folder: string;
  readonly object: K8sObject;
}

export interface FolderContext {
  /** The namespace every namespaced object of the folder must use. */
  readonly namespace: string;
  /** Environment name, absent for dist/argocd/. */
  readonly env?: string;
  /** First-party images (and modelcar) whose digest the environment file already records. */
  readonly digests: { readonly image: boolean; readonly model: boolean; readonly promoter?: boolean };
}

export interface PolicyContext {
  readonly folders: Readonly<Record<string, FolderContext>>;
  /** Image repositories built by this project (pinned by digest in staging/prod). */
  readonly firstPartyPrefix: string;
}

export interface Finding {
  readonly manifest: Manifest;
  readonly message: string;
  /** `warn` does not fail the run (e.g. a digest not published yet). */
  readonly severity?: 'fail' | 'warn';
}

export interface Rule {
  readonly id: string;
  /** Why the rule exists. */
  readonly reason: string;
  /** What to change when it fails. */
  readonly fix: string;
  check(manifests: readonly Manifest[], ctx: PolicyContext): Finding[];
}
