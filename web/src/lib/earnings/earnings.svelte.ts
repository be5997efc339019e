import { formatMoney, type Earnings } from '@hawker/shared';
import { errorMessage } from '../api.js';
import { parseMoneyInput } from '../market/money.js';
import { Resource } from '../resource.svelte.js';
import { getEarnings, requestCreatorPayout } from './api.js';

/** A creator's money: pending in escrow, available, paid out, per show and per day; and payouts of what is available. */
export class EarningsManager {
  readonly earnings = new Resource<Earnings>((signal) => getEarnings(signal));
  paying = $state(false);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);

  get current(): Earnings | undefined {
    return this.earnings.data;
  }

  load(): void {
    void this.earnings.load();
  }

  abort(): void {
    this.earnings.abort();
  }

  available(currency: string): number {
    return this.current?.balances.find((b) => b.currency === currency)?.availableMinor ?? 0;
  }

  /** True when the payout went through (the form then clears); the figures are read again afterwards. */
  async payout(amount: string, currency: string): Promise<boolean> {
    if (this.paying) return false;
    this.notice = null;
    const parsed = parseMoneyInput(amount, currency);
    if (!parsed.ok) {
      this.error = parsed.error;
      return false;
    }
    const available = this.available(currency);
    if (parsed.minor > available) {
      this.error = `You can pay out up to ${formatMoney(available, currency)}.`;
      return false;
    }
    this.paying = true;
    this.error = null;
    try {
      await requestCreatorPayout(parsed.minor, currency);
      await this.earnings.load();
      const last = this.current?.payouts[0];
      this.notice = last?.status === 'failed' ? 'The payout failed; the amount is back in your balance.' : 'Payout sent.';
      return true;
    } catch (err) {
      this.error = errorMessage(err);
      return false;
    } finally {
      this.paying = false;
    }
  }
}
