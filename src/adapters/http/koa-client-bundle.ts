import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import Router from '@koa/router';

/** Where `npm run build` puts the browser bundle of the client library. */
export const CLIENT_BUNDLE_FILE = fileURLToPath(new URL('../../../../client/dist/ecb-client.js', import.meta.url));

/**
 * GET /ecb-client.js: the client library as one file for a <script> tag,
 * read once and then served from memory.
 */
export const clientBundleRouter = (file: string = CLIENT_BUNDLE_FILE): Router => {
  let bundle: Promise<Buffer | undefined> | undefined;
  const router = new Router();
  router.get('/ecb-client.js', async (ctx) => {
    bundle ??= readFile(file).catch(() => undefined);
    const body = await bundle;
    if (body === undefined) {
      bundle = undefined;
      return; // not built: the error boundary answers 404
    }
    ctx.type = 'application/javascript; charset=utf-8';
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = body;
  });
  return router;
};
