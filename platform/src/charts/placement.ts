/** Where a component's objects go; every chart's props extend it. */
export interface Placement {
  /** The environment the objects belong to: the `app.kubernetes.io/instance` label and name parts. */
  readonly envName: string;
  /** Namespace of every namespaced object. */
  readonly namespace: string;
}

/** An image pinned by tag and, where the environment records it, by digest. */
export interface ImagePin {
  readonly repository: string;
  readonly tag: string;
  /** @default none: the tag alone (dev, before a digest is recorded) */
  readonly digest?: string | undefined;
}
