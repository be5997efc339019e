import {
  becomeCreatorBodySchema,
  creatorProfileSchema,
  followStateSchema,
  handleParamsSchema,
  updateCreatorBodySchema,
} from '@hawker/shared';
import { z } from 'zod';
import type { CreatorService } from '../../services/creator.service.js';
import type { ImageService } from '../../services/image.service.js';
import { route, type AnyRouteSpec } from '../route.js';

const idParams = z.object({ id: z.uuid() }).strict();

export function creatorRoutes(creators: CreatorService, images: ImageService): AnyRouteSpec[] {
  const follow = (on: boolean) =>
    route({
      method: on ? 'post' : 'delete',
      path: '/creators/:id/follow',
      summary: on ? 'Follow a creator (hear when they go live)' : 'Unfollow a creator',
      tags: ['creators'],
      auth: 'required',
      params: idParams,
      response: followStateSchema,
      errors: [404],
      handler: ({ principal, params }) => creators.follow(principal, params.id, on),
    });
  const mute = (on: boolean) =>
    route({
      method: on ? 'post' : 'delete',
      path: '/creators/:id/mute',
      summary: on ? "Mute a creator's notifications (keep following)" : "Hear a muted creator's notifications again",
      tags: ['creators'],
      auth: 'required',
      params: idParams,
      response: followStateSchema,
      errors: [404],
      handler: ({ principal, params }) => creators.mute(principal, params.id, on),
    });
  return [
    route({
      method: 'post',
      path: '/creator',
      summary: 'Become a creator: accept the creator terms and pick a unique handle',
      tags: ['creators'],
      auth: 'required',
      body: becomeCreatorBodySchema,
      status: 201,
      response: creatorProfileSchema,
      errors: [409],
      handler: ({ principal, body }) => creators.become(principal, body),
    }),
    route({
      method: 'patch',
      path: '/creator',
      summary: "Edit the creator's own profile",
      tags: ['creators'],
      auth: 'required',
      body: updateCreatorBodySchema,
      response: creatorProfileSchema,
      errors: [403],
      handler: ({ principal, body }) => creators.update(principal, body),
    }),
    route({
      method: 'post',
      path: '/me/avatar',
      summary: 'Set your avatar (PNG, JPEG or WebP as the raw body; stored as a 256 px WebP)',
      tags: ['creators'],
      auth: 'required',
      rawBody: { types: ['image/png', 'image/jpeg', 'image/webp'], limitBytes: 5 * 1024 * 1024 },
      status: 201,
      response: z.object({ url: z.string() }),
      errors: [400, 413, 415],
      handler: ({ principal, req }) => images.uploadAvatar(principal, req.get('content-type') ?? '', req.body),
    }),
    route({
      method: 'get',
      path: '/creators/:handle',
      summary: "A creator's profile: live now, upcoming and past shows, followers, shop and trust score",
      tags: ['creators'],
      auth: 'optional',
      params: handleParamsSchema,
      response: creatorProfileSchema,
      errors: [404],
      handler: ({ principal, params }) => creators.profile(params.handle, principal),
    }),
    follow(true),
    follow(false),
    mute(true),
    mute(false),
  ];
}
