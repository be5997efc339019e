-- Full-text search over listings (title weighted above description). An
-- expression index, so the schema needs no extra column; queries must use the
-- same expression (see listing.repository.ts) for the index to apply.
CREATE INDEX "listings_search_idx" ON "listings" USING GIN (
  (setweight(to_tsvector('simple', coalesce("title", '')), 'A') || setweight(to_tsvector('simple', coalesce("description", '')), 'B'))
);
