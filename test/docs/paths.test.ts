import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeSpans, docDir, links, REPO_ROOT, trackedDocs } from './markdown.ts';

const EXTENSIONS = /\.(ts|js|mjs|json|ya?ml|md|sh|sql|svg|onnx|lua|html|css|toml|Dockerfile)$/;
const PLACEHOLDER = /[<{*…$]|\.\.\.$/;

/** The part of a documented path a reader can open: up to the first placeholder segment. */
function concretePart(path: string): string {
  const segments = path.split('/');
  const cut = segments.findIndex((s) => PLACEHOLDER.test(s));
  return (cut === -1 ? segments : segments.slice(0, cut)).join('/');
}

/** Where a path in `file` points: beside the document when it exists there, else from the root. */
function resolveIn(file: string, path: string): string | undefined {
  for (const base of [docDir(file), '.']) {
    const full = normalize(join(REPO_ROOT, base, path));
    if (existsSync(full)) return full;
  }
  return undefined;
}

/** Build outputs and local data (`build/main.js`, `.data/`) exist only after a command runs. */
function ignoredByGit(file: string, path: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '-q', join(docDir(file), path)], { cwd: REPO_ROOT });
    return true;
  } catch {
    return false;
  }
}

/** A code span that names a file or folder of this repository (not a URL, route, package or key). */
function looksLikeRepoPath(file: string, text: string): boolean {
  if (/\s|:\/\/|^[/@~.]|^-|=/.test(text) || !text.includes('/')) return false;
  const first = text.split('/')[0]!;
  if (PLACEHOLDER.test(first)) return false;
  return resolveIn(file, first) !== undefined || EXTENSIONS.test(concretePart(text));
}

describe('paths the documents name', () => {
  const docs = trackedDocs();

  it('finds the documents', () => {
    expect(docs).toContain('README.md');
    expect(docs).toContain('services/inference/README.md');
  });

  it('every relative link points at a file or folder that exists', () => {
    const broken = docs.flatMap((file) =>
      links(file)
        .filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l.url) && !l.url.startsWith('#'))
        .filter((l) => resolveIn(file, decodeURIComponent(l.url.split('#')[0]!)) === undefined)
        .map((l) => `${l.file}:${l.line} ${l.url}`),
    );
    expect(broken).toEqual([]);
  });

  it('every repository path in a code span exists (up to its first placeholder)', () => {
    const paths = docs.flatMap((file) => codeSpans(file).filter((s) => looksLikeRepoPath(file, s.text)));
    const missing = paths
      .filter((s) => {
        const path = concretePart(s.text.replace(/[,.;:]$/, ''));
        return path !== '' && resolveIn(s.file, path) === undefined && !ignoredByGit(s.file, path);
      })
      .map((s) => `${s.file}:${s.line} ${s.text}`);
    expect(missing).toEqual([]);
    // The documents name far more paths than this; a parser that finds few has stopped reading them.
    expect(paths.length).toBeGreaterThan(100);
  });
});
