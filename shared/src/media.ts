import { z } from 'zod';
import type { Ack } from './errors.js';

/**
 * Media signaling between browsers and the media-server (mediasoup), over
 * Socket.IO at path `/media/socket.io`. One discriminated map of
 * request/response pairs (after mediasoup-demo's protooMessages.ts): each
 * request names its payload schema and its response type; the Socket.IO event
 * maps are derived from it, so server and client cannot drift.
 *
 * mediasoup's own structures (RTP capabilities, DTLS parameters, RTP
 * parameters) are passed through as JSON objects: the schemas here check the
 * envelope, and mediasoup validates the contents (a TypeError becomes an
 * `invalid_payload` error ack).
 */

/** What a media token grants: only a stream's owner may publish; everyone else consumes. */
export const mediaRoles = ['publish', 'consume'] as const;
export type MediaRole = (typeof mediaRoles)[number];

/** Claims of the short-lived token the api mints (HS256, a few minutes). */
export const mediaTokenClaimsSchema = z.object({
  sub: z.string().min(1),
  streamId: z.uuid(),
  role: z.enum(mediaRoles),
  /** The token's id: the media-server admits each token once. */
  jti: z.string().min(16).max(100),
  exp: z.number().int(),
});
export type MediaTokenClaims = z.infer<typeof mediaTokenClaimsSchema>;

const json = z.looseObject({});
const id = z.string().min(1).max(100);

export const mediaRequestSchemas = {
  'media:createTransport': z.object({ direction: z.enum(['send', 'recv']) }).strict(),
  'media:connectTransport': z.object({ transportId: id, dtlsParameters: json }).strict(),
  'media:produce': z.object({ transportId: id, kind: z.enum(['audio', 'video']), rtpParameters: json }).strict(),
  'media:consume': z.object({ transportId: id, rtpCapabilities: json }).strict(),
  'media:resumeConsumer': z.object({ consumerId: id }).strict(),
  'media:setPreferredLayers': z
    .object({ consumerId: id, spatialLayer: z.number().int().min(0).max(3), temporalLayer: z.number().int().min(0).max(3).optional() })
    .strict(),
  'media:restartIce': z.object({ transportId: id }).strict(),
  'media:stats': z.object({}).strict(),
} as const;

export type TransportOptions = {
  id: string;
  iceParameters: Record<string, unknown>;
  iceCandidates: Record<string, unknown>[];
  dtlsParameters: Record<string, unknown>;
};

export type ConsumerOptions = {
  id: string;
  producerId: string;
  kind: 'audio' | 'video';
  rtpParameters: Record<string, unknown>;
};

/** The response type of each request. */
export interface MediaResponses {
  'media:createTransport': TransportOptions;
  'media:connectTransport': null;
  'media:produce': { producerId: string };
  'media:consume': { consumers: ConsumerOptions[] };
  'media:resumeConsumer': null;
  'media:setPreferredLayers': null;
  'media:restartIce': { iceParameters: Record<string, unknown> };
  'media:stats': { viewers: number; producers: number; live: boolean };
}

export type MediaRequestName = keyof typeof mediaRequestSchemas;
export type MediaRequest<K extends MediaRequestName> = z.infer<(typeof mediaRequestSchemas)[K]>;

/** Sent once after the handshake: what the token allows and the router's capabilities. */
export type MediaWelcome = {
  streamId: string;
  role: MediaRole;
  routerRtpCapabilities: Record<string, unknown>;
};

export type MediaClientToServerEvents = {
  [K in MediaRequestName]: (payload: MediaRequest<K>, ack: Ack<MediaResponses[K]>) => void;
};

export interface MediaServerToClientEvents {
  'media:welcome': (payload: MediaWelcome) => void;
  /** A publisher added a track: viewers call media:consume again. */
  'media:producerAdded': (payload: { producerId: string; kind: 'audio' | 'video' }) => void;
  'media:consumerClosed': (payload: { consumerId: string }) => void;
  /** The broadcast ended (creator pressed End, or the publisher vanished). */
  'media:broadcastClosed': (payload: { streamId: string; reason: 'ended' | 'publisher_left' | 'worker_died' }) => void;
}

/** Error codes on media acks and handshake refusals. */
export const mediaErrorCodes = [
  'invalid_payload',
  'invalid_token',
  'forbidden',
  'not_live',
  'stream_ended',
  'webrtc_capacity',
  'transport_missing',
  'internal_error',
] as const;
export type MediaErrorCode = (typeof mediaErrorCodes)[number];

export { MEDIA_SOCKET_PATH, hlsPlaylistPath } from './media-paths.js';

/**
 * media-server → api callbacks (`POST /api/internal/media-events`, header
 * `x-hawker-internal: <MEDIA_TOKEN_SECRET>`): the api owns stream status and
 * learns here when a broadcast has video flowing and when it closed.
 */
export const mediaEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('broadcast.live'), streamId: z.uuid(), at: z.iso.datetime(), hlsPath: z.string() }).strict(),
  z
    .object({
      type: z.literal('broadcast.closed'),
      streamId: z.uuid(),
      at: z.iso.datetime(),
      reason: z.enum(['ended', 'publisher_left', 'worker_died']),
      recordingPath: z.string().nullable(),
      durationMs: z.number().int().nonnegative(),
    })
    .strict(),
]);
export type MediaEvent = z.infer<typeof mediaEventSchema>;

/** api → media-server control (same header): status of, and closing, a broadcast. */
export const broadcastStatusSchema = z.object({
  streamId: z.uuid(),
  live: z.boolean(),
  producers: z.number().int().nonnegative(),
  viewers: z.number().int().nonnegative(),
  hlsPath: z.string().nullable(),
});
export type BroadcastStatus = z.infer<typeof broadcastStatusSchema>;

export const MEDIA_INTERNAL_HEADER = 'x-hawker-internal';
