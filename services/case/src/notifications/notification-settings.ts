import type { FamilyNotifier } from './family-notifier';
import { TEMPLATE_IDS, type TemplateId } from './message-texts';
import { NotifyNotifier } from './notify-notifier';
import { SmtpNotifier } from './smtp-notifier';

export interface NotificationSettings {
  /** undefined: notifications are off (neither NOTIFY_API_KEY nor SMTP_URL is set). */
  notifier: FamilyNotifier | undefined;
  /** The web service's address as families reach it: links in messages point there. */
  familyWebUrl: string;
  /** NOTIFICATIONS_REQUIRED=true: the service is not ready while notifications are off (a deployment that must tell families). */
  required: boolean;
}

export class NotificationSettingsError extends Error {
  override readonly name = 'NotificationSettingsError';
}

/** `invitation=<uuid>,draft-plan-issued=<uuid>,...`: one Notify template id for each of TEMPLATE_IDS. */
export function notifyTemplateIds(value: string | undefined, variable = 'NOTIFY_TEMPLATE_IDS'): Record<TemplateId, string> {
  const pairs = Object.fromEntries((value ?? '').split(',').map((p) => p.trim()).filter(Boolean).map((p) => p.split('=').map((s) => s.trim()) as [string, string]));
  const missing = TEMPLATE_IDS.filter((t) => !pairs[t]);
  if (missing.length) throw new NotificationSettingsError(`${variable} needs a GOV.UK Notify template id for ${missing.join(', ')} (as name=id, comma-separated)`);
  return Object.fromEntries(TEMPLATE_IDS.map((t) => [t, pairs[t] as string])) as Record<TemplateId, string>;
}

/**
 * Which adapter sends families' messages: GOV.UK Notify when NOTIFY_API_KEY is set (with NOTIFY_TEMPLATE_IDS; text
 * messages too with NOTIFY_SMS_TEMPLATE_IDS; NOTIFY_BASE_URL for another Notify API), otherwise SMTP when SMTP_URL is set (from NOTIFY_FROM); neither: off.
 * FAMILY_WEB_URL (the web service's public address) is needed whenever messages are sent, for their links.
 */
export function notificationSettings(env: NodeJS.ProcessEnv = process.env): NotificationSettings {
  const apiKey = env['NOTIFY_API_KEY'];
  const smtpUrl = env['SMTP_URL'];
  const webUrl = env['FAMILY_WEB_URL'];
  let notifier: FamilyNotifier | undefined;
  if (apiKey) {
    const sms = env['NOTIFY_SMS_TEMPLATE_IDS'] ? notifyTemplateIds(env['NOTIFY_SMS_TEMPLATE_IDS'], 'NOTIFY_SMS_TEMPLATE_IDS') : undefined;
    notifier = new NotifyNotifier(apiKey, notifyTemplateIds(env['NOTIFY_TEMPLATE_IDS']), env['NOTIFY_BASE_URL'] || undefined, sms);
  }
  else if (smtpUrl) {
    if (!/^smtps?:\/\//.test(smtpUrl)) throw new NotificationSettingsError(`SMTP_URL must be smtp://host:port or smtps://host:port, not ${smtpUrl.replace(/\/\/[^@/]*@/, '//***@')}`);
    notifier = new SmtpNotifier(smtpUrl, env['NOTIFY_FROM'] || 'Tell It Once <no-reply@tell-it-once.invalid>');
  }
  if (notifier && !webUrl) throw new NotificationSettingsError('FAMILY_WEB_URL is not set: messages to families link to the web service (its public address, e.g. https://send.example.gov.uk)');
  const required = env['NOTIFICATIONS_REQUIRED'] === 'true';
  return { notifier, familyWebUrl: (webUrl ?? 'http://127.0.0.1:3006').replace(/\/$/, ''), required };
}
