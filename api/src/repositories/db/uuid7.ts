import { randomBytes } from 'node:crypto';

/**
 * A UUIDv7 (RFC 9562: 48-bit Unix milliseconds, then random bits), the id
 * Prisma's `@default(uuid(7))` makes, for rows the lean SQL path inserts:
 * time-ordered, so new rows land at the right edge of the primary-key index.
 */
export function uuidv7(now = Date.now()): string {
  const b = randomBytes(16);
  let ms = now;
  for (let i = 5; i >= 0; i--) {
    b[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
