import type { AccountRef } from '../domain/ledger-accounts.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { TransactionClient } from '../generated/prisma/internal/prismaNamespace.js';

export type Db = PrismaClient | TransactionClient;

const INSUFFICIENT = 'ledger_insufficient_funds:';

export type TransferKind =
  'payment_capture' | 'escrow_release' | 'refund' | 'payout' | 'ad_charge' | 'ad_topup' | 'sponsorship' | 'adjustment';

export type TransferInput = {
  kind: TransferKind;
  orderId?: string | null;
  paymentId?: string | null;
  /** Business key: booking the same movement twice is impossible (unique). */
  idempotencyKey?: string | null;
  memo?: string;
  entries: { account: AccountRef; amount: bigint }[];
};

export class UnbalancedTransferError extends Error {
  constructor(sum: bigint) {
    super(`transfer entries sum to ${sum}, not 0`);
    this.name = 'UnbalancedTransferError';
  }
}

export class InsufficientFundsError extends Error {
  constructor(readonly codes: string[]) {
    super(`account below its floor: ${codes.join(', ')}`);
    this.name = 'InsufficientFundsError';
  }
}

/**
 * Double-entry bookkeeping in PostgreSQL. A transfer is written in one SQL
 * statement (a data-modifying CTE): the balance updates, guarded by each
 * account's floor, the transfer row and its entries. The caller runs it inside
 * the database transaction of the state change it belongs to.
 */
export class LedgerRepository {
  // Account codes are immutable, so ids of committed accounts can be cached for
  // the process lifetime. Ids seen inside a transaction are not cached: the
  // transaction may roll back and take a freshly created account with it.
  readonly #ids = new Map<string, string>();

  constructor(private readonly prisma: PrismaClient) {}

  /** Creates (outside any transaction) and caches accounts that transfers will use. */
  async prepare(refs: AccountRef[]): Promise<void> {
    await this.ensureAccounts(this.prisma, refs, true);
  }

  async ensureAccounts(db: Db, refs: AccountRef[], cache = false): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const r of refs) {
      const id = this.#ids.get(r.code);
      if (id) found.set(r.code, id);
    }
    const missing = [...new Map(refs.filter((r) => !found.has(r.code)).map((r) => [r.code, r])).values()];
    if (missing.length > 0) {
      const values = missing.map(
        (_, i) =>
          `($${i * 6 + 1}, $${i * 6 + 2}::"LedgerAccountKind", $${i * 6 + 3}, $${i * 6 + 4}::uuid, $${i * 6 + 5}::uuid, $${i * 6 + 6}::bigint)`,
      );
      const params = missing.flatMap((r) => [r.code, r.kind, r.currency, r.ownerId, r.orderId, r.floor]);
      await db.$executeRawUnsafe(
        `INSERT INTO ledger_accounts (id, code, kind, currency, "ownerId", "orderId", floor)
         SELECT gen_random_uuid(), v.* FROM (VALUES ${values.join(', ')}) AS v(code, kind, currency, owner, ord, floor)
         ON CONFLICT (code) DO NOTHING`,
        ...params,
      );
      const rows = await db.$queryRawUnsafe<{ id: string; code: string }[]>(
        'SELECT id::text, code FROM ledger_accounts WHERE code = ANY($1::text[])',
        missing.map((r) => r.code),
      );
      for (const row of rows) {
        found.set(row.code, row.id);
        if (cache) this.#ids.set(row.code, row.id);
      }
    }
    return found;
  }

  /**
   * Books a balanced transfer in one atomic statement; throws InsufficientFundsError
   * (rolling back the caller's transaction, if any) when a floor would break.
   */
  async post(db: Db, t: TransferInput): Promise<string> {
    const sum = t.entries.reduce((s, e) => s + e.amount, 0n);
    if (sum !== 0n || t.entries.length < 2) throw new UnbalancedTransferError(sum);
    const ids = await this.ensureAccounts(
      db,
      t.entries.map((e) => e.account),
    );
    // Net per account, in id order, so concurrent transfers lock rows in the same order.
    const net = new Map<string, bigint>();
    for (const e of t.entries) net.set(ids.get(e.account.code)!, (net.get(ids.get(e.account.code)!) ?? 0n) + e.amount);
    const moves = [...net.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    const params: unknown[] = [t.kind, t.orderId ?? null, t.paymentId ?? null, t.idempotencyKey ?? null, t.memo ?? ''];
    const moveValues = moves.map(([id, amount]) => {
      params.push(id, amount);
      return `($${params.length - 1}::uuid, $${params.length}::bigint)`;
    });
    const entryValues = t.entries.map((e) => {
      params.push(ids.get(e.account.code)!, e.amount);
      return `($${params.length - 1}::uuid, $${params.length}::bigint)`;
    });
    params.push(moves.length);
    const expected = `$${params.length}::int`;
    try {
      const [result] = await db.$queryRawUnsafe<{ transfer_id: string }[]>(
        `WITH moves(id, amount) AS (VALUES ${moveValues.join(', ')}),
         updated AS (
           UPDATE ledger_accounts a SET balance = a.balance + m.amount
           FROM moves m
           WHERE a.id = m.id AND (a.floor IS NULL OR a.balance + m.amount >= a.floor)
           RETURNING a.id
         ),
         transfer AS (
           INSERT INTO ledger_transfers (id, kind, "orderId", "paymentId", "idempotencyKey", memo)
           VALUES (gen_random_uuid(), $1::"LedgerTransferKind", $2::uuid, $3::uuid, $4, $5)
           RETURNING id
         ),
         entries AS (
           INSERT INTO ledger_entries ("transferId", "accountId", amount)
           SELECT transfer.id, e.account_id, e.amount FROM transfer, (VALUES ${entryValues.join(', ')}) AS e(account_id, amount)
         )
         -- If a floor stopped any balance update, fail the whole statement, so it
         -- is atomic even outside an explicit transaction. (The cast depends on
         -- the row count, so the planner cannot fold it into an error early.)
         SELECT (SELECT id::text FROM transfer) AS transfer_id,
                CASE WHEN (SELECT count(*) FROM updated) = ${expected} THEN 1
                     ELSE CAST('${INSUFFICIENT}' || (SELECT count(*) FROM updated)::text AS int) END AS ok`,
        ...params,
      );
      return result!.transfer_id;
    } catch (err) {
      if (String((err as Error).message).includes(INSUFFICIENT) || JSON.stringify(err).includes(INSUFFICIENT)) {
        throw new InsufficientFundsError(t.entries.filter((e) => e.amount < 0n).map((e) => e.account.code));
      }
      throw err;
    }
  }

  async balance(db: Db, code: string): Promise<bigint> {
    const rows = await db.$queryRawUnsafe<{ balance: bigint }[]>('SELECT balance FROM ledger_accounts WHERE code = $1', code);
    return rows[0]?.balance ?? 0n;
  }

  async balances(db: Db, ownerId: string) {
    return db.$queryRawUnsafe<{ code: string; kind: string; currency: string; balance: bigint }[]>(
      'SELECT code, kind::text, currency, balance FROM ledger_accounts WHERE "ownerId" = $1::uuid ORDER BY code',
      ownerId,
    );
  }
}
