import type { Db } from './ledger.repository.js';

export type LedgerProblem =
  | { kind: 'unbalanced_transfer'; transferId: string; sum: string }
  | { kind: 'balance_drift'; code: string; balance: string; fromEntries: string }
  | { kind: 'below_floor'; code: string; balance: string; floor: string }
  | { kind: 'escrow_mismatch'; orderId: string; status: string; escrow: string; expected: string }
  | { kind: 'orphan_entry'; entryId: string; transferId: string; accountId: string }
  /** A campaign's spend differs from its billed, uncredited clicks or from its days' spend. */
  | { kind: 'ad_spend_mismatch'; campaignId: string; spent: string; clicks: string; days: string }
  /** Ad revenue differs from what billed, uncredited clicks charged. */
  | { kind: 'ad_revenue_mismatch'; revenue: string; clicks: string };

/**
 * The ledger's self-check, all in SQL: every transfer sums to zero, every
 * cached balance equals the sum of its entries, no account is below its floor,
 * every entry belongs to a transfer and an account (the table has no foreign
 * keys: see schema.prisma), and every order's escrow holds what its state
 * says it should.
 */
export async function checkLedger(db: Db): Promise<LedgerProblem[]> {
  const unbalanced = await db.$queryRawUnsafe<{ id: string; sum: bigint }[]>(
    `SELECT "transferId"::text AS id, sum(amount) AS sum FROM ledger_entries GROUP BY "transferId" HAVING sum(amount) <> 0`,
  );
  const drift = await db.$queryRawUnsafe<{ code: string; balance: bigint; from_entries: bigint }[]>(
    `SELECT a.code, a.balance, coalesce(sum(e.amount), 0)::bigint AS from_entries
       FROM ledger_accounts a LEFT JOIN ledger_entries e ON e."accountId" = a.id
      GROUP BY a.id HAVING a.balance <> coalesce(sum(e.amount), 0)`,
  );
  const orphans = await db.$queryRawUnsafe<{ id: bigint; transfer_id: string; account_id: string }[]>(
    `SELECT e.id, e."transferId"::text AS transfer_id, e."accountId"::text AS account_id FROM ledger_entries e
      WHERE NOT EXISTS (SELECT 1 FROM ledger_transfers t WHERE t.id = e."transferId")
         OR NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.id = e."accountId")`,
  );
  const belowFloor = await db.$queryRawUnsafe<{ code: string; balance: bigint; floor: bigint }[]>(
    `SELECT code, balance, floor FROM ledger_accounts WHERE floor IS NOT NULL AND balance < floor`,
  );
  // Money in escrow must equal the order total minus what was refunded or released,
  // and be zero once the order is settled either way.
  const escrow = await db.$queryRawUnsafe<{ order_id: string; status: string; escrow: bigint; expected: bigint }[]>(
    `SELECT o.id::text AS order_id, o.status::text AS status, coalesce(a.balance, 0)::bigint AS escrow,
            CASE WHEN o.status IN ('paid', 'shipped', 'disputed')
                 THEN (h."amountMinor" - h."refundedMinor" - h."releasedMinor")::bigint ELSE 0::bigint END AS expected
       FROM orders o
       LEFT JOIN escrow_holds h ON h."orderId" = o.id
       LEFT JOIN ledger_accounts a ON a.id = h."accountId"
      WHERE h.id IS NOT NULL`,
  );
  return [
    ...unbalanced.map((r): LedgerProblem => ({ kind: 'unbalanced_transfer', transferId: r.id, sum: String(r.sum) })),
    ...drift.map((r): LedgerProblem => ({
      kind: 'balance_drift',
      code: r.code,
      balance: String(r.balance),
      fromEntries: String(r.from_entries),
    })),
    ...orphans.map((r): LedgerProblem => ({
      kind: 'orphan_entry',
      entryId: String(r.id),
      transferId: r.transfer_id,
      accountId: r.account_id,
    })),
    ...belowFloor.map((r): LedgerProblem => ({ kind: 'below_floor', code: r.code, balance: String(r.balance), floor: String(r.floor) })),
    ...escrow
      .filter((r) => r.escrow !== r.expected)
      .map((r): LedgerProblem => ({
        kind: 'escrow_mismatch',
        orderId: r.order_id,
        status: r.status,
        escrow: String(r.escrow),
        expected: String(r.expected),
      })),
  ];
}
