import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { dropDatabase, ensureDatabase } from '@tio/local-infra';
import { ledgerKey, NotificationLedger, referenceOf } from './notification-ledger';
import type { NotificationIntent } from './notification-plan';

// The ledger on a real PostgreSQL database of its own: what makes "sent once" hold across replays, replicas and a
// sender that dies between sending and recording it.
describe('the notification ledger', () => {
  const cluster = process.env['DATABASE_URL'] as string;
  const name = `test_ledger_${randomUUID().slice(0, 8)}`;
  let pool: Pool;
  let ledger: NotificationLedger;
  const intent = (source: string, recipients: string[]): NotificationIntent => ({ source, templateId: 'draft-plan-issued', personalisation: { comments_due_on: '20 April 2026' }, recipients });
  /** The backoff has passed (what the clock would do): the row is due again now. */
  const dueNow = (key: string) => pool.query('UPDATE notifications.ledger SET next_attempt_at = now() WHERE key = $1', [key]);

  beforeAll(async () => {
    pool = new Pool({ connectionString: await ensureDatabase(cluster, name), max: 4 });
    ledger = new NotificationLedger(pool);
    await Promise.all([ledger.migrate(), ledger.migrate()]); // two replicas starting at once
  });
  afterAll(async () => {
    await pool?.end();
    await dropDatabase(cluster, name);
  });

  it('keeps one row per event, recipient and channel however often it is offered', async () => {
    const caseId = randomUUID();
    expect(await ledger.enqueue(caseId, intent('event:e1', ['i1', 'i2']))).toBe(2);
    expect(await ledger.enqueue(caseId, intent('event:e1', ['i1', 'i2']))).toBe(0);
    expect(await ledger.enqueue(caseId, intent('event:e2', ['i1']))).toBe(1);
    expect((await ledger.entries(caseId)).map((e) => [e.source, e.recipient, e.status])).toEqual([
      ['event:e1', 'i1', 'pending'], ['event:e1', 'i2', 'pending'], ['event:e2', 'i1', 'pending'],
    ].sort((a, b) => a.join().localeCompare(b.join())));
  });

  it('gives each due row to one sender only, and a row claimed by a sender that died is sent again once its backoff passes, with the same reference', async () => {
    const caseId = randomUUID();
    await ledger.enqueue(caseId, intent('event:e9', ['i1']));
    const key = ledgerKey(caseId, 'event:e9', 'i1');
    const [first, second] = await Promise.all([ledger.claimDue(100), ledger.claimDue(100)]);
    const mine = [...(first ?? []), ...(second ?? [])].filter((r) => r.caseId === caseId);
    expect(mine.map((r) => [r.key, r.attempts])).toEqual([[key, 1]]);
    // the sender died before recording the outcome: nobody may claim it until its backoff has passed
    expect((await ledger.claimDue(100)).filter((r) => r.caseId === caseId)).toEqual([]);
    await dueNow(key);
    const again = (await ledger.claimDue(100)).filter((r) => r.caseId === caseId);
    expect(again.map((r) => [r.key, r.attempts, r.status])).toEqual([[key, 2, 'sending']]);
    expect(referenceOf(again[0]?.key as string)).toBe(referenceOf(key));
    await ledger.markSent(key, 'smtp', '<id@notifications.tio>');
    await dueNow(key);
    expect((await ledger.claimDue(100)).filter((r) => r.caseId === caseId)).toEqual([]);
    expect(await ledger.outstanding(caseId)).toBe(0);
  });

  it('records a failure and tries again later; a skipped row is never tried again and its secret is gone', async () => {
    const caseId = randomUUID();
    await ledger.enqueue(caseId, { ...intent('invitation:i7', ['i7']), templateId: 'invitation' }, '$enc:not-a-real-envelope');
    const key = ledgerKey(caseId, 'invitation:i7', 'i7');
    await ledger.claimDue(100);
    await ledger.markFailed(key, 'connect ECONNREFUSED 127.0.0.1:3025');
    expect((await ledger.entries(caseId))[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'connect ECONNREFUSED 127.0.0.1:3025' });
    await dueNow(key);
    expect((await ledger.claimDue(100)).filter((r) => r.caseId === caseId).map((r) => r.attempts)).toEqual([2]);
    await ledger.markSkipped(key, 'personal data erased');
    await dueNow(key);
    expect((await ledger.claimDue(100)).filter((r) => r.caseId === caseId)).toEqual([]);
    expect((await ledger.entries(caseId))[0]).toMatchObject({ status: 'skipped', skippedReason: 'personal data erased', secret: null });
  });
});
