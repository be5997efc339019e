import { formatMoney, type AdAccount } from '@hawker/shared';
import { errorMessage } from '../api.js';
import type { PaymentMethod } from '../market/api.js';
import { Resource } from '../resource.svelte.js';
import { getAdAccount, topUpAds, withdrawAds, type AdTopUpBody, type TopUpSource } from './api.js';
import { MIN_TOP_UP_MINOR, parseAdAmount } from './forms.js';

export type AdShop = AdAccount['shops'][number];

/** How a shop stands against the trust gate, in words a seller can act on. */
export function trustGateText(shop: Pick<AdShop, 'name' | 'trustScore' | 'eligible'>, threshold: number): string {
  if (shop.eligible) return `${shop.name} can advertise: its trust score is ${shop.trustScore}, and ads need ${threshold}.`;
  return (
    `${shop.name} cannot advertise yet: its trust score is ${shop.trustScore}, and ads need ${threshold}. ` +
    'Ads put a shop in front of buyers who never chose it, so only shops buyers can trust may buy that reach. ' +
    'Ship on time, answer disputes and earn good reviews to raise the score.'
  );
}

/**
 * The seller's ad money: the balance in the ad currency, top-ups by card or
 * from a shop's wallet, and withdrawals back to a wallet. Each answer is the
 * whole account, which wins over the first load.
 */
export class AdAccountManager {
  readonly account = new Resource<AdAccount>((signal) => getAdAccount(signal));
  updated = $state.raw<AdAccount | null>(null);

  toppingUp = $state(false);
  topUpError = $state<string | null>(null);
  topUpNotice = $state<string | null>(null);

  withdrawing = $state(false);
  withdrawError = $state<string | null>(null);
  withdrawNotice = $state<string | null>(null);

  get current(): AdAccount | undefined {
    return this.updated ?? this.account.data;
  }

  load(): void {
    this.updated = null;
    void this.account.load();
  }

  abort(): void {
    this.account.abort();
  }

  shop(id: string): AdShop | undefined {
    return this.current?.shops.find((s) => s.id === id);
  }

  /** Tops the ad balance up from a sandbox card or from a shop's available wallet balance. */
  async topUp(amount: string, source: TopUpSource, from: { paymentMethod: PaymentMethod; shopId: string }): Promise<boolean> {
    const account = this.current;
    if (this.toppingUp || !account) return false;
    this.topUpNotice = null;
    const parsed = parseAdAmount(amount, account.currency, MIN_TOP_UP_MINOR);
    let problem = parsed.ok ? null : parsed.error;
    let body: AdTopUpBody | null = null;
    if (parsed.ok && source === 'card') body = { amountMinor: parsed.minor, source, paymentMethod: from.paymentMethod };
    if (parsed.ok && source === 'wallet') {
      const shop = this.shop(from.shopId);
      if (!shop) problem = 'Choose the shop whose wallet pays.';
      else if (parsed.minor > shop.walletAvailableMinor) {
        problem = `${shop.name} has ${formatMoney(shop.walletAvailableMinor, account.currency)} available in its wallet.`;
      } else body = { amountMinor: parsed.minor, source, shopId: shop.id };
    }
    if (problem || !body) {
      this.topUpError = problem;
      return false;
    }
    this.toppingUp = true;
    this.topUpError = null;
    try {
      this.updated = await topUpAds(body);
      this.topUpNotice = `${formatMoney(body.amountMinor, account.currency)} added to your ad balance.`;
      return true;
    } catch (err) {
      // A declined card is a 402 with the provider's reason, shown as it is.
      this.topUpError = errorMessage(err);
      return false;
    } finally {
      this.toppingUp = false;
    }
  }

  /** Unused balance back to a shop's available wallet, from where it is paid out like sales. */
  async withdraw(amount: string, shopId: string): Promise<boolean> {
    const account = this.current;
    if (this.withdrawing || !account) return false;
    this.withdrawNotice = null;
    const parsed = parseAdAmount(amount, account.currency);
    const shop = this.shop(shopId);
    const problem = !parsed.ok
      ? parsed.error
      : !shop
        ? 'Choose the shop whose wallet receives it.'
        : parsed.minor > account.balanceMinor
          ? `Your ad balance is ${formatMoney(account.balanceMinor, account.currency)}.`
          : null;
    if (problem || !parsed.ok || !shop) {
      this.withdrawError = problem;
      return false;
    }
    this.withdrawing = true;
    this.withdrawError = null;
    try {
      this.updated = await withdrawAds({ amountMinor: parsed.minor, shopId: shop.id });
      this.withdrawNotice = `${formatMoney(parsed.minor, account.currency)} moved to ${shop.name}'s wallet.`;
      return true;
    } catch (err) {
      this.withdrawError = errorMessage(err);
      return false;
    } finally {
      this.withdrawing = false;
    }
  }
}
