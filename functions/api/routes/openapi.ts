import { openApiDocument } from '#functions/api/openapi/document.ts';
import type { RouteHandler } from '#functions/api/router.ts';
import { json } from '#shared/http/response.ts';

/**
 * `GET /api/openapi.json`, without a key: the document with this deployment as its server, so a
 * generator pointed at the URL makes a client for the API that served it.
 */
export const openApiRoutes: Record<'openApi', RouteHandler> = {
  openApi: async (event) => {
    const host = event.headers.host;
    const scheme = event.headers['x-forwarded-proto'] ?? 'http';
    const document = openApiDocument();
    return json(200, host ? { ...document, servers: [{ url: `${scheme}://${host}` }] } : document);
  },
};
