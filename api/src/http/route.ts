import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { apiErrorBodySchema, idempotencyKeySchema } from '@hawker/shared';
import type { z, ZodType } from 'zod';
import { AppError } from '../errors.js';
import type { Principal } from '../services/auth.service.js';
import type { IdempotencyService } from '../services/idempotency.service.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type RouteContext<B, Q, P> = {
  body: B;
  query: Q;
  params: P;
  principal: Principal | null;
  req: Request;
  res: Response;
};

/**
 * One declaration per route: the zod schemas validate input at the edge, type
 * the handler, and generate the OpenAPI document, so the contract is never
 * written twice. Handlers return the response body; errors are thrown as
 * AppError and rendered by the error handler.
 */
export type RouteSpec<B, Q, P, R> = {
  method: Method;
  path: string;
  summary: string;
  tags: string[];
  auth: 'none' | 'optional' | 'required';
  body?: ZodType<B>;
  query?: ZodType<Q>;
  params?: ZodType<P>;
  /** Request header names documented and required, e.g. Idempotency-Key. */
  headers?: ZodType<Record<string, string>>;
  status?: number;
  /** Accept a raw binary body of these content types (e.g. image uploads) instead of JSON; the handler gets req.body as a Buffer. */
  rawBody?: { types: string[]; limitBytes: number };
  /** Requires an Idempotency-Key header and replays the first response for a repeated key (Stripe semantics). */
  idempotent?: boolean;
  response: ZodType<R>;
  errors?: number[];
  handler: (ctx: RouteContext<B, Q, P>) => Promise<R> | R;
};

// Erases the per-route generics so routes of different shapes share one array.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRouteSpec = RouteSpec<any, any, any, any>;

export function route<B = undefined, Q = undefined, P = undefined, R = unknown>(spec: RouteSpec<B, Q, P, R>): RouteSpec<B, Q, P, R> {
  return spec;
}

const errorDescriptions: Record<number, string> = {
  400: 'Invalid request',
  401: 'Not logged in or wrong credentials',
  402: 'Payment failed (e.g. card declined)',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  429: 'Rate limited',
};

export function mountRoutes(router: Router, registry: OpenAPIRegistry, specs: AnyRouteSpec[], idempotency: IdempotencyService): void {
  for (const spec of specs) {
    registry.registerPath(toOpenApi(spec));
    const raw = spec.rawBody ? [express.raw({ type: spec.rawBody.types, limit: spec.rawBody.limitBytes })] : [];
    router[spec.method](spec.path, ...raw, async (req: Request, res: Response, next: NextFunction) => {
      try {
        const principal = req.principal ?? null;
        if (spec.auth === 'required' && !principal) throw AppError.unauthenticated();
        // Validated before anything else looks at the input (the idempotency hash included): a
        // hostile body (deeply nested, huge) is a 400 here, never work for the layers below.
        const input = parseInputs(spec, req);
        if (spec.idempotent) {
          const key = idempotencyKeySchema.safeParse(req.get('idempotency-key'));
          if (!key.success)
            throw AppError.badRequest(
              'idempotency_key_required',
              'Send an Idempotency-Key header (8-255 printable characters).',
              'Idempotency-Key',
            );
          if (!principal) throw AppError.unauthenticated();
          const run = () => runSpec(spec, input, req, res, principal).then((body) => ({ statusCode: spec.status ?? 200, body }));
          const outcome = await idempotency.run(
            { userId: principal.userId, key: key.data, method: req.method, path: req.originalUrl, body: input.body ?? null },
            run,
          );
          if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
          res.status(outcome.statusCode).json(outcome.body);
          return;
        }
        const result = await runSpec(spec, input, req, res, principal);
        if (!res.headersSent) res.status(spec.status ?? 200).json(result ?? null);
      } catch (err) {
        next(err);
      }
    });
  }
}

type ParsedInputs = { body: unknown; query: unknown; params: unknown };

function parseInputs(spec: AnyRouteSpec, req: Request): ParsedInputs {
  return {
    // A raw (binary) body is the handler's to check; a JSON body without a schema is ignored.
    body: spec.body ? parseOrThrow(spec.body, req.body ?? {}, 'body') : undefined,
    query: spec.query ? parseOrThrow(spec.query, req.query, 'query') : undefined,
    params: spec.params ? parseOrThrow(spec.params, req.params, 'params') : undefined,
  };
}

async function runSpec(
  spec: AnyRouteSpec,
  input: ParsedInputs,
  req: Request,
  res: Response,
  principal: Principal | null,
): Promise<unknown> {
  const result: unknown = await spec.handler({ ...input, principal, req, res });
  return result ?? null;
}

function parseOrThrow<T>(schema: ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue && issue.path.length > 0 ? issue.path.join('.') : undefined;
  const message = issue ? `${param ?? where}: ${issue.message}` : `invalid ${where}`;
  throw AppError.badRequest(issue?.code === 'unrecognized_keys' ? 'unknown_parameter' : 'invalid_' + where, message, param);
}

function toOpenApi(spec: AnyRouteSpec): RouteConfig {
  const responses: RouteConfig['responses'] = {
    [spec.status ?? 200]: { description: 'Success', content: { 'application/json': { schema: spec.response } } },
  };
  const errorStatuses = new Set([
    ...(spec.errors ?? []),
    ...(spec.body || spec.query || spec.params ? [400] : []),
    ...(spec.auth === 'required' ? [401] : []),
  ]);
  for (const status of errorStatuses) {
    responses[status] = {
      description: errorDescriptions[status] ?? 'Error',
      content: { 'application/json': { schema: apiErrorBodySchema } },
    };
  }
  return {
    method: spec.method,
    path: spec.path.replace(/:(\w+)/g, '{$1}'),
    summary: spec.summary,
    tags: spec.tags,
    ...(spec.auth === 'required' ? { security: [{ sessionCookie: [] }] } : {}),
    ...(spec.idempotent ? { description: 'Requires an `Idempotency-Key` header; a repeated key replays the first response.' } : {}),
    request: {
      ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } }, required: true } } : {}),
      ...(spec.rawBody
        ? {
            body: {
              content: Object.fromEntries(spec.rawBody.types.map((t) => [t, { schema: { type: 'string' as const, format: 'binary' } }])),
              required: true,
            },
          }
        : {}),
      ...(spec.query ? { query: spec.query as z.ZodObject } : {}),
      ...(spec.params ? { params: spec.params as z.ZodObject } : {}),
      ...(spec.headers ? { headers: spec.headers as z.ZodObject } : {}),
    },
    responses,
  };
}
