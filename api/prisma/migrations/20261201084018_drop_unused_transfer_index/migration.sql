-- DropIndex
DROP INDEX "ledger_transfers_kind_createdAt_idx";
