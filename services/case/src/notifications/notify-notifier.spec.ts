import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import { TEMPLATE_IDS, type TemplateId } from './message-texts';
import { NotifyNotifier } from './notify-notifier';
import { notificationSettings, NotificationSettingsError } from './notification-settings';
import { SmtpNotifier } from './smtp-notifier';

// GOV.UK Notify is a third-party service: this local HTTP server is a test double of the part of its API the adapter
// uses (POST /v2/notifications/email, JWT bearer auth), so the real notifications-node-client is exercised end to end
// over HTTP without sending anything. Its answers follow Notify's API documentation.
const SERVICE_ID = '26785a09-ab16-4eb0-8407-a37497a57506';
const SECRET = '3d844edf-8d35-48ac-975b-e847b4f122b0';
const API_KEY = `tio_test-${SERVICE_ID}-${SECRET}`;
const TEMPLATES = Object.fromEntries(TEMPLATE_IDS.map((t, i) => [t, `00000000-0000-4000-8000-00000000000${i}`])) as Record<TemplateId, string>;

interface Received {
  path: string;
  claims: { iss?: unknown; iat?: unknown };
  body: { template_id: string; email_address?: string; phone_number?: string; personalisation: Record<string, string>; reference: string };
}
const SMS_TEMPLATES = Object.fromEntries(TEMPLATE_IDS.map((t, i) => [t, `10000000-0000-4000-8000-00000000000${i}`])) as Record<TemplateId, string>;

describe('the GOV.UK Notify adapter', () => {
  let server: Server;
  let baseUrl: string;
  const received: Received[] = [];
  let answer: 'created' | 'bad-request' = 'created';

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => resolve(data));
    });

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const body = JSON.parse(await readBody(req)) as Received['body'];
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const { payload } = await jwtVerify(token, new TextEncoder().encode(SECRET), { algorithms: ['HS256'] });
      received.push({ path: req.url ?? '', claims: payload, body });
      res.setHeader('content-type', 'application/json');
      if (answer === 'bad-request') {
        res.statusCode = 400;
        res.end(JSON.stringify({ status_code: 400, errors: [{ error: 'BadRequestError', message: 'Can’t send to this recipient using a team-only API key' }] }));
        return;
      }
      res.statusCode = 201;
      res.end(JSON.stringify({
        id: '740e5834-3a29-46b4-9a6f-16142fde533a', reference: body.reference,
        content: { subject: 'subject', body: 'body', from_email: 'send@notifications.service.gov.uk' },
        uri: `${baseUrl}/v2/notifications/740e5834-3a29-46b4-9a6f-16142fde533a`,
        template: { id: body.template_id, version: 1, uri: `${baseUrl}/v2/templates/${body.template_id}` },
      }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends the template's id, the address, exactly the template's personalisation and the ledger's reference, signed with the API key", async () => {
    answer = 'created';
    const notifier = new NotifyNotifier(API_KEY, TEMPLATES, baseUrl);
    const sent = await notifier.send({
      channel: 'email', to: 'jo.carter@example.com', templateId: 'draft-plan-issued', reference: 'tio-0123456789abcdef',
      personalisation: { first_name: 'Jo', comments_due_on: '16 March 2026', case_link: 'https://send.example.gov.uk/family/cases/c1', unrelated: 'not sent' },
    });
    expect(sent).toEqual({ providerId: '740e5834-3a29-46b4-9a6f-16142fde533a' });
    expect(received.at(-1)).toEqual({
      path: '/v2/notifications/email',
      claims: expect.objectContaining({ iss: SERVICE_ID, iat: expect.any(Number) }),
      body: {
        template_id: TEMPLATES['draft-plan-issued'],
        email_address: 'jo.carter@example.com',
        personalisation: { first_name: 'Jo', comments_due_on: '16 March 2026', case_link: 'https://send.example.gov.uk/family/cases/c1' },
        reference: 'tio-0123456789abcdef',
      },
    });
  });

  it('sends a text message with the SMS template, the mobile number and only the placeholders that template has', async () => {
    answer = 'created';
    const notifier = new NotifyNotifier(API_KEY, TEMPLATES, baseUrl, SMS_TEMPLATES);
    expect(notifier.channels).toEqual(['email', 'sms']);
    await notifier.send({
      channel: 'sms', to: '07700 900123', templateId: 'draft-plan-issued', reference: 'tio-sms-1',
      personalisation: { first_name: 'Jo', comments_due_on: '16 March 2026', case_link: 'https://send.example.gov.uk/family/cases/c1' },
    });
    expect(received.at(-1)).toEqual({
      path: '/v2/notifications/sms',
      claims: expect.objectContaining({ iss: SERVICE_ID }),
      body: { template_id: SMS_TEMPLATES['draft-plan-issued'], phone_number: '07700 900123', personalisation: { comments_due_on: '16 March 2026', case_link: 'https://send.example.gov.uk/family/cases/c1' }, reference: 'tio-sms-1' },
    });
    await expect(new NotifyNotifier(API_KEY, TEMPLATES, baseUrl).send({ channel: 'sms', to: '07700 900123', templateId: 'invitation', reference: 'r', personalisation: {} }))
      .rejects.toThrow(/NOTIFY_SMS_TEMPLATE_IDS/);
  });

  it("turns Notify's refusal into an error that says why, without the address or the key", async () => {
    answer = 'bad-request';
    const notifier = new NotifyNotifier(API_KEY, TEMPLATES, baseUrl);
    const attempt = notifier.send({ channel: 'email', to: 'jo.carter@example.com', templateId: 'final-plan-issued', reference: 'tio-1', personalisation: { first_name: 'Jo', issued_on: '4 April 2026', case_link: 'x' } });
    await expect(attempt).rejects.toThrow('GOV.UK Notify answered 400 (BadRequestError: Can’t send to this recipient using a team-only API key)');
    await expect(attempt.catch((e: Error) => e.message)).resolves.not.toMatch(/jo\.carter|3d844edf/);
  });
});

describe('choosing the adapter from the environment', () => {
  const templateIds = TEMPLATE_IDS.map((t) => `${t}=${TEMPLATES[t]}`).join(',');

  it('is off when neither NOTIFY_API_KEY nor SMTP_URL is set', () => {
    expect(notificationSettings({}).notifier).toBeUndefined();
  });

  it('uses GOV.UK Notify when NOTIFY_API_KEY is set, even with SMTP_URL', () => {
    const settings = notificationSettings({ NOTIFY_API_KEY: API_KEY, NOTIFY_TEMPLATE_IDS: templateIds, SMTP_URL: 'smtp://127.0.0.1:3025', FAMILY_WEB_URL: 'https://send.example.gov.uk/' });
    expect(settings.notifier).toBeInstanceOf(NotifyNotifier);
    expect(settings.familyWebUrl).toBe('https://send.example.gov.uk');
  });

  it('sends text messages too when NOTIFY_SMS_TEMPLATE_IDS names a template for each message', () => {
    const settings = notificationSettings({ NOTIFY_API_KEY: API_KEY, NOTIFY_TEMPLATE_IDS: templateIds, NOTIFY_SMS_TEMPLATE_IDS: templateIds, FAMILY_WEB_URL: 'https://x' });
    expect(settings.notifier?.channels).toEqual(['email', 'sms']);
    expect(notificationSettings({ NOTIFY_API_KEY: API_KEY, NOTIFY_TEMPLATE_IDS: templateIds, FAMILY_WEB_URL: 'https://x' }).notifier?.channels).toEqual(['email']);
  });

  it('uses SMTP when only SMTP_URL is set', () => {
    const settings = notificationSettings({ SMTP_URL: 'smtp://127.0.0.1:3025', NOTIFY_FROM: 'SEND team <send@example.gov.uk>', FAMILY_WEB_URL: 'http://127.0.0.1:3006' });
    expect(settings.notifier).toBeInstanceOf(SmtpNotifier);
    expect(settings.notifier?.channels).toEqual(['email']);
    expect(settings.notifier?.describe()).toBe('SMTP via smtp://127.0.0.1:3025 from SEND team <send@example.gov.uk>');
  });

  it('refuses to start without a template id for every message, or without FAMILY_WEB_URL for the links', () => {
    expect(() => notificationSettings({ NOTIFY_API_KEY: API_KEY, NOTIFY_TEMPLATE_IDS: 'invitation=x', FAMILY_WEB_URL: 'https://x' })).toThrow(/NOTIFY_TEMPLATE_IDS needs a GOV.UK Notify template id for draft-plan-issued/);
    expect(() => notificationSettings({ SMTP_URL: 'smtp://127.0.0.1:3025' })).toThrow(NotificationSettingsError);
  });
});
