import type { AccountRef } from '../domain/ledger-accounts.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { TransactionClient } from '../generated/prisma/internal/prismaNamespace.js';
import type { SqlDatabase, SqlExecutor, SqlStatement } from './db/sql.js';
import { BatchedTransferError, POST_TRANSFER, TransferBatcher } from './ledger-batcher.js';

export type Db = PrismaClient | TransactionClient;
/** Prisma (inside a Prisma transaction) or the lean SQL path (db/sql.ts) for hot paths. */
export type LedgerDb = Db | SqlExecutor;

const INSERT_ACCOUNTS_SQL = `INSERT INTO ledger_accounts (id, code, kind, currency, "ownerId", "orderId", floor)
  SELECT gen_random_uuid(), v.code, v.kind::"LedgerAccountKind", v.currency, v.owner, v.ord, v.floor
  FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::bigint[]) AS v(code, kind, currency, owner, ord, floor)
  ON CONFLICT (code) DO NOTHING`;
const INSERT_ACCOUNTS: SqlStatement = { name: 'ledger_accounts_insert_v1', text: INSERT_ACCOUNTS_SQL };
const SELECT_ACCOUNTS: SqlStatement = {
  name: 'ledger_accounts_select_v1',
  text: 'SELECT id::text, code FROM ledger_accounts WHERE code = ANY($1::text[])',
};

function run<T>(db: LedgerDb, statement: SqlStatement, values: unknown[]): Promise<T[]> {
  return '$queryRawUnsafe' in db ? db.$queryRawUnsafe<T[]>(statement.text, ...values) : db.query<T>(statement, values);
}

const INSUFFICIENT = 'ledger_insufficient_funds:';
const DUPLICATE = ['ledger_duplicate_transfer', 'ledger_transfers_idempotencyKey_key'];

export type TransferKind =
  | 'payment_capture'
  | 'escrow_release'
  | 'refund'
  | 'payout'
  | 'ad_charge'
  | 'ad_topup'
  | 'sponsorship'
  | 'adjustment'
  | 'brand_topup'
  | 'commission_clawback'
  | 'ad_credit'
  | 'ad_withdraw';

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

/** The transfer's business key (idempotencyKey) was booked before. */
export class DuplicateTransferError extends Error {
  constructor(readonly idempotencyKey: string | null) {
    super(`transfer ${idempotencyKey ?? ''} was already booked`);
    this.name = 'DuplicateTransferError';
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
 * statement (the `ledger_post` function): the balance updates, guarded by
 * each account's floor and taken in account-id order, the transfer row and its
 * entries. The caller runs it inside the database transaction of the state
 * change it belongs to.
 */
export class LedgerRepository {
  // Account codes are immutable, so ids of committed accounts can be cached for
  // the process lifetime. Ids seen inside a transaction are not cached: the
  // transaction may roll back and take a freshly created account with it.
  readonly #ids = new Map<string, string>();
  readonly #batcher: TransferBatcher;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: SqlDatabase,
  ) {
    this.#batcher = new TransferBatcher(sql);
  }

  /**
   * A standalone transfer (not part of a larger state change), committed on
   * its own and group-committed with concurrent ones (ledger-batcher.ts).
   * Resolves once it is durable; atomic per transfer, like post().
   */
  async transfer(t: TransferInput): Promise<string> {
    assertBalanced(t);
    // Outside any transaction the accounts commit at once, so their ids may be cached.
    const ids = await this.ensureAccounts(
      this.sql,
      t.entries.map((e) => e.account),
      true,
    );
    try {
      return await this.#batcher.submit({
        kind: t.kind,
        orderId: t.orderId ?? null,
        paymentId: t.paymentId ?? null,
        idempotencyKey: t.idempotencyKey ?? null,
        memo: t.memo ?? '',
        accountIds: t.entries.map((e) => ids.get(e.account.code)!),
        amounts: t.entries.map((e) => e.amount),
      });
    } catch (err) {
      throw failureOf(err, t);
    }
  }

  /** Creates (outside any transaction) and caches accounts that transfers will use. */
  async prepare(refs: AccountRef[]): Promise<void> {
    await this.ensureAccounts(this.prisma, refs, true);
  }

  async ensureAccounts(db: LedgerDb, refs: AccountRef[], cache = false): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const r of refs) {
      const id = this.#ids.get(r.code);
      if (id) found.set(r.code, id);
    }
    const missing = [...new Map(refs.filter((r) => !found.has(r.code)).map((r) => [r.code, r])).values()];
    if (missing.length > 0) {
      await run(db, INSERT_ACCOUNTS, accountColumns(missing));
      const rows = await run<{ id: string; code: string }>(db, SELECT_ACCOUNTS, [missing.map((r) => r.code)]);
      for (const row of rows) {
        found.set(row.code, row.id);
        if (cache) this.#ids.set(row.code, row.id);
      }
    }
    return found;
  }

  /**
   * Books a balanced transfer in one atomic statement (the `ledger_post`
   * function, see its migration); throws InsufficientFundsError (rolling back
   * the caller's transaction, if any) when a floor would break.
   */
  async post(db: LedgerDb, t: TransferInput, known?: Map<string, string>): Promise<string> {
    assertBalanced(t);
    const refs = t.entries.map((e) => e.account);
    // `known`: ids the caller already resolved in this transaction (saves a round trip).
    const ids = known && refs.every((r) => known.has(r.code)) ? known : await this.ensureAccounts(db, refs);
    try {
      // Amounts travel as text: bigint arrays are not portable across the drivers.
      const [result] = await run<{ transfer_id: string }>(db, POST_TRANSFER, [
        t.kind,
        t.orderId ?? null,
        t.paymentId ?? null,
        t.idempotencyKey ?? null,
        t.memo ?? '',
        t.entries.map((e) => ids.get(e.account.code)!),
        t.entries.map((e) => e.amount.toString()),
      ]);
      return result!.transfer_id;
    } catch (err) {
      throw failureOf(err, t);
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

/** Accounts as the six parallel arrays (code, kind, currency, owner, order, floor) the SQL that creates them takes. */
export function accountColumns(refs: AccountRef[]): unknown[][] {
  return [
    refs.map((r) => r.code),
    refs.map((r) => r.kind),
    refs.map((r) => r.currency),
    refs.map((r) => r.ownerId),
    refs.map((r) => r.orderId),
    // Floors travel as text: bigint arrays are not portable across the drivers.
    refs.map((r) => (r.floor === null ? null : r.floor.toString())),
  ];
}

function assertBalanced(t: TransferInput): void {
  const sum = t.entries.reduce((s, e) => s + e.amount, 0n);
  if (sum !== 0n || t.entries.length < 2) throw new UnbalancedTransferError(sum);
}

/**
 * What a failed transfer means, whichever way it failed: the statement's own
 * error (through Prisma or node-postgres, which word it differently) or a
 * batch's per-transfer verdict.
 */
function failureOf(err: unknown, t: TransferInput): unknown {
  const text = err instanceof BatchedTransferError ? err.reason : `${String((err as Error | undefined)?.message)} ${jsonOf(err)}`;
  if (text.includes(INSUFFICIENT)) return new InsufficientFundsError(t.entries.filter((e) => e.amount < 0n).map((e) => e.account.code));
  if (DUPLICATE.some((d) => text.includes(d))) return new DuplicateTransferError(t.idempotencyKey ?? null);
  return err;
}

function jsonOf(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
