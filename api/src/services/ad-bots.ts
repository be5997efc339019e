/**
 * User agents whose clicks are recorded and never billed: declared bots and
 * crawlers, and HTTP libraries that are not browsers (the IAB "known robots"
 * idea, ../shared/notes/ads.md §6). An empty user agent counts as one.
 */
export const BOT_USER_AGENT_PATTERNS = [
  /bot\b|bot\//i,
  /crawl/i,
  /spider/i,
  /slurp/i,
  /facebookexternalhit/i,
  /^curl\//i,
  /^wget\//i,
  /python-requests|python-urllib|aiohttp/i,
  /go-http-client/i,
  /^java\//i,
  /okhttp/i,
  /libwww-perl/i,
  /httpclient/i,
  /scrapy/i,
  /phantomjs/i,
  /^node$|undici/i,
] as const;

export function isBotUserAgent(userAgent: string): boolean {
  const ua = userAgent.trim();
  return ua === '' || BOT_USER_AGENT_PATTERNS.some((p) => p.test(ua));
}
