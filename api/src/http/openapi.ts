import { OpenApiGeneratorV3, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';

export function createOpenApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'sessionCookie', { type: 'apiKey', in: 'cookie', name: 'hawker_session' });
  return registry;
}

/** Paths are registered under the router's mount point, so prefix them with /api. */
export function buildOpenApiDocument(registry: OpenAPIRegistry) {
  const doc = new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: { title: 'Hawker API', version: '0.1.0', description: 'Live commerce: streams, listings, checkout with escrow.' },
    servers: [{ url: '/api' }],
  });
  return doc;
}
