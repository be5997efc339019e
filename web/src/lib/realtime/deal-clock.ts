/**
 * Flash-deal time as each viewer should see it. The server owns the clock: a
 * deal ends at its `endsAt` on the server, and purchases are accepted until
 * `endsAt + graceMs`. Pure functions of numbers, so every rule has a unit test.
 *
 * Two corrections are applied to a viewer's countdown:
 * - clock skew: this device's clock may be seconds off, so "now" is the
 *   server's now as estimated at join (`clockSkewMs = server − client`);
 * - playback delay: an HLS viewer sees the creator announce the deal seconds
 *   after it started, so their countdown runs that much later and ends when
 *   their video shows it ending. The shift is capped inside the grace window,
 *   so a click at the last displayed moment still reaches the server in time.
 */

export interface DealTimes {
  /** ISO time the deal ends on the server. */
  endsAt: string;
  /** How long after endsAt the server still accepts purchases. */
  graceMs: number;
}

export interface ViewerClock {
  /** This device's Date.now(). */
  now: number;
  /** Server clock minus this device's clock, in ms. */
  clockSkewMs: number;
  /** How far behind the live edge this viewer's video plays, in ms (0 when unknown). */
  playbackDelayMs: number;
}

/**
 * Time a purchase request needs to reach the server, kept out of the grace
 * window when shifting the countdown: the last displayed second must still be
 * a second in which the server says yes.
 */
export const PURCHASE_TRAVEL_MS = 1_000;

/** The server's clock as this device estimates it. */
export function serverNow(now: number, clockSkewMs: number): number {
  return now + clockSkewMs;
}

/**
 * Clock skew from one request/response pair: the server stamped its time
 * somewhere between sending and receiving, so compare it with the midpoint.
 */
export function measureClockSkew(sentAt: number, receivedAt: number, serverTime: number): number {
  return serverTime - (sentAt + receivedAt) / 2;
}

/** How much later than the server this viewer's countdown ends: the playback delay, kept inside the grace window. */
export function countdownShiftMs(deal: Pick<DealTimes, 'graceMs'>, playbackDelayMs: number): number {
  const room = Math.max(0, deal.graceMs - PURCHASE_TRAVEL_MS);
  if (!Number.isFinite(playbackDelayMs) || playbackDelayMs <= 0) return 0;
  return Math.min(playbackDelayMs, room);
}

/** Milliseconds left on the countdown this viewer sees; 0 once it has run out. */
export function displayedRemainingMs(deal: DealTimes, clock: ViewerClock): number {
  const endsAt = Date.parse(deal.endsAt);
  if (Number.isNaN(endsAt)) return 0;
  const left = endsAt + countdownShiftMs(deal, clock.playbackDelayMs) - serverNow(clock.now, clock.clockSkewMs);
  return Math.max(0, left);
}

/** True while the server would still accept a purchase sent now (its window includes the grace). */
export function acceptsPurchases(deal: DealTimes, clock: Pick<ViewerClock, 'now' | 'clockSkewMs'>): boolean {
  const endsAt = Date.parse(deal.endsAt);
  return !Number.isNaN(endsAt) && serverNow(clock.now, clock.clockSkewMs) < endsAt + deal.graceMs;
}

/**
 * "1:05", "0:09", "1:00:00". Seconds round up, so the display says 0:00 only
 * when the time is really over, and a fresh 60 s deal shows 1:00.
 */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
