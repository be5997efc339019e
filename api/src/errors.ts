import type { ApiError, ErrorType, PriceQuote } from '@hawker/shared';

/**
 * An error that knows its HTTP status and its Stripe-style body. Services
 * throw these; the http layer renders them and the realtime layer turns them
 * into error acks. Use the static factories so codes stay consistent.
 */
export class AppError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly code: string;
  readonly param: string | undefined;
  /** With price_changed: what the lines cost now. */
  prices: PriceQuote[] | undefined;

  constructor(status: number, type: ErrorType, code: string, message: string, param?: string) {
    super(message);
    this.name = 'AppError';
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
  }

  toJSON(): ApiError {
    return {
      type: this.type,
      code: this.code,
      message: this.message,
      ...(this.param ? { param: this.param } : {}),
      ...(this.prices ? { prices: this.prices } : {}),
    };
  }

  /** Rebuilds an error from its JSON body (an idempotent replay of a refusal). */
  static fromJSON(status: number, e: ApiError): AppError {
    const err = new AppError(status, e.type, e.code, e.message, e.param);
    err.prices = e.prices as PriceQuote[] | undefined;
    return err;
  }

  /** The buyer was shown another price than the one that holds now: nothing is charged. */
  static priceChanged(prices: PriceQuote[]): AppError {
    const err = AppError.conflict('price_changed', 'The price changed since you saw it; check the new price and confirm again.', 'items');
    err.prices = prices;
    return err;
  }

  static badRequest(code: string, message: string, param?: string): AppError {
    return new AppError(400, 'invalid_request_error', code, message, param);
  }
  static unauthenticated(message = 'You need to log in.'): AppError {
    return new AppError(401, 'authentication_error', 'unauthenticated', message);
  }
  static invalidCredentials(): AppError {
    return new AppError(401, 'authentication_error', 'invalid_credentials', 'Email or password is incorrect.');
  }
  static forbidden(message = 'You are not allowed to do that.', code = 'forbidden'): AppError {
    return new AppError(403, 'permission_error', code, message);
  }
  static notFound(what: string): AppError {
    return new AppError(404, 'not_found_error', 'resource_missing', `${what} not found.`);
  }
  static conflict(code: string, message: string, param?: string): AppError {
    return new AppError(409, 'conflict_error', code, message, param);
  }
  static rateLimited(message = 'Too many requests; slow down.'): AppError {
    return new AppError(429, 'rate_limit_error', 'rate_limited', message);
  }
  static internal(): AppError {
    return new AppError(500, 'api_error', 'internal_error', 'Something went wrong on our side.');
  }
}
