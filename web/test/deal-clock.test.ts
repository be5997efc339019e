import { describe, expect, it } from 'vitest';
import {
  acceptsPurchases,
  countdownShiftMs,
  displayedRemainingMs,
  formatCountdown,
  measureClockSkew,
  PURCHASE_TRAVEL_MS,
  serverNow,
} from '../src/lib/realtime/deal-clock.js';

const SERVER_END = Date.parse('2026-01-01T10:01:00.000Z');
const deal = { endsAt: new Date(SERVER_END).toISOString(), graceMs: 5_000 };

describe('the viewer clock', () => {
  it('estimates the server time from the skew measured at join', () => {
    expect(serverNow(1_000, 250)).toBe(1_250);
    expect(serverNow(1_000, -3_000)).toBe(-2_000);
  });

  it('measures the skew against the midpoint of the round trip', () => {
    // Sent at 1000, answered at 1200 (device clock); the server said 5100 at about 1100.
    expect(measureClockSkew(1_000, 1_200, 5_100)).toBe(4_000);
  });
});

describe('displayedRemainingMs', () => {
  it('counts down to endsAt on the server clock, whatever the device clock says', () => {
    // The device runs 10 s slow: its 09:59:50 is the server's 10:00:00.
    const deviceNow = SERVER_END - 60_000 - 10_000;
    expect(displayedRemainingMs(deal, { now: deviceNow, clockSkewMs: 10_000, playbackDelayMs: 0 })).toBe(60_000);
    expect(displayedRemainingMs(deal, { now: SERVER_END, clockSkewMs: 0, playbackDelayMs: 0 })).toBe(0);
    expect(displayedRemainingMs(deal, { now: SERVER_END + 9_000, clockSkewMs: 0, playbackDelayMs: 0 })).toBe(0);
  });

  it('ends later for an HLS viewer, by their playback delay, so it ends when their video shows it ending', () => {
    const clock = { now: SERVER_END - 10_000, clockSkewMs: 0 };
    expect(displayedRemainingMs(deal, { ...clock, playbackDelayMs: 3_000 })).toBe(13_000);
    // At the server's end the HLS viewer still sees three seconds.
    expect(displayedRemainingMs(deal, { now: SERVER_END, clockSkewMs: 0, playbackDelayMs: 3_000 })).toBe(3_000);
  });

  it('never runs past what the server accepts: the shift stays inside the grace window, minus travel time', () => {
    expect(countdownShiftMs(deal, 12_000)).toBe(deal.graceMs - PURCHASE_TRAVEL_MS);
    const lastShown = SERVER_END + countdownShiftMs(deal, 12_000) - 1;
    expect(displayedRemainingMs(deal, { now: lastShown, clockSkewMs: 0, playbackDelayMs: 12_000 })).toBe(1);
    expect(acceptsPurchases(deal, { now: lastShown + PURCHASE_TRAVEL_MS - 1, clockSkewMs: 0 })).toBe(true);
  });

  it('ignores an unknown or nonsensical delay, and a grace window too short to shift into', () => {
    expect(countdownShiftMs(deal, 0)).toBe(0);
    expect(countdownShiftMs(deal, -500)).toBe(0);
    expect(countdownShiftMs(deal, Number.NaN)).toBe(0);
    expect(countdownShiftMs({ graceMs: 500 }, 3_000)).toBe(0);
  });

  it('is 0 for an unreadable end time', () => {
    expect(displayedRemainingMs({ endsAt: 'soon', graceMs: 5_000 }, { now: 0, clockSkewMs: 0, playbackDelayMs: 0 })).toBe(0);
  });
});

describe('acceptsPurchases', () => {
  it('is true until endsAt + grace on the server clock', () => {
    expect(acceptsPurchases(deal, { now: SERVER_END + 4_999, clockSkewMs: 0 })).toBe(true);
    expect(acceptsPurchases(deal, { now: SERVER_END + 5_000, clockSkewMs: 0 })).toBe(false);
    // A device 10 s fast thinks it is later than it is.
    expect(acceptsPurchases(deal, { now: SERVER_END + 10_000, clockSkewMs: -10_000 })).toBe(true);
  });
});

describe('formatCountdown', () => {
  it('shows minutes and seconds, rounding seconds up', () => {
    expect(formatCountdown(60_000)).toBe('1:00');
    expect(formatCountdown(65_000)).toBe('1:05');
    expect(formatCountdown(8_001)).toBe('0:09');
    expect(formatCountdown(1)).toBe('0:01');
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(-5)).toBe('0:00');
    expect(formatCountdown(3_600_000)).toBe('1:00:00');
  });
});
