import { timingSafeEqual } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export type Metrics = { registry: Registry; httpDuration: Histogram<'method' | 'route' | 'status'> };

export function createMetrics(nodeId: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeId });
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'hawker_http_request_duration_seconds',
    help: 'HTTP request duration by route template',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return { registry, httpDuration };
}

/** Times each request, labelled by the route template (not the raw URL) to bound cardinality. */
export function metricsMiddleware(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const routePath = (req.route as { path?: string } | undefined)?.path;
      end({ method: req.method, route: routePath ? req.baseUrl + routePath : 'unmatched', status: String(res.statusCode) });
    });
    next();
  };
}

/**
 * Serves the registry. Metrics tell an outsider a lot (routes, traffic, memory),
 * so on the public port a bearer token is required; a separate listener on an
 * internal address serves them without one (token undefined).
 */
export function metricsHandler(metrics: Metrics, token: string | undefined): RequestHandler {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  return (req, res, next) => {
    const given = Buffer.from(req.get('authorization') ?? '');
    if (expected && !(given.length === expected.length && timingSafeEqual(given, expected))) {
      res.status(404).json({ error: { type: 'not_found_error', code: 'route_not_found', message: `No route for GET ${req.path}.` } });
      return;
    }
    metrics.registry.metrics().then((text) => res.type(metrics.registry.contentType).send(text), next);
  };
}

/** The internal listener's app: /metrics without a token, nothing else. */
export function metricsApp(metrics: Metrics): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsHandler(metrics, undefined));
  return app;
}
