import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every Markdown file git tracks, outside the rendered and generated folders. */
export function trackedDocs(): string[] {
  const files = execFileSync('git', ['ls-files', '*.md'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return files
    .split('\n')
    .filter((f) => f && !f.startsWith('dist/') && !f.includes('__snapshots__'))
    .sort();
}

export interface DocNode {
  readonly file: string;
  readonly line: number;
}

export interface Link extends DocNode {
  readonly url: string;
}

export interface CodeSpan extends DocNode {
  readonly text: string;
}

/** One shell command of a fenced block, continuation lines joined, and the `# …` lines after it. */
export interface ShellCommand extends DocNode {
  readonly command: string;
  /** The `# …` lines right below the command: the output the document promises. */
  readonly output: readonly string[];
}

function parse(file: string): Root {
  return fromMarkdown(readFileSync(`${REPO_ROOT}/${file}`, 'utf8'));
}

function walk(node: Nodes, visit: (node: Nodes) => void): void {
  visit(node);
  if ('children' in node) for (const child of node.children) walk(child, visit);
}

function lineOf(node: Nodes): number {
  return node.position?.start.line ?? 0;
}

export function links(file: string): Link[] {
  const found: Link[] = [];
  walk(parse(file), (node) => {
    if (node.type === 'link' || node.type === 'image' || node.type === 'definition') {
      found.push({ file, line: lineOf(node), url: node.url });
    }
  });
  return found;
}

export function codeSpans(file: string): CodeSpan[] {
  const found: CodeSpan[] = [];
  walk(parse(file), (node) => {
    if (node.type === 'inlineCode') found.push({ file, line: lineOf(node), text: node.value });
  });
  return found;
}

const SHELL = new Set(['sh', 'bash', 'shell', 'console']);

/** Commands of the document's shell blocks (fenced as sh, bash, shell or console). */
export function shellCommands(file: string): ShellCommand[] {
  const found: ShellCommand[] = [];
  walk(parse(file), (node) => {
    if (node.type !== 'code' || !SHELL.has(node.lang ?? '')) return;
    const lines = node.value.split('\n');
    let i = 0;
    while (i < lines.length) {
      const start = i;
      let text = lines[i]!;
      while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]!.trim()}`;
      i++;
      const command = stripComment(text).trim();
      const output: string[] = [];
      while (i < lines.length && lines[i]!.startsWith('# ')) output.push(lines[i++]!.slice(2));
      if (command && !command.startsWith('#')) {
        found.push({ file, line: lineOf(node) + 1 + start, command: command.replace(/\s+/g, ' '), output });
      }
    }
  });
  return found;
}

/** Drops a trailing `# comment` that is outside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
      return line.slice(0, i);
    }
  }
  return line;
}

export function docDir(file: string): string {
  return dirname(file);
}
