import { z } from 'zod';
import type { LedgerService } from '../../services/ledger.service.js';
import { route, type AnyRouteSpec } from '../route.js';

const problemSchema = z.object({ kind: z.string() }).loose();

export function adminRoutes(ledger: LedgerService): AnyRouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/admin/ledger/check',
      summary: 'Ledger self-check: balanced transfers, balances = entries, floors, escrow = order state',
      tags: ['admin'],
      auth: 'required',
      response: z.object({ ok: z.boolean(), problems: z.array(problemSchema) }),
      errors: [403],
      handler: ({ principal }) => ledger.selfCheck(principal),
    }),
  ];
}
