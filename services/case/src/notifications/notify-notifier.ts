import { NotifyClient } from 'notifications-node-client';
import type { FamilyMessage, FamilyNotifier, SentMessage } from './family-notifier';
import { placeholdersOf, type Channel, type TemplateId } from './message-texts';

/**
 * The GOV.UK Notify adapter (`notifications-node-client`): Notify holds the templates (paste the texts of
 * message-texts.ts into them), this sends the template id, the address (or mobile number), the personalisation and
 * the `reference` (the ledger's, the same on every attempt). Text messages go when SMS template ids are configured.
 * NOTIFY_BASE_URL points it at another Notify API (tests use a local double of Notify's HTTP API; production leaves it unset).
 */
export class NotifyNotifier implements FamilyNotifier {
  readonly provider = 'notify' as const;
  readonly channels: readonly Channel[];
  private readonly client: NotifyClient;

  constructor(
    apiKey: string,
    private readonly templates: Readonly<Record<TemplateId, string>>,
    private readonly baseUrl?: string,
    private readonly smsTemplates?: Readonly<Record<TemplateId, string>>,
  ) {
    this.client = baseUrl ? new NotifyClient(baseUrl, apiKey) : new NotifyClient(apiKey);
    this.channels = smsTemplates ? ['email', 'sms'] : ['email'];
  }

  describe(): string {
    return `GOV.UK Notify${this.baseUrl ? ` at ${this.baseUrl}` : ''} (${this.channels.join(' and ')})`;
  }

  async send(message: FamilyMessage): Promise<SentMessage> {
    // Notify refuses a message whose personalisation lacks a placeholder; send exactly the template's
    const personalisation = Object.fromEntries(placeholdersOf(message.templateId, message.channel).map((p) => [p, message.personalisation[p] ?? '']));
    const options = { personalisation, reference: message.reference };
    try {
      const response = message.channel === 'sms'
        ? await this.client.sendSms(this.smsTemplateOf(message.templateId), message.to, options)
        : await this.client.sendEmail(this.templates[message.templateId], message.to, options);
      return { providerId: String((response.data as { id?: string }).id ?? '') };
    } catch (err) {
      // axios errors carry the request (with the address) and the API key's token: keep Notify's own answer only
      const e = err as { response?: { status?: number; data?: { errors?: Array<{ error?: string; message?: string }> } }; message?: string };
      const reasons = e.response?.data?.errors?.map((x) => `${x.error}: ${x.message}`).join('; ');
      throw new Error(e.response ? `GOV.UK Notify answered ${e.response.status}${reasons ? ` (${reasons})` : ''}` : `GOV.UK Notify could not be reached: ${e.message}`);
    }
  }

  private smsTemplateOf(templateId: TemplateId): string {
    if (!this.smsTemplates) throw new Error('no GOV.UK Notify text message templates are configured (NOTIFY_SMS_TEMPLATE_IDS)');
    return this.smsTemplates[templateId];
  }
}
