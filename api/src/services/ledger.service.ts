import { AppError } from '../errors.js';
import type { LedgerProblem } from '../repositories/ledger-check.repository.js';
import type { Principal } from './auth.service.js';

export type LedgerChecker = () => Promise<LedgerProblem[]>;

export class LedgerService {
  constructor(private readonly check: LedgerChecker) {}

  /** The self-check: every transfer balanced, balances match entries, floors hold, escrow matches order state. */
  async selfCheck(principal: Principal | null): Promise<{ ok: boolean; problems: LedgerProblem[] }> {
    if (!principal?.roles.includes('admin')) throw AppError.forbidden('Admins only.');
    const problems = await this.check();
    return { ok: problems.length === 0, problems };
  }
}
