import { randomUUID } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { Request, Response } from 'express';
import { parse as parseCookies } from 'cookie';
import {
  adAccountSchema,
  adDecisionQuerySchema,
  adDecisionSchema,
  adInputSchema,
  adInsightSchema,
  adminAdRevenueSchema,
  adPlacementQuerySchema,
  adReceiptSchema,
  adSimulateQuerySchema,
  adSimulationSchema,
  adStatementQuerySchema,
  adStatementSchema,
  adTakeDownBodySchema,
  adTopUpBodySchema,
  adUpdateBodySchema,
  adViewSchema,
  adWithdrawBodySchema,
  campaignCreateBodySchema,
  campaignReportSchema,
  campaignUpdateBodySchema,
  campaignViewSchema,
  clientEventSchema,
  idSchema,
} from '@hawker/shared';
import { z } from 'zod';
import type { AdAccountService } from '../../services/ad-account.service.js';
import type { AdCampaignService } from '../../services/ad-campaign.service.js';
import type { AdServer, AdViewer } from '../../services/ad-server.service.js';
import type { Principal } from '../../services/auth.service.js';
import type { StreamMetrics } from '../../services/stream-metrics.js';
import { route, type AnyRouteSpec } from '../route.js';

const idParams = z.object({ id: idSchema }).strict();
const VISITOR_COOKIE = 'hk_vid';
const visitorIdSchema = z.uuid();

/** The person looking: their user id when signed in, else an anonymous visitor id kept in a cookie for a year. */
export function adViewer(req: Request, res: Response, principal: Principal | null, secure: boolean): AdViewer {
  if (principal) return { key: `u:${principal.userId}`, userId: principal.userId };
  const existing = visitorIdSchema.safeParse(parseCookies(req.headers.cookie ?? '')[VISITOR_COOKIE]);
  const id = existing.success ? existing.data : randomUUID();
  if (!existing.success) res.cookie(VISITOR_COOKIE, id, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 365 * 86_400_000 });
  return { key: `v:${id}`, userId: null };
}

/** The client's network, not its address: IPv4 /24, IPv6 /48 (enough for burst rules; the address is not stored). */
export function ipPrefix(ip: string): string {
  const v4 = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (isIPv4(v4)) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  return `${ip.split(':').slice(0, 3).join(':')}::/48`;
}

export function adRoutes(
  campaigns: AdCampaignService,
  account: AdAccountService,
  server: AdServer,
  metrics: StreamMetrics,
  cookieSecure: boolean,
): AnyRouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/ads/decision',
      summary: 'Sponsored cards for one placement on one page view, each with signed impression and click URLs',
      tags: ['ads'],
      auth: 'optional',
      query: adDecisionQuerySchema,
      response: adDecisionSchema,
      handler: ({ query, req, res, principal }) => {
        res.setHeader('Cache-Control', 'no-store');
        return server.decide(query, adViewer(req, res, principal, cookieSecure));
      },
    }),
    route({
      method: 'get',
      path: '/ads/click/:token',
      summary: 'A sponsored card was clicked: always redirects to the listing or show; billed once when valid',
      tags: ['ads'],
      auth: 'optional',
      params: z.object({ token: z.string().min(1).max(1000) }).strict(),
      status: 302,
      response: z.null(),
      async handler({ params, req, res, principal }) {
        const viewer = adViewer(req, res, principal, cookieSecure);
        const location = await server.click(params.token, {
          ...viewer,
          ipPrefix: ipPrefix(req.ip ?? ''),
          userAgent: req.get('user-agent') ?? '',
        });
        res.redirect(302, location);
        return null;
      },
    }),
    route({
      method: 'post',
      path: '/events',
      summary: 'What the page sees and the server cannot: a sponsored card seen (ad.impression), a product opened in a show',
      tags: ['analytics'],
      auth: 'optional',
      body: clientEventSchema,
      status: 202,
      response: z.object({ ok: z.literal(true) }),
      async handler({ body, req, res, principal }) {
        if (body.type === 'product.open') metrics.productOpened(body.streamId, body.listingId);
        else await server.impression(body.token, adViewer(req, res, principal, cookieSecure));
        return { ok: true as const };
      },
    }),
    route({
      method: 'get',
      path: '/ads/account',
      summary: 'The ad balance, the shop wallets it can draw on, the trust gate, reserve prices and top-ups',
      tags: ['ads'],
      auth: 'required',
      response: adAccountSchema,
      handler: ({ principal }) => account.account(principal),
    }),
    route({
      method: 'post',
      path: '/ads/top-ups',
      summary: 'Add to the ad balance from the card or from a shop wallet',
      tags: ['ads'],
      auth: 'required',
      idempotent: true,
      body: adTopUpBodySchema,
      response: adAccountSchema,
      errors: [402, 403, 409],
      handler: ({ principal, body, req }) => account.topUp(principal, body, req.get('idempotency-key')!),
    }),
    route({
      method: 'post',
      path: '/ads/withdrawals',
      summary: 'Unused ad balance back to a shop wallet',
      tags: ['ads'],
      auth: 'required',
      idempotent: true,
      body: adWithdrawBodySchema,
      response: adAccountSchema,
      errors: [403, 409],
      handler: ({ principal, body, req }) => account.withdraw(principal, body.amountMinor, body.shopId, req.get('idempotency-key')!),
    }),
    route({
      method: 'get',
      path: '/ads/top-ups/:id/receipt',
      summary: 'The receipt of one top-up',
      tags: ['ads'],
      auth: 'required',
      params: z.object({ id: z.string().min(1).max(64) }).strict(),
      response: adReceiptSchema,
      errors: [404],
      handler: ({ principal, params }) => account.receipt(principal, params.id),
    }),
    route({
      method: 'get',
      path: '/ads/statement',
      summary: "A month's statement of the ad balance: opening, top-ups, withdrawals, clicks, credits, closing",
      tags: ['ads'],
      auth: 'required',
      query: adStatementQuerySchema,
      response: adStatementSchema,
      handler: ({ principal, query }) => account.statement(principal, query.month),
    }),
    route({
      method: 'get',
      path: '/ads/campaigns',
      summary: "The signed-in person's shops' campaigns",
      tags: ['ads'],
      auth: 'required',
      response: z.object({ data: z.array(campaignViewSchema) }),
      handler: ({ principal }) => campaigns.list(principal),
    }),
    route({
      method: 'post',
      path: '/ads/campaigns',
      summary: 'Create a campaign (and its first ads) for one of your shops',
      tags: ['ads'],
      auth: 'required',
      body: campaignCreateBodySchema,
      status: 201,
      response: campaignViewSchema,
      errors: [403],
      handler: ({ principal, body }) => campaigns.create(principal, body),
    }),
    route({
      method: 'get',
      path: '/ads/campaigns/:id',
      summary: 'One campaign with its ads and whether each is serving',
      tags: ['ads'],
      auth: 'required',
      params: idParams,
      response: campaignViewSchema,
      errors: [404],
      handler: ({ principal, params }) => campaigns.get(principal, params.id),
    }),
    route({
      method: 'patch',
      path: '/ads/campaigns/:id',
      summary: 'Edit, pause, resume or end a campaign',
      tags: ['ads'],
      auth: 'required',
      params: idParams,
      body: campaignUpdateBodySchema,
      response: campaignViewSchema,
      errors: [403, 404, 409],
      handler: ({ principal, params, body }) => campaigns.update(principal, params.id, body),
    }),
    route({
      method: 'post',
      path: '/ads/campaigns/:id/ads',
      summary: 'Add an ad: a listing or a show, its targeting and bids',
      tags: ['ads'],
      auth: 'required',
      params: idParams,
      body: adInputSchema,
      status: 201,
      response: adViewSchema,
      errors: [404, 409],
      handler: ({ principal, params, body }) => campaigns.addAd(principal, params.id, body),
    }),
    route({
      method: 'patch',
      path: '/ads/ads/:id',
      summary: 'Pause or resume an ad, change its categories or replace its bids',
      tags: ['ads'],
      auth: 'required',
      params: idParams,
      body: adUpdateBodySchema,
      response: adViewSchema,
      errors: [404],
      handler: ({ principal, params, body }) => campaigns.updateAd(principal, params.id, body),
    }),
    route({
      method: 'get',
      path: '/ads/campaigns/:id/report',
      summary: 'Impressions, clicks, CTR, CPC, spend, attributed orders and revenue, ROAS, invalid clicks: by day and by ad',
      tags: ['ads'],
      auth: 'required',
      params: idParams,
      response: campaignReportSchema,
      errors: [404],
      handler: ({ principal, params }) => account.report(principal, params.id),
    }),
    route({
      method: 'get',
      path: '/ads/ads/:id/insight',
      summary: "Why the ad ranked where it did: its bid, quality, score, price, and the bid each higher slot needed (no one else's)",
      tags: ['ads'],
      auth: 'required',
      params: idParams,
      query: adPlacementQuerySchema,
      response: adInsightSchema,
      errors: [404],
      handler: ({ principal, params, query }) => account.insight(principal, params.id, query.placement),
    }),
    route({
      method: 'get',
      path: '/ads/ads/:id/simulate',
      summary: "The last 7 days of the placement's auctions replayed at another bid",
      tags: ['ads'],
      auth: 'required',
      params: idParams,
      query: adSimulateQuerySchema,
      response: adSimulationSchema,
      errors: [404],
      handler: ({ principal, params, query }) => account.simulate(principal, params.id, query.placement, query.bidMinor),
    }),
    route({
      method: 'get',
      path: '/admin/ads/revenue',
      summary: 'Platform revenue from ads and fees, ad revenue by day, the ads that spent most',
      tags: ['admin'],
      auth: 'required',
      response: adminAdRevenueSchema,
      errors: [403],
      handler: ({ principal }) => account.adminRevenue(principal),
    }),
    route({
      method: 'post',
      path: '/admin/ads/:id/take-down',
      summary: 'Take an ad down (policy): it stops serving on every node',
      tags: ['admin'],
      auth: 'required',
      params: idParams,
      body: adTakeDownBodySchema,
      status: 204,
      response: z.null(),
      errors: [403, 404],
      async handler({ principal, params, body }) {
        await account.takeDown(principal, params.id, body.reason);
        return null;
      },
    }),
    route({
      method: 'post',
      path: '/admin/ad-clicks/:id/credit',
      summary: 'A billed click found invalid: credit its price back to the advertiser',
      tags: ['admin'],
      auth: 'required',
      params: idParams,
      status: 204,
      response: z.null(),
      errors: [403, 409],
      async handler({ principal, params }) {
        await server.credit(principal, params.id);
        return null;
      },
    }),
  ];
}
