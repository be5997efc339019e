import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { createBuyers, goLive } from '../../test/support/fixtures.js';
import { TestSmtpServer } from '../../test/support/smtp.js';
import type { RunningApi } from '../src/server.js';

/**
 * Mail (issue 10): password reset and email verification by single-use
 * links, notification email with an unsubscribe link, and the outbox that
 * keeps mail while the mail server is down — all against a real SMTP server
 * started here on 127.0.0.1.
 */
const ORIGIN = 'http://127.0.0.1:5173';
let smtp: TestSmtpServer;
let api: RunningApi;

beforeAll(async () => {
  smtp = await new TestSmtpServer().start();
  api = await startTestApi({ env: { SMTP_URL: smtp.url, PUBLIC_ORIGINS: ORIGIN, MAIL_RETRY_BASE_MS: '100', MAIL_POLL_MS: '100' } });
});
afterAll(async () => {
  await api.close();
  await smtp.stop();
});

const linkToken = (text: string, path: string) => {
  const m = new RegExp(`${ORIGIN}${path}\\?token=([A-Za-z0-9_-]+)`).exec(text);
  if (!m) throw new Error(`no ${path} link in: ${text}`);
  return m[1]!;
};
const post = (client: HttpClient, path: string, body?: unknown) => client.post(path, body, { origin: ORIGIN });

describe('password reset', () => {
  it('mails a single-use link; the new password works, the old one and every old session do not', async () => {
    const email = `reset-${Date.now()}@example.com`;
    const client = new HttpClient(api.url);
    expect((await post(client, '/api/auth/register', { email, password: 'violet-harbor-tundra-81', displayName: 'Rita' })).status).toBe(
      201,
    );
    const otherDevice = new HttpClient(api.url);
    await otherDevice.login(email, 'violet-harbor-tundra-81');

    expect((await post(new HttpClient(api.url), '/api/auth/password-reset', { email })).status).toBe(202);
    const mail = await smtp.waitFor(email, /Reset your Hawker password/);
    const token = linkToken(mail.text ?? '', '/reset-password');
    expect(mail.messageId).toMatch(/@127\.0\.0\.1>$/);

    const weak = await post(new HttpClient(api.url), '/api/auth/password-reset/confirm', { token, password: 'password1' });
    expect(weak.body.error?.code).toBe('weak_password');
    // A refused password used the token up: single use means single use.
    const again = await post(new HttpClient(api.url), '/api/auth/password-reset/confirm', { token, password: 'amber-lantern-quartz-52' });
    expect(again.body.error?.code).toBe('invalid_token');

    await post(new HttpClient(api.url), '/api/auth/password-reset', { email });
    const second = await smtp.waitFor(email, /Reset your Hawker password/, 15_000, 2);
    const secondToken = linkToken(second.text ?? '', '/reset-password');
    const confirmed = await post(new HttpClient(api.url), '/api/auth/password-reset/confirm', {
      token: secondToken,
      password: 'amber-lantern-quartz-52',
    });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect((await otherDevice.get('/api/me')).status).toBe(401);
    expect((await new HttpClient(api.url).post('/api/auth/login', { email, password: 'violet-harbor-tundra-81' })).status).toBe(401);
    expect((await new HttpClient(api.url).post('/api/auth/login', { email, password: 'amber-lantern-quartz-52' })).status).toBe(200);
    expect(
      (await post(new HttpClient(api.url), '/api/auth/password-reset/confirm', { token: secondToken, password: 'other-lantern-quartz-99' }))
        .status,
    ).toBe(400);
  });

  it('answers the same for an unknown email and sends nothing; an expired link is refused', async () => {
    expect((await post(new HttpClient(api.url), '/api/auth/password-reset', { email: 'nobody-here@example.com' })).status).toBe(202);
    const [user] = await createBuyers(api, 1, 'expiry');
    const email = (await api.services.db.prisma.user.findUniqueOrThrow({ where: { id: user!.id } })).email;
    await post(new HttpClient(api.url), '/api/auth/password-reset', { email });
    const mail = await smtp.waitFor(email, /Reset/);
    await api.services.mailer.drained();
    expect(smtp.to('nobody-here@example.com', /.*/)).toEqual([]);
    await api.services.db.prisma.accountToken.updateMany({ where: { userId: user!.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await post(new HttpClient(api.url), '/api/auth/password-reset/confirm', {
      token: linkToken(mail.text ?? '', '/reset-password'),
      password: 'amber-lantern-quartz-52',
    });
    expect(expired.body.error?.code).toBe('invalid_token');
  });
});

describe('email verification', () => {
  it('a new account is sent a link that verifies the address', async () => {
    const email = `verify-${Date.now()}@example.com`;
    await post(new HttpClient(api.url), '/api/auth/register', { email, password: 'violet-harbor-tundra-81', displayName: 'Vera' });
    const mail = await smtp.waitFor(email, /Confirm your email/);
    expect(
      (await post(new HttpClient(api.url), '/api/auth/verify-email', { token: linkToken(mail.text ?? '', '/verify-email') })).status,
    ).toBe(200);
    expect((await api.services.db.prisma.user.findUniqueOrThrow({ where: { email } })).emailVerifiedAt).not.toBeNull();
  });
});

describe('notification email', () => {
  it('goes out with an unsubscribe link for its kind, which switches that email off', async () => {
    const [creator, fan] = await createBuyers(api, 2, 'mailfan');
    const handle = `mail_${Date.now().toString(36)}`;
    await post(creator!.client, '/api/creator', { handle, displayName: 'Mailing Mia', acceptTerms: true });
    await post(fan!.client, `/api/creators/${creator!.id}/follow`);
    const fanEmail = (await api.services.db.prisma.user.findUniqueOrThrow({ where: { id: fan!.id } })).email;
    const stream = (await post(creator!.client, '/api/streams', { title: 'Mail me live' })).body.id as string;
    await goLive(api, stream);
    await api.services.notifications.drained();
    const mail = await smtp.waitFor(fanEmail, /Mailing Mia is live/);
    expect(mail.headers.get('list')).toMatchObject({ unsubscribe: expect.anything() });
    const link = /Stop these emails: (\S+)/.exec(mail.text ?? '')?.[1];
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:5173\/api\/notifications\/unsubscribe\?/);
    const forged = new URL(link!);
    forged.searchParams.set('k', 'order.paid');
    expect((await fetch(`${api.url}${forged.pathname}${forged.search}`)).status).toBe(403);
    const url = new URL(link!);
    expect((await fetch(`${api.url}${url.pathname}${url.search}`)).status).toBe(200);
    const prefs = (await fan!.client.get('/api/notifications/preferences')).body.kinds as {
      kind: string;
      email: boolean;
      inApp: boolean;
    }[];
    expect(prefs.find((p) => p.kind === 'creator.live')).toMatchObject({ email: false, inApp: true });
  });
});
