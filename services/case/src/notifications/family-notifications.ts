import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { Counter } from 'prom-client';
import { EVENT_STORE, KEY_STORE, loadState } from '@tio/event-sourcing';
import type { EventStore, RecordedEvent } from '@tio/event-store';
import { ehcCaseDecider, familyAccessOf, londonDateOf, type EhcCaseState, type EhcEvent, type FamilyMemberLinkedV1, type IsoDate } from '@tio/ehc-domain';
import { ERASED, revealValue, type KeyStore } from '@tio/personal-data';
import { ComponentHealthRegistry, PG_POOL, SERVICE_CONFIG, ServiceMetrics, singleActive, type ComponentReport, type ServiceConfig, type SingleActiveLease } from '@tio/service-kit';
import { caseStream } from '../case-aggregate';
import type { FamilyNotifier } from './family-notifier';
import { firstNameOf, govukDate } from './message-texts';
import { NotificationLedger, referenceOf, type LedgerEntry } from './notification-ledger';
import { addressOf, caseSoFarIntent, channelsFor, intentsForDeadlines, invitationRecipient, type NotificationIntent } from './notification-plan';
import { notificationSettings, type NotificationSettings } from './notification-settings';

/** Where messages link to on the web service (its family pages). */
export const familyCasePath = (caseId: string) => `/family/cases/${encodeURIComponent(caseId)}`;
export const invitationPath = (invitationId: string) => `/family/join?invitation=${encodeURIComponent(invitationId)}`;

const BATCH = 20;
const IDLE_POLL_MS = 5_000;
const DEADLINE_SWEEP_MS = 60 * 60 * 1000;
/** The lease (one replica at a time) under which the sender and the deadline job run. */
export const NOTIFICATIONS_JOB = 'notifications-case';
/** An invitation not (yet) on its case after this many attempts was never recorded: given up as skipped. */
const INVITATION_NOT_RECORDED_ATTEMPTS = 8;

type Outcome = 'sent' | 'failed' | 'skipped';

/**
 * Family notifications in the case service: the ledger (what is to be sent, once per event, recipient and channel),
 * the sender (single-active across replicas on a lease, claims due rows, reads the address from the case at that
 * moment, sends through the configured adapter, records the outcome; failures retried with backoff, never dropped),
 * and the deadline job (hourly over the cases with a family, same lease). Off when neither NOTIFY_API_KEY nor
 * SMTP_URL is set: then nothing is queued or sent, and the start-up log says so.
 */
@Injectable()
export class FamilyNotifications implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('notifications');
  readonly settings: NotificationSettings;
  readonly ledger: NotificationLedger;
  private readonly lease: SingleActiveLease;
  private readonly counter: Counter<'channel' | 'provider' | 'outcome'>;
  private running = false;
  private loop: Promise<void> | undefined;
  private woken = false;
  private wake: (() => void) | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
    @Inject(PG_POOL) pool: Pool,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    metrics: ServiceMetrics,
    components: ComponentHealthRegistry,
  ) {
    this.settings = notificationSettings();
    components.register({ component: () => this.health() });
    this.ledger = new NotificationLedger(pool);
    this.lease = singleActive(config, NOTIFICATIONS_JOB, { start: () => this.startJobs(), stop: () => this.stopJobs() });
    this.counter = new Counter({
      name: 'tio_family_notifications_total',
      help: 'Messages to family members by channel, provider (notify, smtp) and outcome: sent, failed (an attempt; retried later) or skipped (erased, unlinked, no address)',
      labelNames: ['channel', 'provider', 'outcome'],
      registers: [metrics.registry],
    });
    for (const channel of this.notifier?.channels ?? []) {
      for (const outcome of ['sent', 'failed', 'skipped'] as const) this.counter.inc({ channel, provider: this.notifier?.provider as string, outcome }, 0);
    }
  }

  get notifier(): FamilyNotifier | undefined {
    return this.settings.notifier;
  }

  get enabled(): boolean {
    return this.notifier !== undefined;
  }

  /**
   * What /health/ready shows: off (no provider configured: families are told nothing; unready only when
   * NOTIFICATIONS_REQUIRED=true), degraded (messages waiting after a failed attempt: the provider refuses or is
   * down), or on.
   */
  async health(): Promise<ComponentReport> {
    const required = this.settings.required;
    if (!this.notifier) return { name: 'notifications', status: 'off', required, detail: 'neither NOTIFY_API_KEY nor SMTP_URL is set: families are not sent invitations or messages' };
    const failing = await this.ledger.failing();
    return failing
      ? { name: 'notifications', status: 'degraded', required, detail: `${failing} message(s) waiting to be tried again after ${this.notifier.provider} refused or failed them` }
      : { name: 'notifications', status: 'on', required, detail: `sending by ${this.notifier.provider}` };
  }

  /** Before any bootstrap hook, so the ledger exists when the reactions start. */
  async onModuleInit(): Promise<void> {
    if (!this.notifier) {
      this.logger.log({ msg: 'family notifications are off: set NOTIFY_API_KEY (GOV.UK Notify) or SMTP_URL (an SMTP server) to send them' });
      return;
    }
    await this.ledger.migrate();
    this.logger.log({ msg: `family notifications by ${this.notifier.describe()}; links to ${this.settings.familyWebUrl}` });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.notifier) await this.lease.start();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.notifier) return;
    await this.lease.stop();
    await this.notifier.close?.();
  }

  /**
   * Queues an intent's rows, one per recipient and channel the provider offers and the recipient can be reached on
   * (as `state` records them; an invitation's code encrypted with the case key), and wakes the sender.
   */
  async enqueue(caseId: string, intent: NotificationIntent, state: EhcCaseState, secret?: string): Promise<number> {
    if (!this.notifier) return 0;
    const offered = this.notifier.channels;
    const deliveries = intent.recipients.flatMap((recipient) => {
      const channels = channelsFor(state, recipient, offered);
      // an invitation not yet visible here is queued by email: the sender waits for it to be recorded
      return (channels.length || state.family?.invitations[recipient] ? channels : ['email' as const]).map((channel) => ({ recipient, channel }));
    });
    const added = await this.ledger.enqueue(caseId, intent, secret, deliveries);
    this.nudge();
    return added;
  }

  /** The case as it stands now (personal fields decrypted, "[erased]" after erasure). */
  async caseState(caseId: string): Promise<EhcCaseState> {
    return (await loadState(this.store, caseStream(caseId), ehcCaseDecider)).state;
  }

  /** Tells the sender there may be work (it also looks every few seconds on its own). */
  nudge(): void {
    this.woken = true;
    this.wake?.();
  }

  /**
   * A member linked: one message with the case so far (what the family was told before they joined), keyed by the
   * linking event and decided from the events up to it, so the reaction and the catch-up make the same one, once.
   */
  async tellCaseSoFar(linkedEvent: RecordedEvent): Promise<number> {
    if (!this.notifier) return 0;
    const linked = linkedEvent.data as FamilyMemberLinkedV1;
    const events = await this.store.readStream(linkedEvent.streamName, { maxCount: linkedEvent.revision + 1 });
    const state = events.reduce<EhcCaseState>((s, e) => ehcCaseDecider.evolve(s, { type: e.type, data: e.data } as EhcEvent), ehcCaseDecider.initialState());
    const told = events.filter((e) => e.revision !== linkedEvent.revision).map((e) => ({ type: e.type, data: e.data, on: londonDateOf(e.metadata.occurredAt) }));
    const intent = caseSoFarIntent({ eventId: linkedEvent.metadata.eventId, invitationId: linked.invitationId, subject: linked.subject }, told, state, londonDateOf(new Date()));
    return intent ? this.enqueue(linked.caseId, intent, state) : 0;
  }

  /**
   * Catch-up, at start (on the lease) when notifications are on: the case events since the last catch-up (all of
   * them the first time), so that cases whose family was invited or linked while notifications were off are in the
   * deadline job's list, and a member linked then who was never sent anything gets the case so far, once.
   */
  async catchUp(): Promise<{ cases: number; told: number }> {
    if (!this.notifier) return { cases: 0, told: 0 };
    let after = await this.ledger.catchUpPosition();
    const links: RecordedEvent[] = [];
    const cases = new Set<string>();
    for (;;) {
      const page = await this.store.readAll({ after, category: 'case', maxCount: 1000 });
      if (!page.length) break;
      for (const e of page) {
        if (e.type === 'ehc.family-member-invited.v1' || e.type === 'ehc.family-member-linked.v1') cases.add(e.metadata.caseId);
        if (e.type === 'ehc.family-member-linked.v1') links.push(e);
      }
      after = page[page.length - 1]?.globalPosition as bigint;
    }
    for (const caseId of cases) await this.ledger.addFamilyCase(caseId);
    let told = 0;
    for (const link of links) {
      const { caseId, invitationId } = link.data as FamilyMemberLinkedV1;
      // a member already sent something since (linked while on, or told of later events) is owed nothing more
      if (await this.ledger.anythingFor(caseId, invitationId)) continue;
      told += await this.tellCaseSoFar(link);
    }
    await this.ledger.saveCatchUpPosition(after);
    return { cases: cases.size, told };
  }

  /**
   * The deadline job, once: every case with a family, the statutory clock on `today`, one intent per time limit
   * passed. Idempotent (the ledger's keys), so two replicas in the moment of a lease hand-over add nothing twice.
   */
  async sweepDeadlines(today: IsoDate = londonDateOf(new Date())): Promise<number> {
    if (!this.enabled) return 0;
    let added = 0;
    for (const caseId of await this.ledger.familyCases()) {
      const state = await this.caseState(caseId);
      for (const intent of intentsForDeadlines(state, today)) added += await this.enqueue(caseId, intent, state);
    }
    if (added) this.nudge();
    return added;
  }

  /** Sends everything due now, one batch after another, until nothing is due (the loop calls it; so may a test). */
  async sendDue(): Promise<number> {
    let handled = 0;
    for (;;) {
      const rows = await this.ledger.claimDue(BATCH);
      if (!rows.length) return handled;
      for (const row of rows) await this.sendOne(row);
      handled += rows.length;
    }
  }

  private async sendOne(row: LedgerEntry): Promise<void> {
    const notifier = this.notifier as FamilyNotifier;
    const count = (outcome: Outcome) => this.counter.inc({ channel: row.channel, provider: notifier.provider, outcome });
    try {
      const message = await this.messageFor(row);
      if ('skip' in message) {
        await this.ledger.markSkipped(row.key, message.skip);
        count('skipped');
        this.logger.log({ msg: `notification not sent: ${message.skip}`, caseId: row.caseId, source: row.source, template: row.templateId });
        return;
      }
      const sent = await notifier.send({ ...message, channel: row.channel, templateId: row.templateId, reference: referenceOf(row.key) });
      await this.ledger.markSent(row.key, notifier.provider, sent.providerId);
      count('sent');
    } catch (err) {
      const error = (err as Error).message;
      await this.ledger.markFailed(row.key, error).catch(() => undefined);
      count('failed');
      // the key names the case, the event and an invitation id: never an address or a name
      this.logger.warn({ msg: 'a notification could not be sent; it will be tried again', caseId: row.caseId, source: row.source, attempt: row.attempts, err: error });
    }
  }

  /** The address and personalisation, read from the case now; or why there is nobody to send it to. */
  private async messageFor(row: LedgerEntry): Promise<{ to: string; personalisation: Record<string, string> } | { skip: string }> {
    const state = await this.caseState(row.caseId);
    const invitation = state.family?.invitations[row.recipient];
    const base = `${this.settings.familyWebUrl}`;
    const personalisation: Record<string, string> = { ...row.personalisation, case_link: `${base}${familyCasePath(row.caseId)}` };
    if (row.templateId === 'invitation') {
      if (!invitation) {
        if (row.attempts >= INVITATION_NOT_RECORDED_ATTEMPTS) return { skip: 'the invitation was never recorded on the case' };
        throw new Error('the invitation is not on the case yet');
      }
      if (!invitationRecipient(state, row.recipient)) return { skip: invitation.linkedSubject ? 'the invitation has been used' : 'no address (or erased)' };
      const code = row.secret ? await revealValue(row.secret, row.caseId, this.keys) : undefined;
      if (typeof code !== 'string' || code === ERASED) return { skip: 'personal data erased' };
      Object.assign(personalisation, { code, invitation_link: `${base}${invitationPath(row.recipient)}`, expires_on: govukDate(invitation.expiresOn) });
    } else if (!this.stillLinked(state, row.recipient)) {
      return { skip: 'no longer linked to the case, or may not see it' };
    }
    const to = addressOf(state, row.recipient, row.channel);
    const recorded = row.channel === 'sms' ? invitation?.contact.phone : invitation?.contact.email;
    if (!to || !invitation) return { skip: recorded === ERASED ? 'personal data erased' : `no ${row.channel === 'sms' ? 'phone number' : 'email address'}` };
    return { to, personalisation: { ...personalisation, first_name: firstNameOf(invitation.contact.name) } };
  }

  private stillLinked(state: EhcCaseState, invitationId: string): boolean {
    const today = londonDateOf(new Date());
    return Object.entries(state.family?.members ?? {}).some(([subject, m]) => m.invitationId === invitationId && familyAccessOf(state, subject, today).see);
  }

  private startJobs(): void {
    this.running = true;
    this.loop = this.run();
    const sweep = () =>
      void this.sweepDeadlines().catch((err: Error) => this.logger.warn({ msg: 'the deadline job failed; it runs again within the hour', err: err.message }));
    void this.catchUp()
      .then(({ cases, told }) => cases && this.logger.log({ msg: `catch-up: ${cases} case(s) with a family; ${told} member(s) sent the case so far` }))
      .catch((err: Error) => this.logger.warn({ msg: 'the catch-up of cases with a family failed; it runs again at the next start', err: err.message }))
      .finally(sweep);
    this.sweepTimer = setInterval(sweep, DEADLINE_SWEEP_MS);
    this.sweepTimer.unref();
  }

  private async stopJobs(): Promise<void> {
    this.running = false;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      try {
        await this.sendDue();
      } catch (err) {
        this.logger.warn({ msg: 'the notification sender could not read its ledger; retrying', err: (err as Error).message });
      }
      if (!this.running || this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, IDLE_POLL_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
