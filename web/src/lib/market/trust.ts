import type { Trust } from '@hawker/shared';

export interface TrustLine {
  label: string;
  /** The measured value as people read it: "4.6 / 5", "2.1%". */
  value: string;
  /** What it is based on: "12 reviews". */
  basis: string;
  /** The part's share of the score, as a percentage. */
  weight: number;
  /** Points this part adds to the 0–100 score. */
  points: number;
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The score broken into what each part contributes, by the same formula the api
 * publishes (a 1–5 rating maps to 0–1; rates count against, on time counts for),
 * so "why this score" adds up to the number shown.
 */
export function trustLines(trust: Trust): TrustLine[] {
  const { rating, disputes, refunds, onTimeShipping } = trust.parts;
  return [
    {
      label: 'Rating',
      value: `${rating.value.toFixed(2)} / 5`,
      basis: plural(rating.reviews, 'review'),
      weight: Math.round(rating.weight * 100),
      points: round1(100 * rating.weight * ((rating.value - 1) / 4)),
    },
    {
      label: 'Disputes',
      value: percent(disputes.rate),
      basis: plural(disputes.orders, 'order'),
      weight: Math.round(disputes.weight * 100),
      points: round1(100 * disputes.weight * (1 - disputes.rate)),
    },
    {
      label: 'Refunds',
      value: percent(refunds.rate),
      basis: plural(refunds.orders, 'order'),
      weight: Math.round(refunds.weight * 100),
      points: round1(100 * refunds.weight * (1 - refunds.rate)),
    },
    {
      label: 'On-time shipping',
      value: percent(onTimeShipping.rate),
      basis: plural(onTimeShipping.shipments, 'shipment'),
      weight: Math.round(onTimeShipping.weight * 100),
      points: round1(100 * onTimeShipping.weight * onTimeShipping.rate),
    },
  ];
}
