import type { ApiErrorBody } from '@hawker/shared';

// `type` widened to string: a newer api may send a type this build does not know,
// and its message should still reach the person.
type ErrorFields = Omit<ApiErrorBody['error'], 'type'> & { type: string };

/**
 * A failed API call. Server errors keep the api's Stripe-style fields (type, code,
 * message, param) so pages can show `message` and branch on `code`; failures that
 * never reached the api (offline, unreadable body) use status 0 and our own code.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly param: string | undefined;

  constructor(status: number, fields: ErrorFields, options?: { cause?: unknown }) {
    super(fields.message, options);
    this.status = status;
    this.type = fields.type;
    this.code = fields.code;
    this.param = fields.param;
  }

  static network(cause: unknown): ApiError {
    return new ApiError(
      0,
      {
        type: 'api_error',
        code: 'network_error',
        message: "Can't reach Hawker right now. Check your connection and try again.",
      },
      { cause },
    );
  }
}

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /**
   * Serialized as JSON; omit for requests without a body. A Blob (a File from an
   * input) is sent as raw bytes with its own content type: uploads.
   */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * Calls the Hawker api and returns its parsed JSON body. Throws ApiError for any
 * non-2xx answer or network failure; an abort is rethrown untouched so callers can
 * tell "the user navigated away" from a real failure (see isAbortError).
 */
export async function apiFetch<T>(path: string, request: ApiRequest = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
  const init: RequestInit = {
    method: request.method ?? (request.body === undefined ? 'GET' : 'POST'),
    headers,
    // The session cookie is httpOnly and set by the api on this same origin.
    credentials: 'same-origin',
  };
  if (request.signal) init.signal = request.signal;
  if (request.body instanceof Blob) {
    // The api checks the type against the bytes, so send the file's own type.
    headers['Content-Type'] = request.body.type || 'application/octet-stream';
    init.body = request.body;
  } else if (request.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(request.body);
  }

  let response: Response;
  let text: string;
  try {
    response = await fetch(path, init);
    text = await response.text();
  } catch (err) {
    if (isAbortError(err)) throw err;
    throw ApiError.network(err);
  }

  const parsed = parseJson(text);
  if (!response.ok) {
    throw new ApiError(response.status, errorFields(parsed) ?? fallbackError(response.status));
  }
  if (text === '') return undefined as T;
  if (parsed === INVALID) {
    throw new ApiError(response.status, {
      type: 'api_error',
      code: 'invalid_response',
      message: 'Hawker sent an unreadable response. Please try again.',
    });
  }
  return parsed as T;
}

export function isAbortError(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

/** The text to show a person for any error a page caught. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return 'Something went wrong. Please try again.';
}

const INVALID = Symbol('invalid json');

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID;
  }
}

// A structural check rather than the shared zod schema, for the same reason as
// ErrorFields: an unknown `type` must not hide the message.
function errorFields(body: unknown): ErrorFields | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  const error: unknown = body.error;
  if (typeof error !== 'object' || error === null) return null;
  const { type, code, message, param } = error as Record<string, unknown>;
  if (typeof code !== 'string' || typeof message !== 'string') return null;
  return {
    type: typeof type === 'string' ? type : 'api_error',
    code,
    message,
    ...(typeof param === 'string' ? { param } : {}),
  };
}

// Used when a proxy or crash answers without the api's error body.
function fallbackError(status: number): ErrorFields {
  if (status === 401) {
    return { type: 'authentication_error', code: 'unauthenticated', message: 'Please log in to continue.' };
  }
  if (status === 404) return { type: 'not_found_error', code: 'not_found', message: 'Not found.' };
  if (status === 429) {
    return {
      type: 'rate_limit_error',
      code: 'rate_limited',
      message: 'Too many attempts. Wait a moment and try again.',
    };
  }
  return { type: 'api_error', code: `http_${status}`, message: 'Something went wrong on our side. Please try again.' };
}
