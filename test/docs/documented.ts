import { expect } from 'vitest';
import { type ShellCommand, shellCommands } from './markdown.ts';

/** The command as a document shows it; fails when the document no longer shows it. */
export function documented(file: string, matches: (command: string) => boolean, what: string): ShellCommand {
  const found = shellCommands(file).find((c) => matches(c.command));
  expect(found, `${file} shows ${what}`).toBeDefined();
  return found!;
}

/**
 * Compares a documented JSON value with a real one: "…" stands for any string, and a documented
 * number must equal the real one rounded to the documented number's decimals.
 */
export function matchesDocumented(doc: unknown, real: unknown, path = '$'): string[] {
  if (doc === '…')
    return typeof real === 'string' ? [] : [`${path}: expected a string, got ${JSON.stringify(real)}`];
  if (typeof doc === 'number') {
    if (typeof real !== 'number') return [`${path}: expected a number, got ${JSON.stringify(real)}`];
    const decimals = (String(doc).split('.')[1] ?? '').length;
    const rounded = Number(real.toFixed(decimals));
    return rounded === doc ? [] : [`${path}: the document says ${doc}, the product answers ${real}`];
  }
  if (Array.isArray(doc)) {
    if (!Array.isArray(real) || real.length !== doc.length) return [`${path}: expected ${doc.length} items`];
    return doc.flatMap((d, i) => matchesDocumented(d, real[i], `${path}[${i}]`));
  }
  if (doc !== null && typeof doc === 'object') {
    if (real === null || typeof real !== 'object') return [`${path}: expected an object`];
    const docKeys = Object.keys(doc).sort();
    const realKeys = Object.keys(real).sort();
    if (docKeys.join() !== realKeys.join())
      return [`${path}: keys ${docKeys} documented, ${realKeys} served`];
    return docKeys.flatMap((k) =>
      matchesDocumented(
        (doc as Record<string, unknown>)[k],
        (real as Record<string, unknown>)[k],
        `${path}.${k}`,
      ),
    );
  }
  return doc === real
    ? []
    : [`${path}: the document says ${JSON.stringify(doc)}, the product answers ${JSON.stringify(real)}`];
}

/** A documented summary line with its numbers as wildcards: `N tests, N passed, …`. */
export function shapeOf(line: string): RegExp {
  return new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\d+/g, '\\d+')}$`);
}
