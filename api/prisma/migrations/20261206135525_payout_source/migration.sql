-- AlterTable
ALTER TABLE "payouts" ADD COLUMN     "source" TEXT NOT NULL DEFAULT 'seller';
