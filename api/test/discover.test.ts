import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { createBuyers, createListing, goLive, key } from '../../test/support/fixtures.js';
import type { RunningApi } from '../src/server.js';

/** The home page ranks for the person looking (issue 10); a guest gets a sensible non-personal page. */
let api: RunningApi;
beforeAll(async () => {
  api = await startTestApi({ env: { SCHEDULER_INTERVAL_SECONDS: '0' } });
});
afterAll(async () => {
  await api.close();
});

const idem = () => ({ 'idempotency-key': key() });
const buy = (client: HttpClient, listing: { id: string; priceMinor: number }) =>
  client.post('/api/orders', { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: listing.priceMinor }] }, idem());

describe('discovery', () => {
  it('a guest gets live shows by audience, upcoming shows and listings with a reason each', async () => {
    const res = await new HttpClient(api.url).get('/api/discover');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ liveFollowed: [], live: expect.any(Array), upcoming: expect.any(Array) });
    expect(res.body.forYou.length).toBeGreaterThan(0);
    for (const item of res.body.forYou as { reason: string }[]) expect(item.reason).toMatch(/^(Popular on Hawker|New on Hawker)$/);
  });

  it('puts followed creators live first, and explains "for you" picks from purchases, follows and views', async () => {
    const [me, other, host] = await createBuyers(api, 3, 'discover');
    await host!.client.post('/api/creator', { handle: `disc_${Date.now().toString(36)}`, displayName: 'Disco Dana', acceptTerms: true });
    await me!.client.post(`/api/creators/${host!.id}/follow`);
    const show = (await host!.client.post('/api/streams', { title: 'Dana live' })).body.id as string;
    await goLive(api, show);

    const mug = await createListing(api, { stock: 10, priceMinor: 1200 });
    const saucer = await createListing(api, { stock: 10, priceMinor: 800 });
    await buy(other!.client, mug);
    await buy(other!.client, saucer);
    await buy(me!.client, mug);
    const mugTitle = (await api.services.db.prisma.listing.findUniqueOrThrow({ where: { id: mug.id } })).title;

    const page = (await me!.client.get('/api/discover')).body;
    expect(page.liveFollowed.map((s: { id: string }) => s.id)).toEqual([show]);
    expect(page.live.map((s: { id: string }) => s.id)).not.toContain(show);
    const pick = (page.forYou as { listing: { id: string }; reason: string }[]).find((p) => p.listing.id === saucer.id);
    expect(pick?.reason).toBe(`Because you bought ${mugTitle}`);
    // What they bought is not recommended back to them.
    expect((page.forYou as { listing: { id: string } }[]).map((p) => p.listing.id)).not.toContain(mug.id);

    // Looking at a listing brings its category's other listings, with the reason.
    const viewed = await createListing(api, { stock: 3, priceMinor: 999 });
    await api.services.db.prisma.listing.update({ where: { id: viewed.id }, data: { category: 'rare-category' } });
    const sibling = await createListing(api, { stock: 3, priceMinor: 555 });
    await api.services.db.prisma.listing.update({ where: { id: sibling.id }, data: { category: 'rare-category' } });
    await me!.client.get(`/api/listings/${viewed.id}`);
    await new Promise((r) => setTimeout(r, 200));
    const after = (await me!.client.get('/api/discover')).body.forYou as { listing: { id: string }; reason: string }[];
    expect(after.find((p) => p.listing.id === sibling.id)?.reason).toMatch(/^Because you looked at /);
  });
});
