-- Entries are written only by ledger_post / ledger_post_many, in the statement
-- that inserts their transfer, after locking every account they name; the RI
-- triggers re-checked that at four lookups per transfer. The ledger self-check
-- reports orphaned entries instead (see schema.prisma, LedgerEntry).

-- DropForeignKey
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_accountId_fkey";

-- DropForeignKey
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_transferId_fkey";
