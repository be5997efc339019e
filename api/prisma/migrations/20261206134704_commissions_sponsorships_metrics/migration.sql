-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "LedgerAccountKind" ADD VALUE 'creator_earnings';
ALTER TYPE "LedgerAccountKind" ADD VALUE 'sponsorship_escrow';
ALTER TYPE "LedgerAccountKind" ADD VALUE 'brand_card';

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "LedgerTransferKind" ADD VALUE 'brand_topup';
ALTER TYPE "LedgerTransferKind" ADD VALUE 'commission_clawback';

-- AlterEnum
BEGIN;
CREATE TYPE "SponsorshipStatus_new" AS ENUM ('proposed', 'accepted', 'declined', 'expired', 'measured', 'released', 'disputed', 'resolved', 'cancelled');
ALTER TABLE "public"."sponsorships" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "sponsorships" ALTER COLUMN "status" TYPE "SponsorshipStatus_new" USING ("status"::text::"SponsorshipStatus_new");
ALTER TYPE "SponsorshipStatus" RENAME TO "SponsorshipStatus_old";
ALTER TYPE "SponsorshipStatus_new" RENAME TO "SponsorshipStatus";
DROP TYPE "public"."SponsorshipStatus_old";
ALTER TABLE "sponsorships" ALTER COLUMN "status" SET DEFAULT 'proposed';
COMMIT;

-- DropForeignKey
ALTER TABLE "sponsorships" DROP CONSTRAINT "sponsorships_streamId_fkey";

-- DropIndex
DROP INDEX "sponsorships_brandId_idx";

-- DropIndex
DROP INDEX "sponsorships_streamId_idx";

-- AlterTable
ALTER TABLE "listings" ADD COLUMN     "affiliateMaxDealUnits" INTEGER,
ADD COLUMN     "affiliateMinDealPriceMinor" INTEGER,
ADD COLUMN     "affiliateRateBps" INTEGER;

-- AlterTable
ALTER TABLE "order_items" ADD COLUMN     "attributedStreamId" UUID,
ADD COLUMN     "commissionBps" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "creatorId" UUID,
ADD COLUMN     "sponsorshipId" UUID;

-- AlterTable
ALTER TABLE "refunds" ADD COLUMN     "afterRelease" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "providerRef" TEXT;

-- AlterTable
ALTER TABLE "sponsorships" DROP COLUMN "amountMinor",
ADD COLUMN     "commissionBps" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "coverage" TEXT NOT NULL,
ADD COLUMN     "creatorId" UUID NOT NULL,
ADD COLUMN     "deliveredBps" INTEGER,
ADD COLUMN     "delivery" JSONB,
ADD COLUMN     "disputeReason" TEXT,
ADD COLUMN     "expiresAt" TIMESTAMP(3) NOT NULL,
ADD COLUMN     "flatFeeMinor" INTEGER NOT NULL,
ADD COLUMN     "measuredAt" TIMESTAMP(3),
ADD COLUMN     "minFlashDeals" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "minLiveMinutes" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "minPinnedMinutes" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "releaseAt" TIMESTAMP(3),
ADD COLUMN     "releasedMinor" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "returnedMinor" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "settledAt" TIMESTAMP(3),
ADD COLUMN     "showsCount" INTEGER NOT NULL DEFAULT 1,
ALTER COLUMN "streamId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "sponsorship_streams" (
    "sponsorshipId" UUID NOT NULL,
    "streamId" UUID NOT NULL,

    CONSTRAINT "sponsorship_streams_pkey" PRIMARY KEY ("sponsorshipId","streamId")
);

-- CreateTable
CREATE TABLE "room_visits" (
    "userId" UUID NOT NULL,
    "streamId" UUID NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "room_visits_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "stream_minutes" (
    "streamId" UUID NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "viewers" INTEGER NOT NULL DEFAULT 0,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "units" INTEGER NOT NULL DEFAULT 0,
    "gmvMinor" INTEGER NOT NULL DEFAULT 0,
    "productClicks" INTEGER NOT NULL DEFAULT 0,
    "chatMessages" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "stream_minutes_pkey" PRIMARY KEY ("streamId","minute")
);

-- CreateIndex
CREATE INDEX "sponsorship_streams_streamId_idx" ON "sponsorship_streams"("streamId");

-- CreateIndex
CREATE INDEX "order_items_creatorId_idx" ON "order_items"("creatorId");

-- CreateIndex
CREATE INDEX "order_items_attributedStreamId_idx" ON "order_items"("attributedStreamId");

-- CreateIndex
CREATE INDEX "sponsorships_brandId_createdAt_idx" ON "sponsorships"("brandId", "createdAt");

-- CreateIndex
CREATE INDEX "sponsorships_creatorId_createdAt_idx" ON "sponsorships"("creatorId", "createdAt");

-- CreateIndex
CREATE INDEX "sponsorships_status_releaseAt_idx" ON "sponsorships"("status", "releaseAt");

-- AddForeignKey
ALTER TABLE "sponsorships" ADD CONSTRAINT "sponsorships_creatorId_fkey" FOREIGN KEY ("creatorId") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sponsorships" ADD CONSTRAINT "sponsorships_streamId_fkey" FOREIGN KEY ("streamId") REFERENCES "streams"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sponsorship_streams" ADD CONSTRAINT "sponsorship_streams_sponsorshipId_fkey" FOREIGN KEY ("sponsorshipId") REFERENCES "sponsorships"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sponsorship_streams" ADD CONSTRAINT "sponsorship_streams_streamId_fkey" FOREIGN KEY ("streamId") REFERENCES "streams"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stream_minutes" ADD CONSTRAINT "stream_minutes_streamId_fkey" FOREIGN KEY ("streamId") REFERENCES "streams"("id") ON DELETE CASCADE ON UPDATE CASCADE;
