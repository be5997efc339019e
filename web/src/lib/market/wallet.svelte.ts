import type { Wallet } from '@hawker/shared';
import { errorMessage } from '../api.js';
import { Resource } from '../resource.svelte.js';
import { getWallet, requestPayout } from './api.js';
import { parseMoneyInput } from './money.js';

/** The seller's balances (available, in escrow) and payouts. */
export class WalletManager {
  readonly wallet = new Resource<Wallet>((signal) => getWallet(signal));
  /** The payout's answer is the whole wallet; it wins over the first load. */
  updated = $state.raw<Wallet | null>(null);
  paying = $state(false);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);

  get current(): Wallet | undefined {
    return this.updated ?? this.wallet.data;
  }

  load(): void {
    this.updated = null;
    void this.wallet.load();
  }

  abort(): void {
    this.wallet.abort();
  }

  /** True when the payout went through (the form then clears). */
  async payout(amount: string, currency: string): Promise<boolean> {
    if (this.paying) return false;
    const parsed = parseMoneyInput(amount, currency);
    if (!parsed.ok) {
      this.error = parsed.error;
      return false;
    }
    this.paying = true;
    this.error = null;
    this.notice = null;
    try {
      const wallet = await requestPayout(parsed.minor, currency);
      this.updated = wallet;
      // Newest first. A failed provider transfer comes back as a failed payout, not an error.
      const last = wallet.payouts[0];
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
