import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/**
 * OpenAPI 3.1 built from the route schemas, at `/openapi.json`, and Swagger UI at `/docs` (its assets are served
 * from the package: no CDN, works offline). Register before the routes it should describe.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    // Shared schemas keep their $id as the component name (Flag, Segment, …) instead of def-N.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json['$id'] === 'string' ? json['$id'] : `def-${i}`,
    },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Wavegate API',
        version,
        description:
          'Admin API (/api/v1, admin token), client API (/api/client, client token), OFREP (/ofrep/v1). ' +
          'Errors: {error: {code, message, details?, requestId}} — see docs/errors.md.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'wg_admin_… / wg_client_… / wg_frontend_…' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
