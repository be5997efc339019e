import { formatMoney, type BrandSummary } from '@hawker/shared';
import { errorMessage } from '../api.js';
import type { PaymentMethod } from '../market/api.js';
import { parseMoneyInput } from '../market/money.js';
import { Resource } from '../resource.svelte.js';
import { session } from '../session.svelte.js';
import { becomeBrand, getBrand, topUp } from './api.js';
import { MAX_AMOUNT_MINOR, MIN_TOP_UP_MINOR, validateBrandSetup, type SetupErrors } from './forms.js';

/**
 * The brand's account: its profile and prepaid balance (available, and held for
 * accepted sponsorships), set-up for people who are not a brand yet, and
 * top-ups by card.
 */
export class BrandAccount {
  readonly summary = new Resource<BrandSummary>((signal) => getBrand(signal));
  /** The latest answer of a set-up or top-up: the whole summary, which wins over the first load. */
  updated = $state.raw<BrandSummary | null>(null);

  settingUp = $state(false);
  setupError = $state<string | null>(null);
  setupErrors = $state.raw<SetupErrors>({});

  toppingUp = $state(false);
  topUpError = $state<string | null>(null);
  topUpNotice = $state<string | null>(null);

  readonly #refreshSession: () => Promise<void>;

  /** `refreshSession` re-reads who is logged in (the new brand role); the app's session by default. */
  constructor(refreshSession: () => Promise<void> = () => session.load()) {
    this.#refreshSession = refreshSession;
  }

  get current(): BrandSummary | undefined {
    return this.updated ?? this.summary.data;
  }

  load(): void {
    this.updated = null;
    void this.summary.load();
  }

  abort(): void {
    this.summary.abort();
  }

  /** POST /api/brand, then the session again so the header and page see the brand role. */
  async setUp(companyName: string, website: string): Promise<boolean> {
    if (this.settingUp) return false;
    const checked = validateBrandSetup(companyName, website);
    this.setupError = null;
    if (!checked.ok) {
      this.setupErrors = checked.errors;
      return false;
    }
    this.setupErrors = {};
    this.settingUp = true;
    try {
      this.updated = await becomeBrand(companyName.trim(), checked.website);
      await this.#refreshSession();
      return true;
    } catch (err) {
      this.setupError = errorMessage(err);
      return false;
    } finally {
      this.settingUp = false;
    }
  }

  /**
   * Tops the balance up from a card. Each press is its own request with its own
   * Idempotency-Key; a press whose answer was lost (network, 5xx) and is sent
   * again unchanged reuses its key, so the card is never charged twice.
   */
  async topUp(amount: string, currency: string, paymentMethod: PaymentMethod): Promise<boolean> {
    if (this.toppingUp) return false;
    this.topUpNotice = null;
    const parsed = parseMoneyInput(amount, currency, { maxMinor: MAX_AMOUNT_MINOR });
    if (!parsed.ok) {
      this.topUpError = parsed.error;
      return false;
    }
    if (parsed.minor < MIN_TOP_UP_MINOR) {
      this.topUpError = `The smallest top-up is ${formatMoney(MIN_TOP_UP_MINOR, currency)}.`;
      return false;
    }
    this.toppingUp = true;
    this.topUpError = null;
    try {
      this.updated = await topUp(parsed.minor, currency, paymentMethod);
      this.topUpNotice = `${formatMoney(parsed.minor, currency)} added to your balance.`;
      return true;
    } catch (err) {
      // A declined card is a 402 with the provider's reason, shown as it is.
      this.topUpError = errorMessage(err);
      return false;
    } finally {
      this.toppingUp = false;
    }
  }
}
