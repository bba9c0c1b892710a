import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../environments/load.ts';
import { type RenderedFiles, type SynthOptions, synthEnvironments } from './render.ts';

export interface DistReport {
  /** Files whose content differs from the render. */
  readonly stale: string[];
  /** Rendered files absent from disk. */
  readonly missing: string[];
  /** Files on disk in a rendered folder that the render no longer produces. */
  readonly extra: string[];
  readonly unchanged: string[];
}

/** YAML files already on disk in the folders this render owns. */
async function existingFiles(root: string, files: RenderedFiles): Promise<string[]> {
  const folders = [...new Set(Object.keys(files).map((f) => dirname(f)))];
  const found: string[] = [];
  for (const folder of folders) {
    let entries: string[] = [];
    try {
      entries = await readdir(join(root, folder));
    } catch {
      continue;
    }
    for (const e of entries) if (e.endsWith('.yaml') || e.endsWith('.yml')) found.push(`${folder}/${e}`);
  }
  return found.sort();
}

async function compare(root: string, files: RenderedFiles): Promise<DistReport> {
  const report: DistReport = { stale: [], missing: [], extra: [], unchanged: [] };
  for (const [path, content] of Object.entries(files)) {
    let current: string | undefined;
    try {
      current = await readFile(join(root, path), 'utf8');
    } catch {
      current = undefined;
    }
    if (current === undefined) report.missing.push(path);
    else if (current !== content) report.stale.push(path);
    else report.unchanged.push(path);
  }
  for (const path of await existingFiles(root, files)) if (!(path in files)) report.extra.push(path);
  return report;
}

/** Renders and compares with disk without writing anything. */
export async function checkDist(options: SynthOptions = {}): Promise<DistReport & { ok: boolean }> {
  const root = options.root ?? REPO_ROOT;
  const report = await compare(root, await synthEnvironments(options));
  return { ...report, ok: report.stale.length + report.missing.length + report.extra.length === 0 };
}

/** Renders, writes changed files and removes files the render no longer produces. */
export async function writeDist(options: SynthOptions = {}): Promise<DistReport & { files: RenderedFiles }> {
  const root = options.root ?? REPO_ROOT;
  const files = await synthEnvironments(options);
  const report = await compare(root, files);
  for (const path of [...report.stale, ...report.missing]) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), files[path] as string);
  }
  for (const path of report.extra) await rm(join(root, path));
  return { ...report, files };
}
