import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';
import type { ImageStorage } from '../repositories/image.storage.js';
import type { ListingRepository } from '../repositories/listing.repository.js';
import type { Principal } from './auth.service.js';

// Magic numbers: the declared content type must match the bytes.
const signatures: Record<string, { ext: string; test: (b: Buffer) => boolean }> = {
  'image/png': { ext: 'png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  'image/jpeg': { ext: 'jpg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  'image/webp': {
    ext: 'webp',
    test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
};

export class ImageService {
  constructor(
    private readonly listings: ListingRepository,
    private readonly storage: ImageStorage,
    private readonly imageUrl: (key: string) => string,
  ) {}

  async upload(principal: Principal | null, listingId: string, contentType: string, body: unknown): Promise<{ id: string; url: string }> {
    if (!principal) throw AppError.unauthenticated();
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    const sig = signatures[type];
    if (!sig || !Buffer.isBuffer(body))
      throw new AppError(415, 'invalid_request_error', 'unsupported_media_type', 'Upload a PNG, JPEG or WebP image as the request body.');
    if (body.length === 0 || !sig.test(body)) throw AppError.badRequest('invalid_image', `The body is not a valid ${type} image.`);
    const listing = await this.listings.find(listingId);
    if (!listing) throw AppError.notFound('Listing');
    if (listing.shop.ownerId !== principal.userId) throw AppError.forbidden('Only the shop owner adds images.');
    const key = `${randomUUID()}.${sig.ext}`;
    await this.storage.put(key, body);
    const image = await this.listings.addImage({ listingId, storageKey: key, contentType: type, bytes: body.length });
    return { id: image.id, url: this.imageUrl(image.storageKey) };
  }

  async read(key: string): Promise<{ bytes: Buffer; contentType: string }> {
    const meta = await this.listings.findImageByKey(key);
    const bytes = meta ? await this.storage.get(key) : null;
    if (!meta || !bytes) throw AppError.notFound('Image');
    return { bytes, contentType: meta.contentType };
  }
}
