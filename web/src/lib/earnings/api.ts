import type { Earnings, Wallet } from '@hawker/shared';
import { apiFetch } from '../api.js';
import { postIdempotent } from '../market/api.js';

// A creator's earnings (commissions and sponsorship fees) and their payouts.

export const getEarnings = (signal?: AbortSignal) => apiFetch<Earnings>('/api/earnings', { signal });

/** Pays out of the creator's earnings (not a shop's sales): one Idempotency-Key per press, as every money move. */
export const requestCreatorPayout = (amountMinor: number, currency: string) =>
  postIdempotent<Wallet>('/api/payouts', { amountMinor, currency, source: 'creator' });
