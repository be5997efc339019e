import { listingsPageSchema, listingsQuerySchema } from '@hawker/shared';
import type { CatalogService } from '../../services/catalog.service.js';
import { route, type AnyRouteSpec } from '../route.js';

export function catalogRoutes(catalog: CatalogService): AnyRouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/listings',
      summary: 'Browse active listings, newest first (cursor pagination)',
      tags: ['listings'],
      auth: 'optional',
      query: listingsQuerySchema,
      response: listingsPageSchema,
      handler: ({ query }) => catalog.browse(query),
    }),
  ];
}
