import { EnvironmentError, parseEnvironment } from '@titanic/platform/environments/load.ts';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import { type Document, parseDocument } from 'yaml';
import { envPath } from './context.ts';
import { PromoterError } from './errors.ts';
import type { Repository } from './github.ts';

export type Hold = Environment['promotion']['holds'][number];

/**
 * An environment file kept as a YAML document, so edits touch only the promoted fields and every
 * comment and the formatting elsewhere survive.
 */
export class EnvironmentFile {
  private constructor(
    readonly path: string,
    private readonly doc: Document,
    readonly name: string,
  ) {}

  static parse(name: string, text: string): EnvironmentFile {
    const path = `environments/${name}.yaml`;
    const doc = parseDocument(text, { uniqueKeys: true });
    if (doc.errors.length > 0) {
      throw new PromoterError(
        `${path}: ${doc.errors[0]!.message.split('\n')[0]}`,
        'environment',
        'fix the YAML syntax',
      );
    }
    const file = new EnvironmentFile(path, doc, name);
    file.value();
    return file;
  }

  /** The validated content; a bad file is reported with its key path. */
  value(): Environment {
    try {
      return parseEnvironment(this.doc.toJS(), this.path, this.name);
    } catch (error) {
      if (error instanceof EnvironmentError)
        throw new PromoterError(error.message, 'environment', `fix ${this.path}`);
      throw error;
    }
  }

  /** Sets a scalar, keeping the node (and so its comments) when it exists. */
  private set(path: string[], value: string | undefined): void {
    if (value === undefined) {
      if (this.doc.hasIn(path)) this.doc.deleteIn(path);
      return;
    }
    this.doc.setIn(path, value);
  }

  setImage(tag: string, digest: string | undefined): void {
    this.set(['image', 'tag'], tag);
    this.set(['image', 'digest'], digest);
  }

  setModel(version: string, sha256: string, digest: string | undefined): void {
    this.set(['model', 'version'], version);
    this.set(['model', 'sha256'], sha256);
    this.set(['model', 'digest'], digest);
  }

  /** Pins `model.shadow`, or removes it (undefined). */
  setShadow(shadow: { version: string; sha256: string; digest?: string | undefined } | undefined): void {
    if (!shadow) {
      if (this.doc.hasIn(['model', 'shadow'])) this.doc.deleteIn(['model', 'shadow']);
      return;
    }
    this.set(['model', 'shadow', 'version'], shadow.version);
    this.set(['model', 'shadow', 'sha256'], shadow.sha256);
    this.set(['model', 'shadow', 'digest'], shadow.digest);
    this.value();
  }

  addHold(hold: Hold): void {
    const holds = this.value().promotion.holds;
    const same = holds.some((h) => h.model === hold.model && h.image === hold.image);
    if (same) return;
    const node = this.doc.createNode(
      Object.fromEntries(Object.entries(hold).filter(([, v]) => v !== undefined)),
    );
    if (this.doc.hasIn(['promotion', 'holds']) && holds.length > 0)
      this.doc.addIn(['promotion', 'holds'], node);
    else this.doc.setIn(['promotion', 'holds'], this.doc.createNode([node]));
    this.value();
  }

  toString(): string {
    return this.doc.toString({ lineWidth: 0 });
  }
}

/** The environment file of `name` at `ref` (the default branch's head, as callers pass it). */
export async function loadEnvironmentFile(
  repo: Pick<Repository, 'readText'>,
  ref: string,
  name: string,
): Promise<EnvironmentFile> {
  const text = await repo.readText(ref, envPath(name));
  if (text === undefined)
    throw new PromoterError(
      `${envPath(name)} does not exist on the default branch`,
      'environment',
      'use one of dev, staging, prod',
    );
  return EnvironmentFile.parse(name, text);
}
