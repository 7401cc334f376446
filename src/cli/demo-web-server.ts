import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Middleware, Next } from 'koa';

/** The demo web chat's folder (demo-web/ at the repository root). */
export const DEMO_WEB_DIR = fileURLToPath(new URL('../../../demo-web/', import.meta.url));

/** Only these files are served, so nothing else under the folder leaks by accident. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Serves the demo web chat's static files at `/` (GET and HEAD only), for
 * `ecb demo`. Anything not found falls through to the next middleware, so
 * ECB's own 404 answers. Paths are resolved inside `dir`; `..` cannot escape.
 */
export const demoWebMiddleware =
  (dir: string = DEMO_WEB_DIR): Middleware =>
  async (ctx: Context, next: Next): Promise<void> => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const relative = ctx.path === '/' ? 'index.html' : ctx.path.slice(1);
    const contentType = CONTENT_TYPES[extname(relative)];
    const file = normalize(join(dir, relative));
    if (contentType === undefined || !file.startsWith(normalize(dir).replace(/[\\/]?$/, sep))) return next();
    const body = await readFile(file).catch(() => undefined);
    if (body === undefined) return next();
    ctx.type = contentType;
    // The demo is edited while it runs; always revalidate.
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = body;
  };
