import type { CurrencyCode, Earnings } from '@hawker/shared';
import { AppError } from '../errors.js';
import type { EarningsRepository } from '../repositories/earnings.repository.js';
import type { Principal } from './auth.service.js';

/** The creator's earnings page: pending, available, paid out, per show, per day. */
export class EarningsService {
  constructor(private readonly earnings: EarningsRepository) {}

  async get(principal: Principal | null): Promise<Earnings> {
    if (!principal) throw AppError.unauthenticated();
    if (!principal.roles.includes('creator')) throw AppError.forbidden('Earnings are for creators.', 'creator_role_required');
    const [balances, shows, daily, payouts] = await Promise.all([
      this.earnings.balances(principal.userId),
      this.earnings.shows(principal.userId),
      this.earnings.daily(principal.userId),
      this.earnings.payouts(principal.userId),
    ]);
    return {
      balances: balances.map((b) => ({
        currency: b.currency as CurrencyCode,
        pendingMinor: Number(b.pending),
        availableMinor: Number(b.available),
        paidOutMinor: Number(b.paid_out),
      })),
      shows: shows.map((s) => ({
        streamId: s.stream_id,
        title: s.title,
        startedAt: s.started_at?.toISOString() ?? null,
        currency: s.currency,
        orders: s.orders,
        gmvMinor: Number(s.gmv),
        earnedMinor: Number(s.earned),
        pendingMinor: Number(s.pending),
      })),
      daily: daily.map((d) => ({ day: d.day, currency: d.currency, earnedMinor: Number(d.earned) })),
      payouts: payouts.map((p) => ({ ...p, createdAt: p.createdAt.toISOString() })),
    };
  }
}
