import {
  createStreamBodySchema,
  discoverSchema,
  mediaEventSchema,
  mediaTokenResponseSchema,
  showableListingsSchema,
  streamDetailSchema,
  streamIdParamsSchema,
  streamsQuerySchema,
  streamsResponseSchema,
  streamSalesSchema,
  streamTimelineSchema,
  updateShowBodySchema,
} from '@hawker/shared';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { StreamService } from '../../services/stream.service.js';
import type { DiscoveryService } from '../../services/discovery.service.js';
import type { PinService } from '../../services/pin.service.js';
import { route, type AnyRouteSpec } from '../route.js';
import { timingSafeEqual } from 'node:crypto';

export function streamRoutes(
  streams: StreamService,
  internalSecret: string,
  discovery: DiscoveryService,
  pins: PinService,
): AnyRouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/discover',
      summary:
        'The home page for the person looking: followed live shows, live shows by audience and engagement, upcoming, and listings for you with reasons',
      tags: ['streams'],
      auth: 'optional',
      response: discoverSchema,
      handler: ({ principal }) => discovery.home(principal),
    }),
    route({
      method: 'get',
      path: '/streams',
      summary: 'List streams, e.g. ?status=live for what is on air now',
      tags: ['streams'],
      auth: 'optional',
      query: streamsQuerySchema,
      response: streamsResponseSchema,
      handler: ({ query }) => streams.list(query.status, query.upcoming === 'true', query.creatorId),
    }),
    route({
      method: 'post',
      path: '/streams',
      summary: 'Create a show (creators): now (it goes live when video reaches the media-server) or scheduled for later',
      tags: ['streams'],
      auth: 'required',
      body: createStreamBodySchema,
      status: 201,
      response: streamDetailSchema,
      errors: [403],
      handler: ({ principal, body }) => streams.create(principal, body),
    }),
    route({
      method: 'patch',
      path: '/streams/:id',
      summary: 'Reschedule or edit a show that has not started (those reminded are told of a new time)',
      tags: ['streams'],
      auth: 'required',
      params: streamIdParamsSchema,
      body: updateShowBodySchema,
      response: streamDetailSchema,
      errors: [403, 404, 409],
      handler: ({ principal, params, body }) => streams.update(principal, params.id, body),
    }),
    route({
      method: 'post',
      path: '/streams/:id/cancel',
      summary: 'Cancel a show that has not started (those reminded are told)',
      tags: ['streams'],
      auth: 'required',
      params: streamIdParamsSchema,
      response: streamDetailSchema,
      errors: [403, 404, 409],
      handler: ({ principal, params }) => streams.cancel(principal, params.id),
    }),
    route({
      method: 'post',
      path: '/streams/:id/remind',
      summary: 'Be told when this scheduled show starts (or is moved or cancelled)',
      tags: ['streams'],
      auth: 'required',
      params: streamIdParamsSchema,
      response: streamDetailSchema,
      errors: [404, 409],
      handler: ({ principal, params }) => streams.remind(principal, params.id, true),
    }),
    route({
      method: 'delete',
      path: '/streams/:id/remind',
      summary: 'No reminder for this show',
      tags: ['streams'],
      auth: 'required',
      params: streamIdParamsSchema,
      response: streamDetailSchema,
      errors: [404],
      handler: ({ principal, params }) => streams.remind(principal, params.id, false),
    }),
    route({
      method: 'get',
      path: '/streams/:id',
      summary: 'One stream with its HLS and replay URLs',
      tags: ['streams'],
      auth: 'optional',
      params: streamIdParamsSchema,
      response: streamDetailSchema,
      errors: [404],
      handler: ({ params, principal }) => streams.get(params.id, principal),
    }),
    route({
      method: 'post',
      path: '/streams/:id/media-token',
      summary: 'A short-lived token for the media signaling socket (owner: publish; anyone else: consume)',
      tags: ['streams'],
      auth: 'optional',
      params: streamIdParamsSchema,
      response: mediaTokenResponseSchema,
      errors: [404, 409, 429],
      handler: ({ principal, params, req }) => streams.mediaToken(principal, params.id, req.ip ?? 'unknown'),
    }),
    route({
      method: 'get',
      path: '/streams/:id/sales',
      summary: "The stream's sales: orders, units, buyers, GMV, peak viewers and conversion (creator only)",
      tags: ['streams'],
      auth: 'required',
      params: streamIdParamsSchema,
      response: streamSalesSchema,
      errors: [403, 404],
      handler: ({ principal, params }) => streams.sales(principal, params.id),
    }),
    route({
      method: 'get',
      path: '/streams/:id/showable',
      summary: "Listings the creator may pin or put on a deal in this stream: their own, the sponsor's, offered to creators (creator only)",
      tags: ['streams'],
      auth: 'required',
      params: streamIdParamsSchema,
      response: showableListingsSchema,
      errors: [403, 404],
      handler: ({ principal, params }) => pins.showable(principal, params.id),
    }),
    route({
      method: 'get',
      path: '/streams/:id/timeline',
      summary: 'Product timeline for the replay: when each product was shown and how many sold',
      tags: ['streams'],
      auth: 'optional',
      params: streamIdParamsSchema,
      response: streamTimelineSchema,
      errors: [404],
      handler: ({ params }) => streams.timeline(params.id),
    }),
    route({
      method: 'post',
      path: '/streams/:id/end',
      summary: 'End the stream (owner); its recording becomes the replay',
      tags: ['streams'],
      auth: 'required',
      params: streamIdParamsSchema,
      response: streamDetailSchema,
      errors: [403, 404],
      handler: ({ principal, params }) => streams.end(principal, params.id),
    }),
    route({
      method: 'post',
      path: '/internal/media-events',
      summary: 'Callbacks from the media-server (shared-secret header)',
      tags: ['internal'],
      auth: 'none',
      body: mediaEventSchema,
      response: z.object({ ok: z.literal(true) }),
      errors: [401],
      async handler({ req, body }) {
        if (!sameSecret(req.get('x-hawker-internal'), internalSecret)) throw AppError.unauthenticated('Internal endpoint.');
        await streams.onMediaEvent(body);
        return { ok: true as const };
      },
    }),
  ];
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
