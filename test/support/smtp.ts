import { createServer, type AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on 127.0.0.1 that keeps what it receives (no TLS, no auth): the far end of the mail outbox in tests. */
export class TestSmtpServer {
  readonly received: ParsedMail[] = [];
  #server: SMTPServer | undefined;
  #port = 0;

  /** Listens on `port` (0: any free port). */
  async start(port = 0): Promise<this> {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream).then(
          (mail) => {
            this.received.push(mail);
            callback();
          },
          (err: Error) => callback(err),
        );
      },
    });
    await new Promise<void>((resolve) => this.#server!.listen(port, '127.0.0.1', resolve));
    this.#port = (this.#server.server.address() as AddressInfo).port;
    return this;
  }

  /**
   * A port nothing listens on and nothing will be given by the kernel: below
   * the ephemeral range (32768+), where port 0 servers and client sockets
   * live (a client connecting to a closed ephemeral port can even end up
   * connected to itself).
   */
  static async unusedPort(): Promise<number> {
    for (;;) {
      const port = 20_000 + Math.floor(Math.random() * 12_000);
      const free = await new Promise<boolean>((resolve) => {
        const probe = createServer();
        probe.once('error', () => resolve(false));
        probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
      });
      if (free) return port;
    }
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.#port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  /** Mails received for `to` whose subject matches, in arrival order. */
  to(to: string, subject: RegExp): ParsedMail[] {
    return this.received.filter((m) => m.to && JSON.stringify(m.to).includes(to) && subject.test(m.subject ?? ''));
  }

  /** Waits for the `nth` (1-based) mail to `to` matching `subject`. */
  async waitFor(to: string, subject: RegExp, timeoutMs = 15_000, nth = 1): Promise<ParsedMail> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const mail = this.to(to, subject)[nth - 1];
      if (mail) return mail;
      if (Date.now() > until) throw new Error(`no mail to ${to} matching ${String(subject)} (got ${this.received.length})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
