import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { createListing } from '../../test/support/fixtures.js';
import type { RunningApi } from '../src/server.js';

/**
 * Listing images (security finding 14): only real images are stored (each is
 * decoded and re-encoded), a listing holds at most MAX_IMAGES_PER_LISTING and
 * a user at most IMAGE_QUOTA_BYTES_PER_USER.
 */
let api: RunningApi;
let seller: HttpClient;
beforeAll(async () => {
  api = await startTestApi({ env: { MAX_IMAGES_PER_LISTING: '3', IMAGE_QUOTA_BYTES_PER_USER: '60000' } });
  seller = new HttpClient(api.url);
  await seller.login('seller@hawker.test');
});
afterAll(async () => {
  await api.close();
});

const picture = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 20, g: 120, b: 200 } } });

async function upload(listingId: string, type: string, bytes: Buffer) {
  const res = await fetch(`${api.url}/api/listings/${listingId}/images`, {
    method: 'POST',
    headers: { 'content-type': type, cookie: seller.cookieHeader },
    body: new Uint8Array(bytes),
  });
  return { status: res.status, body: (await res.json()) as { url?: string; error?: { code: string } } };
}
const served = async (url: string) => Buffer.from(await (await fetch(api.url + url)).arrayBuffer());

describe('only real images are stored', () => {
  it('a payload hidden after the image is not stored, camera metadata is dropped, and the file is our own encoding', async () => {
    const listing = await createListing(api, { stock: 1 });
    const html = Buffer.from('<html><script>alert(document.cookie)</script></html>');
    const withPayload = Buffer.concat([await picture(8, 8).png().toBuffer(), html]);
    const up = await upload(listing.id, 'image/png', withPayload);
    expect(up.status).toBe(201);
    const stored = await served(up.body.url!);
    expect(stored.includes(html)).toBe(false);
    expect(await sharp(stored).metadata()).toMatchObject({ format: 'png', width: 8, height: 8 });

    const gps = await picture(16, 16)
      .jpeg()
      .withExif({ IFD0: { Make: 'SecretPhone', Model: 'X' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' } })
      .toBuffer();
    expect((await sharp(gps).metadata()).exif).toBeDefined();
    const jpeg = await upload(listing.id, 'image/jpeg', gps);
    expect(jpeg.status).toBe(201);
    const storedJpeg = await served(jpeg.body.url!);
    expect((await sharp(storedJpeg).metadata()).exif).toBeUndefined();
    expect(storedJpeg.includes(Buffer.from('SecretPhone'))).toBe(false);
  });

  it('refuses a file that only starts like an image, and one that decodes to more than 40 megapixels', async () => {
    const listing = await createListing(api, { stock: 1 });
    const fakePng = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from('<?php system($_GET[1]); ?>'),
    ]);
    expect((await upload(listing.id, 'image/png', fakePng)).body.error?.code).toBe('invalid_image');
    // A PNG that says it is WebP is refused too.
    expect((await upload(listing.id, 'image/webp', await picture(4, 4).png().toBuffer())).body.error?.code).toBe('invalid_image');
    const bomb = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(1_000_000); // small on the wire, 144 MB once decoded
    const refused = await upload(listing.id, 'image/png', bomb);
    expect(refused.status).toBe(400);
    expect(refused.body.error?.code).toBe('invalid_image');
  });

  it('scales very large pictures down to 2048 pixels on the longer side', async () => {
    const listing = await createListing(api, { stock: 1 });
    const up = await upload(listing.id, 'image/webp', await picture(3000, 1500).webp().toBuffer());
    expect(up.status).toBe(201);
    expect(await sharp(await served(up.body.url!)).metadata()).toMatchObject({ format: 'webp', width: 2048, height: 1024 });
  });
});

describe('limits', () => {
  it('a listing holds at most MAX_IMAGES_PER_LISTING images (409), and nothing is left behind', async () => {
    const listing = await createListing(api, { stock: 1 });
    const small = await picture(4, 4).png().toBuffer();
    for (let i = 0; i < 3; i++) expect((await upload(listing.id, 'image/png', small)).status).toBe(201);
    const fourth = await upload(listing.id, 'image/png', small);
    expect(fourth.status).toBe(409);
    expect(fourth.body.error?.code).toBe('too_many_images');
    expect(await api.services.db.prisma.listingImage.count({ where: { listingId: listing.id } })).toBe(3);
  });

  it('concurrent uploads cannot slip past the per-listing cap', async () => {
    const listing = await createListing(api, { stock: 1 });
    const small = await picture(4, 4).png().toBuffer();
    const answers = await Promise.all(Array.from({ length: 8 }, () => upload(listing.id, 'image/png', small)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
    expect(await api.services.db.prisma.listingImage.count({ where: { listingId: listing.id } })).toBe(3);
  });

  it('a user stores at most IMAGE_QUOTA_BYTES_PER_USER bytes (413 storage_quota_exceeded)', async () => {
    // Noise does not compress: each re-encoded upload stays ~43 kB.
    const noisy = () =>
      sharp(randomBytes(120 * 120 * 3), { raw: { width: 120, height: 120, channels: 3 } })
        .png()
        .toBuffer();
    let refused: Awaited<ReturnType<typeof upload>> | undefined;
    for (let i = 0; i < 6 && !refused; i++) {
      const listing = await createListing(api, { stock: 1 });
      const res = await upload(listing.id, 'image/png', await noisy());
      if (res.status !== 201) refused = res;
    }
    expect(refused?.status).toBe(413);
    expect(refused?.body.error?.code).toBe('storage_quota_exceeded');
    const used = await api.services.db.prisma.listingImage.aggregate({
      where: { listing: { shop: { owner: { email: 'seller@hawker.test' } } } },
      _sum: { bytes: true },
    });
    expect(used._sum.bytes).toBeLessThanOrEqual(60_000);
  });
});
