import Router from '@koa/router';
import { backendContractDocument, ecbOpenApiDocument } from '../../openapi/openapi-documents.js';

/** The version written into the documents; the HTTP contract is v1 (ECB-SPEC). */
export const OPENAPI_API_VERSION = '1.0.0';

/**
 * Serves the OpenAPI 3.1 documents: `/openapi.json` (ECB's client REST and
 * server API) and `/openapi/backend-contract.json` (what a backend implements).
 * Built once: they depend only on the codecs.
 */
export const openApiRouter = (): Router => {
  const ecb = ecbOpenApiDocument(OPENAPI_API_VERSION);
  const backend = backendContractDocument(OPENAPI_API_VERSION);
  const router = new Router();
  router.get('/openapi.json', (ctx) => {
    ctx.body = ecb;
  });
  router.get('/openapi/backend-contract.json', (ctx) => {
    ctx.body = backend;
  });
  return router;
};
