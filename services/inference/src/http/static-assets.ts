import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PUBLIC_DIR } from '../paths.ts';

export interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  png: 'image/png',
};

function load(path: string): Asset {
  const ext = path.slice(path.lastIndexOf('.') + 1);
  return { body: readFileSync(path), type: TYPES[ext] ?? 'application/octet-stream' };
}

/**
 * The web page and the API reference, read once at start-up (works on a read-only root
 * filesystem, and a missing file fails start-up rather than a request). The reference page
 * renders /openapi.json with Swagger UI served from this server, no CDN.
 */
export function loadAssets(publicDir = PUBLIC_DIR): Map<string, Asset> {
  const swagger = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return new Map<string, Asset>([
    ['/', load(join(publicDir, 'index.html'))],
    ['/app.js', load(join(publicDir, 'app.js'))],
    ['/style.css', load(join(publicDir, 'style.css'))],
    ['/docs', load(join(publicDir, 'docs.html'))],
    ['/docs/docs.js', load(join(publicDir, 'docs.js'))],
    ['/docs/swagger-ui.css', load(join(swagger, 'swagger-ui.css'))],
    ['/docs/swagger-ui-bundle.js', load(join(swagger, 'swagger-ui-bundle.js'))],
  ]);
}
