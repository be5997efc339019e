import { AppError } from '../errors.js';
import type { WindowCounter } from '../repositories/window-counter.js';

export type SignInCounters = {
  /** Accounts created per IP (per hour). */
  registrations: WindowCounter;
  /** Failed logins per IP, whatever the email. */
  ipFailures: WindowCounter;
  /** Failed logins per (account, IP). */
  accountIpFailures: WindowCounter;
  /** Failed logins per account, from anywhere: only ever slows logins down. */
  accountFailures: WindowCounter;
};

export type SignInLimits = { registrationsPerIp: number; ipFailures: number; accountIpFailures: number };

/** Failures on one account before its logins are slowed down, and the longest delay. */
const SLOWDOWN_AFTER = 5;
const MAX_DELAY_MS = 4000;

/**
 * The rules that keep password guessing and sign-up floods expensive without
 * letting a stranger lock anybody out: an IP that keeps failing (across any
 * emails) is refused; an (account, IP) pair that keeps failing is refused; an
 * account under attack from many IPs is only slowed down (a growing delay,
 * capped), so its owner can still log in from their own network.
 */
export class SignInGuard {
  constructor(
    private readonly counters: SignInCounters,
    private readonly limits: SignInLimits,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Counts a registration attempt from this IP; refused past the hourly limit. */
  async admitRegistration(ip: string): Promise<void> {
    if ((await this.counters.registrations.hit(ip)) > this.limits.registrationsPerIp)
      throw AppError.rateLimited('Too many sign-ups from your network; try again later.');
  }

  /** Before a password is checked: refuse or delay, never count (only failures count). */
  async admitLogin(email: string, ip: string): Promise<void> {
    const [fromIp, pair, account] = await Promise.all([
      this.counters.ipFailures.peek(ip),
      this.counters.accountIpFailures.peek(`${email}|${ip}`),
      this.counters.accountFailures.peek(email),
    ]);
    if (fromIp >= this.limits.ipFailures || pair >= this.limits.accountIpFailures)
      throw AppError.rateLimited('Too many failed login attempts; try again later.');
    const delay = slowdownMs(account);
    if (delay > 0) await this.sleep(delay);
  }

  async failed(email: string, ip: string): Promise<void> {
    await Promise.all([
      this.counters.ipFailures.hit(ip),
      this.counters.accountIpFailures.hit(`${email}|${ip}`),
      this.counters.accountFailures.hit(email),
    ]);
  }

  /** The right password from this IP: its pair starts over (the IP's and the account's counts stay). */
  async succeeded(email: string, ip: string): Promise<void> {
    await this.counters.accountIpFailures.clear(`${email}|${ip}`);
  }
}

/** 0 for the first failures, then 250 ms doubling per failure, at most MAX_DELAY_MS. */
export function slowdownMs(failures: number): number {
  if (failures < SLOWDOWN_AFTER) return 0;
  return Math.min(MAX_DELAY_MS, 250 * 2 ** (failures - SLOWDOWN_AFTER));
}
