/**
 * The words of a search or a keyword, split as PostgreSQL's 'simple'
 * text-search configuration (the one listing search uses) splits them:
 * lowercased runs of letters and digits. A keyword ad matches a search when
 * every one of its terms is among the query's (api/test/ads-auction.test.ts
 * checks this against to_tsvector('simple', …)).
 */
export function searchTerms(text: string): string[] {
  return [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
}
