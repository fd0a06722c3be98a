/** /v1/openapi.json (the OpenAPI 3.1 document, generated from the contract's zod schemas) and /v1/docs. */
import { renderReferencePage } from '../docs/reference-page.ts';
import type { EdgeApp } from '../http/context.ts';

export const OPENAPI_INFO = {
  title: 'Keel API',
  version: '1.0.0',
  description:
    'The public REST API of Keel, AI-driven crypto trading. Authenticate with `Authorization: Bearer <token>`: an ' +
    'access token (self-hosted: POST /v1/auth/login; Supabase mode: supabase-js) or an API token (`keel_…`, scoped ' +
    'read / trade / admin). Errors are RFC 9457 problem+json. Lists page with `cursor` and `limit`.',
};

export function openApiDocument(app: EdgeApp) {
  return app.getOpenAPI31Document({ openapi: '3.1.0', info: OPENAPI_INFO });
}

export function registerDocsRoutes(app: EdgeApp): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An access token (JWT) or an API token (keel_…)',
  });
  let document: ReturnType<typeof openApiDocument> | null = null;
  let page: Awaited<ReturnType<typeof renderReferencePage>> | null = null;
  // Built on first request, when every route is registered; the routes do not change afterwards.
  const spec = () => {
    document ??= openApiDocument(app);
    return document;
  };
  app.get('/v1/openapi.json', (c) => c.json(spec()));
  app.get('/v1/docs', async (c) => {
    page ??= await renderReferencePage(spec() as unknown as Record<string, unknown>);
    c.header(
      'content-security-policy',
      `default-src 'none'; script-src ${page.scriptHash}; style-src 'unsafe-inline'; connect-src 'self'; ` +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    return c.html(page.html);
  });
}
