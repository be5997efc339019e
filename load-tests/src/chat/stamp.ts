/**
 * The send time rides inside the chat text (`#12 ~t1712345678901~`): the
 * sender and the viewers run on the same machine, so receive time − this
 * stamp is the delivery latency, with no clock sync. Viewers find stamps in
 * the raw frame bytes (no JSON.parse, no string), which also counts the
 * messages a `chat:batch` carries.
 *
 * The message's `createdAt` (the insert, on the same machine) follows its
 * text; receive time − createdAt is the fan-out part alone, without the
 * checks before the insert (several database round trips, which a busy
 * shared PostgreSQL slows down in both modes alike).
 */

const MARK = Buffer.from('~t');
const CREATED = Buffer.from('"createdAt":"');
const DAY_MS = 86_400_000;
const TILDE = 0x7e;
const ZERO = 0x30;

export function stampedText(seq: number, sentAtMs: number): string {
  return `#${seq} ~t${sentAtMs}~`;
}

/** Calls `onStamp` with the send time (epoch ms) and createdAt (ms of the UTC day, -1 if absent) of every message in an event frame; returns how many there were. */
export function forEachStamp(frame: Buffer, onStamp: (sentAtMs: number, createdMsOfDay: number) => void): number {
  let count = 0;
  let at = frame.indexOf(MARK, 0);
  while (at >= 0) {
    let value = 0;
    let i = at + MARK.length;
    for (; i < frame.length; i++) {
      const c = frame[i]!;
      if (c === TILDE) break;
      value = value * 10 + (c - ZERO);
    }
    count++;
    const created = frame.indexOf(CREATED, i);
    onStamp(value, created < 0 ? -1 : isoMsOfDay(frame, created + CREATED.length));
    at = frame.indexOf(MARK, i);
  }
  return count;
}

const digits = (b: Buffer, at: number, n: number) => {
  let v = 0;
  for (let i = at; i < at + n; i++) v = v * 10 + (b[i]! - ZERO);
  return v;
};

/** `YYYY-MM-DDTHH:MM:SS.mmmZ` at `at` → milliseconds since UTC midnight (no Date, no string). */
export function isoMsOfDay(b: Buffer, at: number): number {
  return ((digits(b, at + 11, 2) * 60 + digits(b, at + 14, 2)) * 60 + digits(b, at + 17, 2)) * 1000 + digits(b, at + 20, 3);
}

/** Milliseconds from `createdMsOfDay` to `nowMs` (epoch), across midnight. */
export function msSinceOfDay(nowMs: number, createdMsOfDay: number): number {
  return ((((nowMs % DAY_MS) - createdMsOfDay) % DAY_MS) + DAY_MS) % DAY_MS;
}

/** Chat event frames start `42["chat:` (then `message"` or `batch"`). */
export function isChatFrame(frame: Buffer): boolean {
  return frame.length > 12 && frame[4] === 0x63 && frame[5] === 0x68 && frame[8] === 0x3a;
}

export function isBatchFrame(frame: Buffer): boolean {
  return frame[9] === 0x62; // 'b'
}
