import {
  createListingBodySchema,
  listingDetailSchema,
  listingsPageSchema,
  listingsQuerySchema,
  reviewViewSchema,
  updateListingBodySchema,
} from '@hawker/shared';
import { z } from 'zod';
import type { CatalogService } from '../../services/catalog.service.js';
import type { ImageService } from '../../services/image.service.js';
import type { ReviewService } from '../../services/review.service.js';
import { route, type AnyRouteSpec } from '../route.js';
import type { DiscoveryService } from '../../services/discovery.service.js';

const idParams = z.object({ id: z.uuid() }).strict();

export function catalogRoutes(
  catalog: CatalogService,
  images: ImageService,
  reviews: ReviewService,
  discovery: DiscoveryService,
): AnyRouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/listings',
      summary: 'Search and browse active listings (full-text q, category, shop, price range, sort), paginated',
      tags: ['listings'],
      auth: 'optional',
      query: listingsQuerySchema,
      response: listingsPageSchema,
      handler: ({ query }) => catalog.browse({ ...query, affiliate: query.affiliate === 'true' }),
    }),
    route({
      method: 'get',
      path: '/listings/:id',
      summary: 'One listing with images and rating',
      tags: ['listings'],
      auth: 'optional',
      params: idParams,
      response: listingDetailSchema,
      errors: [404],
      async handler({ params, principal }) {
        const listing = await catalog.listing(params.id, principal);
        discovery.viewed(principal, params.id);
        return listing;
      },
    }),
    route({
      method: 'post',
      path: '/listings',
      summary: 'Create a listing in your shop (price in minor units)',
      tags: ['listings'],
      auth: 'required',
      body: createListingBodySchema,
      status: 201,
      response: listingDetailSchema,
      errors: [403],
      handler: ({ principal, body }) => catalog.createListing(principal, body),
    }),
    route({
      method: 'patch',
      path: '/listings/:id',
      summary: "Edit a listing (the shop's owner only)",
      tags: ['listings'],
      auth: 'required',
      params: idParams,
      body: updateListingBodySchema,
      response: listingDetailSchema,
      errors: [403, 404],
      handler: ({ principal, params, body }) => catalog.updateListing(principal, params.id, body),
    }),
    route({
      method: 'post',
      path: '/listings/:id/images',
      summary: 'Upload an image (PNG, JPEG or WebP, up to 5 MB) as the raw request body',
      tags: ['listings'],
      auth: 'required',
      params: idParams,
      rawBody: { types: ['image/png', 'image/jpeg', 'image/webp'], limitBytes: 5 * 1024 * 1024 },
      status: 201,
      response: z.object({ id: z.uuid(), url: z.string() }),
      errors: [403, 404, 413, 415],
      handler: ({ principal, params, req }) => images.upload(principal, params.id, req.get('content-type') ?? '', req.body as unknown),
    }),
    route({
      method: 'get',
      path: '/listings/:id/reviews',
      summary: 'Reviews of a listing with seller replies',
      tags: ['reviews'],
      auth: 'optional',
      params: idParams,
      response: z.object({ data: z.array(reviewViewSchema) }),
      handler: ({ params }) => reviews.forListing(params.id),
    }),
  ];
}
