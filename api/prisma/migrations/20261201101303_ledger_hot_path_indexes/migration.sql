-- The ledger's hottest write (a transfer: one row here, two entries) keeps only
-- the indexes something reads: unused ones on ledger_transfers go. Entries are
-- written only by ledger_post / ledger_post_many, in the statement that inserts
-- their transfer, after locking every account they name, so their foreign keys
-- (four RI lookups per transfer) go too; the ledger self-check reports orphaned
-- entries instead. Entries are keyed by (transferId, id): transfer ids are
-- time-ordered, so inserts append, and the key serves "the entries of a
-- transfer" in place of a separate index.

-- DropForeignKey
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_accountId_fkey";

-- DropForeignKey
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_transferId_fkey";

-- DropIndex
DROP INDEX "ledger_entries_transferId_idx";

-- DropIndex
DROP INDEX "ledger_transfers_kind_createdAt_idx";

-- DropIndex
DROP INDEX "ledger_transfers_orderId_idx";

-- AlterTable
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_pkey",
ADD CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("transferId", "id");
