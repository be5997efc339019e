import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { AppError } from '../errors.js';
import type { ImageStorage } from '../repositories/image.storage.js';
import type { ListingRepository } from '../repositories/listing.repository.js';
import type { Principal } from './auth.service.js';

/** What we accept, and what each is stored as after re-encoding. */
const formats: Record<string, { ext: string; sharpFormat: 'png' | 'jpeg' | 'webp' }> = {
  'image/png': { ext: 'png', sharpFormat: 'png' },
  'image/jpeg': { ext: 'jpg', sharpFormat: 'jpeg' },
  'image/webp': { ext: 'webp', sharpFormat: 'webp' },
};

/** Larger sides are scaled down; bigger pictures than this only cost storage and bandwidth. */
const MAX_SIDE = 2048;
/** A decompression bomb (a tiny file that decodes to gigapixels) is refused before it is decoded. */
const MAX_INPUT_PIXELS = 40_000_000;

export type ImageLimits = { perListing: number; bytesPerUser: number };

/**
 * Listing images. Every upload is decoded and re-encoded (sharp/libvips), so
 * what we store and serve is always a real image of the declared type, with
 * no metadata (camera GPS included), no trailing payload and no polyglot
 * tricks; a listing holds at most `perListing` images and a user at most
 * `bytesPerUser` bytes.
 */
export class ImageService {
  constructor(
    private readonly listings: ListingRepository,
    private readonly storage: ImageStorage,
    private readonly imageUrl: (key: string) => string,
    private readonly limits: ImageLimits,
    /** Records the new avatar URL on the user. */
    private readonly avatars: (userId: string, url: string) => Promise<unknown> = () => Promise.resolve(),
  ) {}

  async upload(principal: Principal | null, listingId: string, contentType: string, body: unknown): Promise<{ id: string; url: string }> {
    if (!principal) throw AppError.unauthenticated();
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    const format = formats[type];
    if (!format || !Buffer.isBuffer(body))
      throw new AppError(415, 'invalid_request_error', 'unsupported_media_type', 'Upload a PNG, JPEG or WebP image as the request body.');
    const listing = await this.listings.find(listingId);
    if (!listing) throw AppError.notFound('Listing');
    if (listing.shop.ownerId !== principal.userId) throw AppError.forbidden('Only the shop owner adds images.');
    const bytes = await reencode(body, type, format.sharpFormat);
    const key = `${randomUUID()}.${format.ext}`;
    await this.storage.put(key, bytes);
    const added = await this.listings.addImageWithinLimits(
      { listingId, storageKey: key, contentType: type, bytes: bytes.length },
      { ownerId: principal.userId, ...this.limits },
    );
    if (!added.ok) {
      await this.storage.delete(key);
      throw added.reason === 'too_many_images'
        ? AppError.conflict('too_many_images', `A listing can have at most ${this.limits.perListing} images.`)
        : new AppError(
            413,
            'invalid_request_error',
            'storage_quota_exceeded',
            `Your images use all of your ${Math.round(this.limits.bytesPerUser / 1_048_576)} MB; remove some first.`,
          );
    }
    return { id: added.image.id, url: this.imageUrl(added.image.storageKey) };
  }

  /** An avatar: any accepted image, cropped square and stored as a 256 px WebP. */
  async uploadAvatar(principal: Principal | null, contentType: string, body: unknown): Promise<{ url: string }> {
    if (!principal) throw AppError.unauthenticated();
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    const format = formats[type];
    if (!format || !Buffer.isBuffer(body))
      throw new AppError(415, 'invalid_request_error', 'unsupported_media_type', 'Upload a PNG, JPEG or WebP image as the request body.');
    await reencode(body, type, format.sharpFormat); // refuses what is not a real image of that type
    const bytes = await sharp(body, { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize(256, 256, { fit: 'cover' })
      .webp({ quality: 85 })
      .toBuffer();
    const key = `${randomUUID()}.webp`;
    await this.storage.put(key, bytes);
    const url = `/api/media/avatars/${key}`;
    await this.avatars(principal.userId, url);
    return { url };
  }

  async readAvatar(key: string): Promise<Buffer> {
    const bytes = /^[a-f0-9-]{36}\.webp$/.test(key) ? await this.storage.get(key) : null;
    if (!bytes) throw AppError.notFound('Avatar');
    return bytes;
  }

  async read(key: string): Promise<{ bytes: Buffer; contentType: string }> {
    const meta = await this.listings.findImageByKey(key);
    const bytes = meta ? await this.storage.get(key) : null;
    if (!meta || !bytes) throw AppError.notFound('Image');
    return { bytes, contentType: meta.contentType };
  }
}

/** Decodes the upload as the declared type and encodes a fresh file; anything that does not decode is refused. */
async function reencode(body: Buffer, type: string, to: 'png' | 'jpeg' | 'webp'): Promise<Buffer> {
  const invalid = () => AppError.badRequest('invalid_image', `The body is not a valid ${type} image.`);
  if (body.length === 0) throw invalid();
  try {
    const image = sharp(body, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS });
    const { format } = await image.metadata();
    if (format !== to) throw invalid();
    // rotate(): apply the EXIF orientation before the metadata is dropped.
    const pipeline = image.rotate().resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true });
    if (to === 'png') return await pipeline.png().toBuffer();
    if (to === 'jpeg') return await pipeline.jpeg({ quality: 85, mozjpeg: true }).toBuffer();
    return await pipeline.webp({ quality: 85 }).toBuffer();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw invalid();
  }
}
