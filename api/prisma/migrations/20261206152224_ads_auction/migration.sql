-- The ad tables drafted before the ads design were never written to: they are replaced whole.
DROP TABLE "ad_clicks";
DROP TABLE "ad_impressions";
DROP TABLE "ad_bids";
DROP TYPE "AdPlacement";
CREATE TYPE "AdPlacement" AS ENUM ('search', 'home', 'live_now', 'related');

-- AlterEnum
ALTER TYPE "LedgerAccountKind" ADD VALUE 'ad_revenue';
ALTER TYPE "LedgerTransferKind" ADD VALUE 'ad_credit';
ALTER TYPE "LedgerTransferKind" ADD VALUE 'ad_withdraw';

-- AlterTable
ALTER TABLE "ad_campaigns" ADD COLUMN     "spentMinor" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "totalBudgetMinor" INTEGER,
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "ad_bids" (
    "id" UUID NOT NULL,
    "adId" UUID NOT NULL,
    "placement" "AdPlacement" NOT NULL,
    "keyword" TEXT NOT NULL DEFAULT '',
    "terms" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "maxCpcMinor" INTEGER NOT NULL,

    CONSTRAINT "ad_bids_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ad_impressions" (
    "id" UUID NOT NULL,
    "adId" UUID NOT NULL,
    "campaignId" UUID NOT NULL,
    "placement" "AdPlacement" NOT NULL,
    "position" INTEGER NOT NULL,
    "priceMinor" INTEGER NOT NULL,
    "viewerKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ad_impressions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ad_clicks" (
    "id" UUID NOT NULL,
    "tokenId" UUID NOT NULL,
    "adId" UUID NOT NULL,
    "campaignId" UUID NOT NULL,
    "placement" "AdPlacement" NOT NULL,
    "viewerKey" TEXT NOT NULL,
    "userId" UUID,
    "ipPrefix" TEXT NOT NULL,
    "userAgent" TEXT NOT NULL DEFAULT '',
    "priceMinor" INTEGER NOT NULL,
    "billedMinor" INTEGER NOT NULL DEFAULT 0,
    "invalidReason" TEXT,
    "transferId" UUID,
    "creditedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ad_clicks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ad_clicks_campaignId_createdAt_idx" ON "ad_clicks"("campaignId", "createdAt");

-- AddForeignKey
ALTER TABLE "ad_clicks" ADD CONSTRAINT "ad_clicks_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "ad_campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "ads" (
    "id" UUID NOT NULL,
    "campaignId" UUID NOT NULL,
    "listingId" UUID,
    "streamId" UUID,
    "categories" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "impressions" INTEGER NOT NULL DEFAULT 0,
    "clicks" INTEGER NOT NULL DEFAULT 0,
    "takenDownAt" TIMESTAMP(3),
    "takenDownReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ad_campaign_days" (
    "campaignId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "spentMinor" INTEGER NOT NULL DEFAULT 0,
    "clicks" INTEGER NOT NULL DEFAULT 0,
    "impressions" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ad_campaign_days_pkey" PRIMARY KEY ("campaignId","day")
);

-- CreateTable
CREATE TABLE "ad_auctions" (
    "id" UUID NOT NULL,
    "placement" "AdPlacement" NOT NULL,
    "query" TEXT NOT NULL DEFAULT '',
    "adIds" UUID[],
    "candidates" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ad_auctions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ads_campaignId_idx" ON "ads"("campaignId");

-- CreateIndex
CREATE INDEX "ads_listingId_idx" ON "ads"("listingId");

-- CreateIndex
CREATE INDEX "ad_auctions_placement_createdAt_idx" ON "ad_auctions"("placement", "createdAt");

-- CreateIndex
CREATE INDEX "ad_auctions_adIds_idx" ON "ad_auctions" USING GIN ("adIds");

-- CreateIndex
CREATE INDEX "ad_auctions_createdAt_idx" ON "ad_auctions"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ad_bids_adId_placement_keyword_key" ON "ad_bids"("adId", "placement", "keyword");

-- CreateIndex
CREATE INDEX "ad_clicks_adId_viewerKey_createdAt_idx" ON "ad_clicks"("adId", "viewerKey", "createdAt");

-- CreateIndex
CREATE INDEX "ad_clicks_adId_ipPrefix_createdAt_idx" ON "ad_clicks"("adId", "ipPrefix", "createdAt");

-- CreateIndex
CREATE INDEX "ad_clicks_userId_createdAt_idx" ON "ad_clicks"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "ad_impressions_adId_createdAt_idx" ON "ad_impressions"("adId", "createdAt");

-- AddForeignKey
ALTER TABLE "ads" ADD CONSTRAINT "ads_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "ad_campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ads" ADD CONSTRAINT "ads_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "listings"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ads" ADD CONSTRAINT "ads_streamId_fkey" FOREIGN KEY ("streamId") REFERENCES "streams"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ad_bids" ADD CONSTRAINT "ad_bids_adId_fkey" FOREIGN KEY ("adId") REFERENCES "ads"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ad_campaign_days" ADD CONSTRAINT "ad_campaign_days_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "ad_campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ad_impressions" ADD CONSTRAINT "ad_impressions_adId_fkey" FOREIGN KEY ("adId") REFERENCES "ads"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ad_clicks" ADD CONSTRAINT "ad_clicks_adId_fkey" FOREIGN KEY ("adId") REFERENCES "ads"("id") ON DELETE CASCADE ON UPDATE CASCADE;
