import type { AckError, MediaErrorCode } from '@hawker/shared';

// The server's codes as a record checked against the shared type (a code added
// there fails to compile here), instead of importing `mediaErrorCodes`: any
// value import from shared/src/media.ts drags its zod schemas, and with them
// all of zod (~26 kB gzipped), into the player's bundle.
const serverCodes = {
  invalid_payload: true,
  invalid_token: true,
  forbidden: true,
  not_live: true,
  stream_ended: true,
  webrtc_capacity: true,
  transport_missing: true,
  internal_error: true,
} as const satisfies Record<MediaErrorCode, true>;

function isServerCode(code: string): code is MediaErrorCode {
  return Object.hasOwn(serverCodes, code);
}

/**
 * Why a media connection failed. The server's codes (shared/src/media.ts) plus
 * the failures only the browser can see.
 */
export type MediaFailureCode =
  | MediaErrorCode
  /** The media socket could not reach the server at all. */
  | 'network'
  | 'timeout'
  /** The media socket dropped after the handshake. */
  | 'disconnected'
  /** ICE or DTLS failed: no media path between browser and SFU. */
  | 'transport_failed'
  /** This browser cannot do WebRTC with the router's codecs. */
  | 'unsupported'
  /** The camera track ended or was never there. */
  | 'no_video'
  | 'closed';

/**
 * Which step failed. The player's fallback rules need it: a refused handshake
 * (`handshake`) and a failed ICE check (`transport`) both mean "try HLS", and
 * the same code can arrive at either step.
 */
export type MediaFailurePhase = 'handshake' | 'signaling' | 'device' | 'transport' | 'media';

/** A failed media step, with a reason code and a static factory per cause (after LiveKit's ConnectionError). */
export class MediaError extends Error {
  override readonly name = 'MediaError';

  constructor(
    readonly code: MediaFailureCode,
    readonly phase: MediaFailurePhase,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** A `connect_error`: the server's refusal code, or a network failure for anything else. */
  static refused(message: string): MediaError {
    return new MediaError(isServerCode(message) ? message : 'network', 'handshake', `media socket refused: ${message}`);
  }

  static handshakeTimeout(): MediaError {
    return new MediaError('timeout', 'handshake', 'media socket handshake timed out');
  }

  static ack(request: string, error: AckError): MediaError {
    return new MediaError(isServerCode(error.code) ? error.code : 'internal_error', 'signaling', `${request}: ${error.message}`);
  }

  static requestTimeout(request: string): MediaError {
    return new MediaError('timeout', 'signaling', `${request} got no answer`);
  }

  static disconnected(reason: string): MediaError {
    return new MediaError('disconnected', 'signaling', `media socket disconnected: ${reason}`);
  }

  static transportFailed(direction: 'send' | 'recv'): MediaError {
    return new MediaError('transport_failed', 'transport', `${direction} transport failed (ICE/DTLS)`);
  }

  static unsupported(cause?: unknown): MediaError {
    return new MediaError('unsupported', 'device', 'this browser cannot use WebRTC here', { cause });
  }

  static closed(): MediaError {
    return new MediaError('closed', 'media', 'closed');
  }

  /** Anything thrown inside a media step, kept as the cause of a MediaError. */
  static from(err: unknown, phase: MediaFailurePhase): MediaError {
    if (err instanceof MediaError) return err;
    if (err instanceof Error && err.name === 'UnsupportedError') return MediaError.unsupported(err);
    const message = err instanceof Error ? err.message : String(err);
    return new MediaError('internal_error', phase, message, { cause: err });
  }
}

/** What to tell a person about a media failure (studio and player). */
export function mediaErrorMessage(err: unknown): string {
  const code = err instanceof MediaError ? err.code : 'internal_error';
  switch (code) {
    case 'invalid_token':
    case 'forbidden':
      return 'Your access to this show expired. Reload the page to try again.';
    case 'not_live':
      return 'This show is not live right now.';
    case 'stream_ended':
      return 'This show has ended; its replay is on the show page.';
    case 'webrtc_capacity':
      return 'The real-time player is full right now.';
    case 'network':
    case 'timeout':
    case 'disconnected':
      return "Can't reach the video server. Check your connection.";
    case 'transport_failed':
      return 'Your network is blocking the real-time video connection.';
    case 'unsupported':
      return "This browser can't send or play real-time video. Try a recent Chrome, Firefox or Safari.";
    case 'no_video':
      return 'Your camera stopped sending video.';
    case 'closed':
      return 'The connection was closed.';
    case 'invalid_payload':
    case 'transport_missing':
    case 'internal_error':
      return 'The video connection hit a problem. Please try again.';
  }
}
