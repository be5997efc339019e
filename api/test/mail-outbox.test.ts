import { describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { createBuyers } from '../../test/support/fixtures.js';
import { TestSmtpServer } from '../../test/support/smtp.js';

/**
 * The mail outbox while the mail server is down (issue 10). Its own file: every
 * api node sends any due row of the shared outbox, so no other node (with a
 * working mail server) may run beside this one.
 */
const ORIGIN = 'http://127.0.0.1:5173';

describe('the outbox while the mail server is down', () => {
  it('keeps the mail, retries with backoff, and sends it (same Message-ID) once the server is back', async () => {
    const port = await TestSmtpServer.unusedPort(); // nothing listens there until the server comes back below
    const node = await startTestApi({
      env: { SMTP_URL: `smtp://127.0.0.1:${port}`, PUBLIC_ORIGINS: ORIGIN, MAIL_RETRY_BASE_MS: '200', MAIL_POLL_MS: '100' },
    });
    try {
      const [user] = await createBuyers(node, 1, 'outbox');
      const email = (await node.services.db.prisma.user.findUniqueOrThrow({ where: { id: user!.id } })).email;
      await new HttpClient(node.url).post('/api/auth/password-reset', { email }, { origin: ORIGIN });
      const row = async () => node.services.db.prisma.mailOutbox.findFirstOrThrow({ where: { toEmail: email } });
      for (let i = 0; i < 100 && (await row()).attempts < 2; i++) await new Promise((r) => setTimeout(r, 100));
      const waiting = await row();
      expect({ sent: waiting.sentAt, tried: waiting.attempts >= 2, error: waiting.lastError }).toMatchObject({
        sent: null,
        tried: true,
        error: expect.any(String),
      });
      const back = await new TestSmtpServer().start(port);
      try {
        const mail = await back.waitFor(email, /Reset your Hawker password/, 30_000);
        expect(mail.messageId).toBe(`<${(await row()).messageId}>`);
        // The server has the message a moment before the outbox row records it as sent.
        for (let i = 0; i < 50 && (await row()).sentAt === null; i++) await new Promise((r) => setTimeout(r, 100));
        expect((await row()).sentAt).not.toBeNull();
      } finally {
        await back.stop();
      }
    } finally {
      await node.close();
    }
  });
});
