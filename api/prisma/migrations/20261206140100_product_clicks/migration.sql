-- CreateTable
CREATE TABLE "stream_product_clicks" (
    "streamId" UUID NOT NULL,
    "listingId" UUID NOT NULL,
    "clicks" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "stream_product_clicks_pkey" PRIMARY KEY ("streamId","listingId")
);
