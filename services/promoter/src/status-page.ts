import type { EnvStatus } from './status.ts';

/** Text for HTML element content and quoted attribute values: nothing in it can form markup. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"'`]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' })[c]!,
  );
}

/** A link only to http(s) URLs (GitHub's); anything else is shown as text. */
function link(url: string | undefined, text: string): string {
  if (!url) return escapeHtml(text);
  let ok = false;
  try {
    ok = ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {}
  return ok ? `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>` : escapeHtml(text);
}

const dash = '<span class="none">–</span>';

function envSection(status: EnvStatus): string {
  const v = status.verification;
  const b = status.bundle;
  const row = (label: string, html: string) => `<tr><th scope="row">${label}</th><td>${html}</td></tr>`;
  return `<section class="env" id="env-${escapeHtml(status.env)}">
<h2>${escapeHtml(status.env)}</h2>
<table>
${row('image', `<code class="image">${escapeHtml(b.image.tag)}</code>${b.image.digest ? ` <code class="digest">${escapeHtml(b.image.digest)}</code>` : ' <span class="warn">no digest</span>'}`)}
${row('model', `<code class="model">${escapeHtml(b.model.version)}</code> sha256 <code class="sha256">${escapeHtml(b.model.sha256)}</code>${b.model.digest ? ` modelcar <code class="digest">${escapeHtml(b.model.digest)}</code>` : ''}`)}
${row('since', status.since ? `<time class="since">${escapeHtml(status.since)}</time>` : dash)}
${row('deployed by', status.deployed ? `<code>${escapeHtml(status.deployed.commit.slice(0, 12))}</code>${status.deployed.pull ? ` ${link(status.deployed.pull.url, `#${status.deployed.pull.number} ${status.deployed.pull.title}`)}` : ''}` : dash)}
${row('verification', v ? `<span class="verification state-${escapeHtml(v.state)}">${escapeHtml(v.state)}</span> at <time>${escapeHtml(v.at)}</time>: ${escapeHtml(v.description)}${v.url ? ` (${link(v.url, 'evidence')})` : ''}` : '<span class="verification none">not verified</span>')}
${row('holds', status.holds.length ? `<ul class="holds">${status.holds.map((h) => `<li>${escapeHtml(h)}</li>`).join('')}</ul>` : dash)}
${row('open pull requests', status.openPulls.length ? `<ul class="pulls">${status.openPulls.map((p) => `<li class="${p.kind}">${p.kind}: ${link(p.url, `#${p.number} ${p.title}`)}</li>`).join('')}</ul>` : dash)}
</table>
</section>`;
}

/**
 * Where things stand, per environment, as one static page: no script, and a Content-Security-Policy
 * (see STATUS_PAGE_CSP) that would stop one even if escaping ever failed.
 */
export function statusPage(rows: readonly EnvStatus[], generatedAt: Date): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Titanic promotions</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 1.5rem; color: #1b1f24; }
.envs { display: grid; grid-template-columns: repeat(auto-fit, minmax(24rem, 1fr)); gap: 1rem; }
.env { border: 1px solid #d0d7de; border-radius: 8px; padding: 0 1rem 1rem; }
th { text-align: left; vertical-align: top; padding-right: 1rem; white-space: nowrap; color: #57606a; }
code { font-size: 12px; word-break: break-all; }
ul { margin: 0; padding-left: 1.1rem; }
.state-success { color: #1a7f37; font-weight: 600; } .state-failure, .state-error { color: #cf222e; font-weight: 600; }
.state-pending, .warn { color: #9a6700; } .none { color: #8c959f; }
</style>
</head>
<body>
<h1>Titanic promotions</h1>
<p>Per environment: the bundle it runs, since when, its last verification and the evidence, holds, and open promotion and rollback pull requests. As of <time id="generated">${escapeHtml(generatedAt.toISOString())}</time>.</p>
<div class="envs">
${rows.map(envSection).join('\n')}
</div>
</body>
</html>
`;
}

export const STATUS_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
