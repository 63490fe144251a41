// A real SMTP server for mail tests (smtp-server + mailparser) on 127.0.0.1 and a port the OS picks.
// It can accept, refuse for a while (421/451: try later), reject for good (550), or be down (the
// port closed), and it records every envelope recipient it was offered and every message it took.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface Received {
  envelopeFrom: string;
  envelopeTo: string[];
  messageId: string;
  subject: string;
  to: string;
  text: string;
  headers: ParsedMail['headers'];
}

export type SmtpMode = 'accept' | 'tempfail' | 'reject';

export class TestSmtp {
  readonly received: Received[] = [];
  /** Every RCPT TO offered, accepted or not. */
  readonly offered: string[] = [];
  mode: SmtpMode = 'accept';
  /** Recipients refused with 451 even when the server accepts others. */
  readonly tempfailFor = new Set<string>();
  private server!: SMTPServer;
  private listening = false;
  port = 0;

  static async start(): Promise<TestSmtp> {
    const s = new TestSmtp();
    await s.listen(0);
    return s;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  private fail(cb: (err?: Error | null) => void): boolean {
    if (this.mode === 'accept') return false;
    const err = Object.assign(new Error(this.mode === 'tempfail' ? 'Service busy, try later' : 'Rejected'), {
      responseCode: this.mode === 'tempfail' ? 451 : 550,
    });
    cb(err);
    return true;
  }

  private listen(port: number): Promise<void> {
    this.server = new SMTPServer({
      secure: false,
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      // No reverse DNS of 127.0.0.1 per connection (it costs ~100 ms here and tells nothing).
      disableReverseLookup: true,
      // down() must not wait 30 s for the worker's kept-open connection to leave.
      closeTimeout: 50,
      onMailFrom: (_a, _s, cb) => {
        if (!this.fail(cb)) cb();
      },
      onRcptTo: (address, _s, cb) => {
        this.offered.push(address.address);
        if (this.fail(cb)) return;
        if (this.tempfailFor.has(address.address)) return cb(Object.assign(new Error('Mailbox busy'), { responseCode: 451 }));
        cb();
      },
      onData: (stream, session, cb) => {
        simpleParser(stream).then(
          (m) => {
            this.received.push({
              envelopeFrom: (session.envelope.mailFrom as { address: string }).address,
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              messageId: m.messageId ?? '',
              subject: m.subject ?? '',
              to: Array.isArray(m.to) ? m.to.map((t) => t.text).join(', ') : (m.to?.text ?? ''),
              text: m.text ?? '',
              headers: m.headers,
            });
            cb();
          },
          (e) => cb(e),
        );
      },
    });
    this.server.on('error', () => undefined);
    return new Promise((resolve, reject) => {
      this.server.listen(port, '127.0.0.1', () => {
        this.listening = true;
        this.port = (this.server.server.address() as AddressInfo).port;
        resolve();
      });
      this.server.server.once('error', reject);
    });
  }

  /** The server goes away: connections are refused until up(). */
  async down(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  async up(): Promise<void> {
    await this.listen(this.port);
  }

  async stop(): Promise<void> {
    await this.down();
  }

  to(address: string): Received[] {
    return this.received.filter((m) => m.envelopeTo.includes(address));
  }
}
