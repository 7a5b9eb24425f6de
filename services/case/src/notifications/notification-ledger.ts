import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { runSqlMigrations, type SqlMigration } from '@tio/event-store';
import type { Channel, TemplateId } from './message-texts';
import type { NotificationIntent } from './notification-plan';

/**
 * The notification ledger, in the case service's database (schema `notifications`): one row per (source, recipient,
 * channel), written before anything is sent, so a message is sent once however often its event is replayed, the
 * reaction restarts or the deadline job runs, on any replica. It holds no personal data in clear: the recipient is an
 * invitation id (the address is read from the case when sending, so erasure stops it), the personalisation is
 * dates and fixed texts, and an invitation's one-time code is kept encrypted with the case key until it is sent.
 */
const MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    name: 'ledger',
    sql: `
      CREATE TABLE notifications.ledger (
        key              text PRIMARY KEY,
        case_id          text NOT NULL,
        source           text NOT NULL,
        recipient        text NOT NULL,
        channel          text NOT NULL,
        template_id      text NOT NULL,
        personalisation  jsonb NOT NULL,
        -- an invitation's one-time code, encrypted with the case key; cleared once sent
        secret           text,
        -- pending: to send (again, after a failure); sending: claimed by a sender; sent; skipped: nobody to send it to
        status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'skipped')),
        attempts         integer NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz NOT NULL DEFAULT now(),
        claimed_at       timestamptz,
        last_error       text,
        skipped_reason   text,
        provider         text,
        provider_id      text,
        created_at       timestamptz NOT NULL DEFAULT now(),
        sent_at          timestamptz
      );
      CREATE INDEX ledger_due ON notifications.ledger (next_attempt_at) WHERE status IN ('pending', 'sending');
      CREATE INDEX ledger_case ON notifications.ledger (case_id);
      -- cases with a family member invited: the deadline job looks through these only
      CREATE TABLE notifications.family_cases (
        case_id  text PRIMARY KEY,
        since    timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 2,
    name: 'catch-up position',
    sql: `
      -- how far the catch-up at start has read the case events (cases with a family, members linked while off)
      CREATE TABLE notifications.catch_up (
        id        boolean PRIMARY KEY DEFAULT true CHECK (id),
        position  bigint NOT NULL
      );
    `,
  },
];

export interface LedgerRow {
  key: string;
  caseId: string;
  source: string;
  recipient: string;
  channel: Channel;
  templateId: TemplateId;
  personalisation: Record<string, string>;
  secret: string | null;
  attempts: number;
}

export interface LedgerEntry extends LedgerRow {
  status: 'pending' | 'sending' | 'sent' | 'skipped';
  lastError: string | null;
  skippedReason: string | null;
  providerId: string | null;
}

/** The ledger key: what makes a message one message. */
export const ledgerKey = (caseId: string, source: string, recipient: string, channel: Channel = 'email') => `${caseId}|${source}|${recipient}|${channel}`;

/** The provider reference of a ledger key (Notify `reference`, the SMTP Message-ID's seed): stable, and names nobody. */
export const referenceOf = (key: string) => `tio-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;

/** Delay before the next attempt after `attempts` tries: 5 s doubling, at most an hour. Never given up. */
export const retryDelaySeconds = (attempts: number) => Math.min(3600, 5 * 2 ** Math.max(0, attempts - 1));

type DbRow = {
  key: string; case_id: string; source: string; recipient: string; channel: Channel; template_id: TemplateId; personalisation: Record<string, string>;
  secret: string | null; attempts: number; status: LedgerEntry['status']; last_error: string | null; skipped_reason: string | null; provider_id: string | null;
};
const fromDb = (r: DbRow): LedgerEntry => ({
  key: r.key, caseId: r.case_id, source: r.source, recipient: r.recipient, channel: r.channel, templateId: r.template_id, personalisation: r.personalisation,
  secret: r.secret, attempts: r.attempts, status: r.status, lastError: r.last_error, skippedReason: r.skipped_reason, providerId: r.provider_id,
});

export class NotificationLedger {
  constructor(private readonly pool: Pool) {}

  migrate(): Promise<number[]> {
    return runSqlMigrations(this.pool, MIGRATIONS, { schema: 'notifications', table: 'notifications.migrations', lockKey: "hashtext('notifications.migrations')" });
  }

  /**
   * Adds one pending row per recipient and channel (by default each of the intent's recipients by email); rows
   * already there (a replay, a rerun) are left as they are. Returns the rows added.
   */
  async enqueue(caseId: string, intent: NotificationIntent, secret?: string, deliveries?: Array<{ recipient: string; channel: Channel }>): Promise<number> {
    let added = 0;
    for (const { recipient, channel } of deliveries ?? intent.recipients.map((recipient) => ({ recipient, channel: 'email' as const }))) {
      const { rowCount } = await this.pool.query(
        `INSERT INTO notifications.ledger (key, case_id, source, recipient, channel, template_id, personalisation, secret)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO NOTHING`,
        [ledgerKey(caseId, intent.source, recipient, channel), caseId, intent.source, recipient, channel, intent.templateId, JSON.stringify(intent.personalisation), secret ?? null],
      );
      added += rowCount ?? 0;
    }
    return added;
  }

  async addFamilyCase(caseId: string): Promise<void> {
    await this.pool.query('INSERT INTO notifications.family_cases (case_id) VALUES ($1) ON CONFLICT DO NOTHING', [caseId]);
  }

  async familyCases(): Promise<string[]> {
    const { rows } = await this.pool.query<{ case_id: string }>('SELECT case_id FROM notifications.family_cases ORDER BY case_id');
    return rows.map((r) => r.case_id);
  }

  async catchUpPosition(): Promise<bigint | undefined> {
    const { rows } = await this.pool.query<{ position: string }>('SELECT position FROM notifications.catch_up');
    return rows[0] ? BigInt(rows[0].position) : undefined;
  }

  async saveCatchUpPosition(position: bigint | undefined): Promise<void> {
    if (position === undefined) return;
    await this.pool.query('INSERT INTO notifications.catch_up (id, position) VALUES (true, $1) ON CONFLICT (id) DO UPDATE SET position = GREATEST(notifications.catch_up.position, EXCLUDED.position)', [position.toString()]);
  }

  /** Whether a family member was ever queued anything but their invitation. */
  async anythingFor(caseId: string, recipient: string): Promise<boolean> {
    const { rows } = await this.pool.query("SELECT 1 FROM notifications.ledger WHERE case_id = $1 AND recipient = $2 AND template_id <> 'invitation' LIMIT 1", [caseId, recipient]);
    return rows.length > 0;
  }

  /**
   * Claims up to `limit` rows due now (pending, or claimed by a sender that never finished: it crashed mid-send) and
   * moves their next attempt on by the backoff, so a crash between sending and `markSent` resends once, later, with
   * the same reference. SKIP LOCKED: two senders never claim the same row at once.
   */
  async claimDue(limit: number): Promise<LedgerEntry[]> {
    const { rows } = await this.pool.query<DbRow>(
      `UPDATE notifications.ledger l
          SET status = 'sending', attempts = l.attempts + 1, claimed_at = now(),
              next_attempt_at = now() + make_interval(secs => LEAST(3600, 5 * power(2, l.attempts)))
        WHERE l.key IN (SELECT key FROM notifications.ledger WHERE status IN ('pending', 'sending') AND next_attempt_at <= now()
                        ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING l.*`,
      [limit],
    );
    return rows.map(fromDb);
  }

  async markSent(key: string, provider: string, providerId: string): Promise<void> {
    await this.pool.query(
      `UPDATE notifications.ledger SET status = 'sent', sent_at = now(), provider = $2, provider_id = $3, secret = NULL, last_error = NULL WHERE key = $1`,
      [key, provider, providerId],
    );
  }

  /** A failed attempt: back to pending, its next attempt already set by the claim. */
  async markFailed(key: string, error: string): Promise<void> {
    await this.pool.query(`UPDATE notifications.ledger SET status = 'pending', last_error = $2 WHERE key = $1 AND status = 'sending'`, [key, error.slice(0, 500)]);
  }

  /** Nobody to send it to (erased, unlinked, no address): never retried. */
  async markSkipped(key: string, reason: string): Promise<void> {
    await this.pool.query(`UPDATE notifications.ledger SET status = 'skipped', skipped_reason = $2, secret = NULL WHERE key = $1`, [key, reason]);
  }

  /** Rows not yet sent or skipped (what the tests wait on, and an operator's backlog). */
  async outstanding(caseId?: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM notifications.ledger WHERE status IN ('pending', 'sending') AND ($1::text IS NULL OR case_id = $1)`,
      [caseId ?? null],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Rows waiting for another attempt after a failed one (what readiness reports as degraded). */
  async failing(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>("SELECT count(*) AS n FROM notifications.ledger WHERE status IN ('pending', 'sending') AND last_error IS NOT NULL");
    return Number(rows[0]?.n ?? 0);
  }

  async entries(caseId: string): Promise<LedgerEntry[]> {
    const { rows } = await this.pool.query<DbRow>('SELECT * FROM notifications.ledger WHERE case_id = $1 ORDER BY created_at, key', [caseId]);
    return rows.map(fromDb);
  }
}
