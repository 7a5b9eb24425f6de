import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { FamilyMessage, FamilyNotifier, SentMessage } from './family-notifier';
import { renderMessage } from './message-texts';

/** The Message-ID a reference gives: the same on a resend, so the recipient's mail system can tell it is one message. */
export const messageIdFor = (reference: string) => `<${createHash('sha256').update(reference).digest('hex').slice(0, 40)}@notifications.tio>`;

/**
 * The SMTP adapter (`nodemailer`): renders the template here (message-texts.ts) and sends it as plain text through
 * SMTP_URL (e.g. smtp://user:pass@host:587; smtps:// for implicit TLS) from NOTIFY_FROM.
 */
export class SmtpNotifier implements FamilyNotifier {
  readonly provider = 'smtp' as const;
  readonly channels = ['email'] as const;
  private readonly transport: Transporter;

  constructor(
    private readonly url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(url);
  }

  describe(): string {
    const u = new URL(this.url);
    return `SMTP via ${u.protocol}//${u.host} from ${this.from}`;
  }

  async send(message: FamilyMessage): Promise<SentMessage> {
    if (message.channel !== 'email') throw new Error(`the SMTP adapter sends email, not ${message.channel}`);
    const { subject, body } = renderMessage(message.templateId, message.personalisation);
    const messageId = messageIdFor(message.reference);
    await this.transport.sendMail({
      from: this.from, to: message.to, subject, text: body, messageId,
      headers: { 'X-Tio-Reference': message.reference, 'X-Tio-Template': message.templateId },
    });
    return { providerId: messageId };
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
