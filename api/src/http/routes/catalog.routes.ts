import { listingsPageSchema, listingsQuerySchema, streamsQuerySchema, streamsResponseSchema } from '@hawker/shared';
import type { CatalogService } from '../../services/catalog.service.js';
import type { StreamService } from '../../services/stream.service.js';
import { route, type AnyRouteSpec } from '../route.js';

export function catalogRoutes(catalog: CatalogService, streams: StreamService): AnyRouteSpec[] {
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
    route({
      method: 'get',
      path: '/streams',
      summary: 'List streams, e.g. ?status=live for what is on air now',
      tags: ['streams'],
      auth: 'optional',
      query: streamsQuerySchema,
      response: streamsResponseSchema,
      handler: ({ query }) => streams.list(query.status),
    }),
  ];
}
