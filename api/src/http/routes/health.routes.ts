import { healthResponseSchema } from '@hawker/shared';
import type { HealthService } from '../../services/health.service.js';
import { route, type AnyRouteSpec } from '../route.js';

export function healthRoutes(health: HealthService): AnyRouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/health',
      summary: 'Database, Redis and media-server status (503 when degraded)',
      tags: ['ops'],
      auth: 'none',
      response: healthResponseSchema,
      errors: [503],
      async handler({ res }) {
        const report = await health.check();
        res.status(report.status === 'ok' ? 200 : 503).json(report);
        return report;
      },
    }),
  ];
}
