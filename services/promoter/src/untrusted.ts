/**
 * Text the bot did not write (alert summaries, override reasons) reaches commit messages, YAML and
 * pull-request bodies. It is made one bounded line before it is stored anywhere, and rendered in
 * Markdown only as inert code, so it can neither look like a trailer or a hidden data block nor
 * ping, link, hide or break anything on GitHub.
 */

/** Longest reason kept, in characters. */
export const MAX_REASON = 200;

/** One line of printable text, at most `max` characters (an ellipsis marks a cut). */
export function oneLine(text: string, max = MAX_REASON): string {
  // Control characters (newlines included) and Unicode line/paragraph separators become spaces.
  const flat = text
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Untrusted text as an inline `<code>` element whose content is entity-escaped: GitHub shows it
 * verbatim, never parses Markdown, HTML, autolinks or @mentions inside code, and a table cell
 * never sees a raw `|`. Letters, digits and spaces stay readable in the raw body.
 */
export function code(text: string, max = MAX_REASON): string {
  const escaped = [...oneLine(text, max)]
    .map((c) => (/[\p{L}\p{N} ]/u.test(c) ? c : `&#${c.codePointAt(0)};`))
    .join('');
  return `<code>${escaped}</code>`;
}

/**
 * A link target only when it is http(s) on one of the given hosts (the environment's own
 * Prometheus); anything else (javascript:, data:, another host) is not linked.
 */
export function safeLink(url: string, hosts: readonly string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (!hosts.includes(parsed.hostname) || parsed.username || parsed.password) return undefined;
  // Parentheses and spaces would end a Markdown link target early.
  return parsed.href.replace(/[()\s<>]/g, (c) => encodeURIComponent(c));
}
