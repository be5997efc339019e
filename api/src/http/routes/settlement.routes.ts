import {
  createPayoutBodySchema,
  earningsSchema,
  disputeViewSchema,
  openDisputeBodySchema,
  orderIdParamsSchema,
  resolveDisputeBodySchema,
  respondDisputeBodySchema,
  walletSchema,
} from '@hawker/shared';
import { z } from 'zod';
import type { SettlementService } from '../../services/settlement.service.js';
import type { EarningsService } from '../../services/earnings.service.js';
import { route, type AnyRouteSpec } from '../route.js';

const disputeParams = z.object({ id: z.uuid() }).strict();

export function settlementRoutes(settlement: SettlementService, earnings: EarningsService): AnyRouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/earnings',
      summary: "A creator's earnings: pending in escrow, available, paid out, per show and per day",
      tags: ['money'],
      auth: 'required',
      response: earningsSchema,
      errors: [403],
      handler: ({ principal }) => earnings.get(principal),
    }),
    route({
      method: 'post',
      path: '/orders/:id/dispute',
      summary: 'Buyer opens a dispute before escrow is released (pauses auto-release)',
      tags: ['disputes'],
      auth: 'required',
      idempotent: true,
      params: orderIdParamsSchema,
      body: openDisputeBodySchema,
      status: 201,
      response: disputeViewSchema,
      errors: [409],
      handler: ({ principal, params, body }) => settlement.openDispute(principal, params.id, body.reason),
    }),
    route({
      method: 'post',
      path: '/disputes/:id/respond',
      summary: 'Seller responds to a dispute',
      tags: ['disputes'],
      auth: 'required',
      params: disputeParams,
      body: respondDisputeBodySchema,
      response: disputeViewSchema,
      errors: [403, 404, 409],
      handler: ({ principal, params, body }) => settlement.respond(principal, params.id, body.response),
    }),
    route({
      method: 'post',
      path: '/disputes/:id/resolve',
      summary: 'Admin resolves: full refund, partial refund (rest to the seller), or release',
      tags: ['disputes'],
      auth: 'required',
      idempotent: true,
      params: disputeParams,
      body: resolveDisputeBodySchema,
      response: disputeViewSchema,
      errors: [403, 409],
      handler: ({ principal, params, body }) => settlement.resolve(principal, params.id, body.resolution, body.refundMinor),
    }),
    route({
      method: 'get',
      path: '/disputes',
      summary: 'Disputes for admins (?status=open)',
      tags: ['disputes'],
      auth: 'required',
      query: z.object({ status: z.enum(['open', 'seller_responded', 'resolved']).optional() }).strict(),
      response: z.object({ data: z.array(disputeViewSchema) }),
      errors: [403],
      handler: ({ principal, query }) => settlement.listDisputes(principal, query.status),
    }),
    route({
      method: 'get',
      path: '/wallet',
      summary: "The seller's available balance, money in escrow, and payouts",
      tags: ['wallet'],
      auth: 'required',
      response: walletSchema,
      handler: ({ principal }) => settlement.wallet(principal),
    }),
    route({
      method: 'post',
      path: '/payouts',
      summary: 'Pay out available balance through the payment provider',
      tags: ['wallet'],
      auth: 'required',
      idempotent: true,
      body: createPayoutBodySchema,
      status: 201,
      response: walletSchema,
      errors: [403, 409],
      handler: ({ principal, body, req }) =>
        settlement.payout(principal, body.amountMinor, body.currency, req.get('idempotency-key')!, body.source),
    }),
  ];
}
