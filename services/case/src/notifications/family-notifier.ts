import type { Channel, TemplateId } from './message-texts';

/** One message to one family member. */
export interface FamilyMessage {
  channel: Channel;
  /** The recipient's email address or mobile number (read from the case at the moment of sending; never stored by the ledger). */
  to: string;
  templateId: TemplateId;
  /** Every placeholder of the template (message-texts.ts), as strings. */
  personalisation: Record<string, string>;
  /**
   * Derived from the ledger's key (event, recipient, channel): the same on every attempt, so a message sent twice
   * after a crash carries the same Notify `reference` / SMTP Message-ID and can be recognised as one.
   */
  reference: string;
}

export interface SentMessage {
  /** The provider's id for the message (Notify's notification id, or the SMTP Message-ID). */
  providerId: string;
}

/** The port: sends one message to one family member; throws when it was not accepted (the ledger retries it). */
export interface FamilyNotifier {
  /** `notify` (GOV.UK Notify) or `smtp`: recorded with each message and used as the metrics' `provider` label. */
  readonly provider: 'notify' | 'smtp';
  /** What it can send: SMTP email only; Notify email, and text messages when it has SMS templates. */
  readonly channels: readonly Channel[];
  /** What the start-up log says (no secrets). */
  describe(): string;
  send(message: FamilyMessage): Promise<SentMessage>;
  close?(): Promise<void>;
}

export const FAMILY_NOTIFIER = Symbol('FAMILY_NOTIFIER');
