-- CreateTable
CREATE TABLE "listing_views" (
    "userId" UUID NOT NULL,
    "listingId" UUID NOT NULL,
    "viewedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "listing_views_pkey" PRIMARY KEY ("userId","listingId")
);

-- CreateIndex
CREATE INDEX "listing_views_userId_viewedAt_idx" ON "listing_views"("userId", "viewedAt");
