import type { MediaErrorCode } from '@hawker/shared';

/**
 * Errors that know how they should surface: `status` for the HTTP edge, `code`
 * for machines (Stripe's convention, as in @hawker/shared's ApiError).
 */
export class MediaServerError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(message: string, { status, code, cause }: { status: number; code: string; cause?: unknown }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
  }
}

/** One environment variable that failed validation. */
export interface ConfigIssue {
  variable: string;
  message: string;
}

/** Thrown once at start-up; the message names every bad variable. */
export class MediaConfigError extends MediaServerError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map((i) => `  - ${i.variable}: ${i.message}`).join('\n');
    super(`Invalid media-server configuration:\n${lines}`, { status: 500, code: 'invalid_config' });
    this.issues = issues;
  }
}

/** Every worker is dead or restarting: callers should retry shortly (503). */
export class NoWorkerAvailableError extends MediaServerError {
  constructor() {
    super('no mediasoup worker is alive', { status: 503, code: 'no_worker_available' });
  }
}

/**
 * A signaling request that failed for a reason the client can act on; `code`
 * is one of the contract's mediaErrorCodes and goes out on the ack as is.
 */
export class MediaRequestError extends MediaServerError {
  declare readonly code: MediaErrorCode;

  constructor(code: MediaErrorCode, message: string) {
    super(message, { status: code === 'internal_error' ? 500 : 400, code });
  }

  static forbidden(message: string): MediaRequestError {
    return new MediaRequestError('forbidden', message);
  }

  static transportMissing(transportId: string): MediaRequestError {
    return new MediaRequestError('transport_missing', `no transport ${transportId} on this connection`);
  }

  static invalidPayload(message: string): MediaRequestError {
    return new MediaRequestError('invalid_payload', message);
  }
}

/** The internal control routes without the shared secret. */
export class UnauthorizedError extends MediaServerError {
  constructor() {
    super('missing or wrong internal secret', { status: 401, code: 'unauthorized' });
  }
}

export class NotFoundError extends MediaServerError {
  constructor(message: string) {
    super(message, { status: 404, code: 'not_found' });
  }
}
