import type { Trust } from '@hawker/shared';

/**
 * A seller's trust score, built from four observable parts and shown with its
 * formula, not as a black box. Small samples are pulled towards a neutral
 * prior (Bayesian averaging) so one early 1-star review or one dispute does not
 * sink a new seller, and five 5-star reviews do not crown one.
 */
export const TRUST_WEIGHTS = { rating: 0.4, disputes: 0.2, refunds: 0.2, onTimeShipping: 0.2 } as const;
const PRIOR = { rating: 4.0, ratingWeight: 5, rate: 0.05, rateWeight: 10, onTime: 0.9, onTimeWeight: 10 } as const;

export const TRUST_FORMULA =
  'score = 100 × (0.4 × (r̄ − 1) / 4 + 0.2 × (1 − dispute rate) + 0.2 × (1 − refund rate) + 0.2 × on-time rate); ' +
  'r̄ = (Σ ratings + 4.0 × 5) / (reviews + 5); rates = (events + prior × 10) / (orders + 10) with priors 5% disputes, 5% refunds, 90% on time (shipped ≤ 3 days after payment)';

export type TrustInputs = {
  averageRating: number | null;
  reviews: number;
  orders: number;
  disputes: number;
  refunded: number;
  shipped: number;
  onTime: number;
};

export function trustScore(i: TrustInputs): Trust {
  const rating = ((i.averageRating ?? 0) * i.reviews + PRIOR.rating * PRIOR.ratingWeight) / (i.reviews + PRIOR.ratingWeight);
  const disputeRate = (i.disputes + PRIOR.rate * PRIOR.rateWeight) / (i.orders + PRIOR.rateWeight);
  const refundRate = (i.refunded + PRIOR.rate * PRIOR.rateWeight) / (i.orders + PRIOR.rateWeight);
  const onTime = (i.onTime + PRIOR.onTime * PRIOR.onTimeWeight) / (i.shipped + PRIOR.onTimeWeight);
  const score =
    100 *
    (TRUST_WEIGHTS.rating * ((rating - 1) / 4) +
      TRUST_WEIGHTS.disputes * (1 - disputeRate) +
      TRUST_WEIGHTS.refunds * (1 - refundRate) +
      TRUST_WEIGHTS.onTimeShipping * onTime);
  const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;
  return {
    score: round(Math.min(100, Math.max(0, score)), 1),
    parts: {
      rating: { value: round(rating, 2), reviews: i.reviews, weight: TRUST_WEIGHTS.rating },
      disputes: { rate: round(disputeRate), orders: i.orders, weight: TRUST_WEIGHTS.disputes },
      refunds: { rate: round(refundRate), orders: i.orders, weight: TRUST_WEIGHTS.refunds },
      onTimeShipping: { rate: round(onTime), shipments: i.shipped, weight: TRUST_WEIGHTS.onTimeShipping },
    },
    formula: TRUST_FORMULA,
  };
}
