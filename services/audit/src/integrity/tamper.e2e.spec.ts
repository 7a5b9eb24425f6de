import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { EventStoreForger, type PostgresEventStore } from '@tio/event-store';
import { startTestService, tokenFor, waitFor, type TestService } from '@tio/testing';
import { auditService } from '../service';
import { createStores, newEvent, type TestStores } from '../testing/fixtures';
import type { StreamBreak } from './integrity';

/**
 * The audit's integrity check against an attacker who can write a service's event store database (not the audit's,
 * not the chain key): each forgery is plain SQL that recomputes the SHA-256 chain with the public algorithm
 * (EventStoreForger), so the unkeyed chain check that stood before passed every one of them.
 */
describe('audit integrity: forgeries by a database writer without the chain key (e2e)', () => {
  let stores: TestStores;
  let service: TestService;
  let auditor: string;
  let store: PostgresEventStore;
  let forger: EventStoreForger;

  const integrity = async (caseId: string) => (await request(service.server).get(`/cases/${caseId}/integrity`).set('Authorization', `Bearer ${auditor}`).expect(200)).body as { valid: boolean; breaks: StreamBreak[] };

  /** A case whose stream holds six events, appended two at a time (three authenticated heads). */
  async function caseOfSix(): Promise<{ caseId: string; stream: string; eventIds: string[] }> {
    const caseId = randomUUID();
    const stream = `case-${caseId}`;
    const eventIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const batch = [0, 1].map((k) => newEvent(caseId, 'case.note-recorded.v1', { caseId, note: `note ${i * 2 + k}` }));
      await store.appendToStream(stream, batch);
      eventIds.push(...batch.map((e) => e.metadata.eventId));
    }
    expect(await integrity(caseId)).toMatchObject({ valid: true, breaks: [] });
    return { caseId, stream, eventIds };
  }

  beforeAll(async () => {
    stores = await createStores(['case']);
    store = stores.stores['case'] as PostgresEventStore;
    forger = new EventStoreForger(store.pool);
    service = await startTestService(auditService, { AUDIT_EVENT_STORES: stores.env, AUDIT_CHECKPOINT_INTERVAL_MS: '1000' });
    auditor = await tokenFor({ agency: 'system', roles: ['auditor'], userId: 'auditor-1', organisationId: 'ofsted' });
  }, 180_000);

  afterAll(async () => {
    await service?.close();
    await stores?.close();
  });

  it('Given an event changed and the chain and stream head recomputed in SQL, Then the integrity check names the stream and that revision', async () => {
    const { caseId, stream, eventIds } = await caseOfSix();
    await forger.rewriteEvent(stream, 2, { caseId, note: 'a fact nobody recorded' });
    const unkeyed = await store.pool.query(`SELECT count(*)::int AS n FROM event_store.events WHERE stream_name = $1`, [stream]);
    expect(unkeyed.rows[0].n).toBe(6);
    expect(await integrity(caseId)).toEqual({
      checkedAt: expect.any(String), valid: false, caseId, stores: [expect.objectContaining({ store: 'case', valid: false })],
      breaks: [expect.objectContaining({ store: 'case', stream, revision: 2, eventId: eventIds[2], reason: 'not-authenticated' })],
    });
  });

  it('Given the last two events deleted and the head rewound (with the new last event\'s MAC), Then the check names the first revision removed', async () => {
    const { caseId, stream } = await caseOfSix();
    await forger.truncateTail(stream, 4);
    expect((await integrity(caseId)).breaks).toEqual([expect.objectContaining({ stream, revision: 4, reason: 'stream-head-not-authenticated' })]);
  });

  it('Given an event in the middle deleted, the later ones renumbered and the chain recomputed, Then the check names the deleted revision, not the next one', async () => {
    const { caseId, stream, eventIds } = await caseOfSix();
    await forger.deleteEvent(stream, 2);
    // the event now at revision 2 is the one that was at 3; revision 2 is the one that is gone
    expect((await integrity(caseId)).breaks).toEqual([expect.objectContaining({ stream, revision: 2, eventId: eventIds[3], reason: 'not-authenticated' })]);
  });

  it('Given the stream restored from an earlier copy (every MAC genuine), Then the head the audit kept names the first revision lost', async () => {
    const caseId = randomUUID();
    const stream = `case-${caseId}`;
    await store.appendToStream(stream, [0, 1, 2].map((k) => newEvent(caseId, 'case.note-recorded.v1', { caseId, note: `early ${k}` })));
    const copy = await forger.snapshot(stream);
    await store.appendToStream(stream, [3, 4].map((k) => newEvent(caseId, 'case.note-recorded.v1', { caseId, note: `later ${k}` })));
    expect((await integrity(caseId)).valid).toBe(true); // the check keeps the head it verified (revision 4)
    await copy.restore();
    const report = await integrity(caseId);
    expect(report.breaks).toEqual([expect.objectContaining({ stream, revision: 3, reason: 'checkpoint-missing' })]);
    expect(report.breaks[0]?.explanation).toMatch(/older copy restored/);
  });

  it('Given heads kept by the periodic sweep alone (no integrity check in between), Then a tail cut with a head MAC saved from before is still found', async () => {
    const caseId = randomUUID();
    const stream = `case-${caseId}`;
    await store.appendToStream(stream, [newEvent(caseId, 'case.note-recorded.v1', { caseId, note: 'first' })]);
    const copy = await forger.snapshot(stream); // the attacker keeps the genuine head (and its MAC) of revision 0
    await store.appendToStream(stream, [newEvent(caseId, 'case.note-recorded.v1', { caseId, note: 'second' })]);
    const audit = new Client({ connectionString: service.databaseUrl });
    await audit.connect();
    try {
      await waitFor('the sweep to keep the head at revision 1', async () =>
        (await audit.query(`SELECT 1 FROM audit_stream_checkpoints WHERE store = 'case' AND stream_name = $1 AND revision = 1`, [stream])).rowCount === 1);
    } finally {
      await audit.end();
    }
    await copy.restore();
    expect((await store.verifyStream(stream)).valid).toBe(true); // the store alone cannot tell
    expect((await integrity(caseId)).breaks).toEqual([expect.objectContaining({ stream, revision: 1, reason: 'checkpoint-missing' })]);
  });

  it('Given a whole stream deleted (its events and its head, as restoring a backup from before it existed would), Then the case check still names it', async () => {
    const { caseId, stream } = await caseOfSix();
    await store.pool.query(`DELETE FROM event_store.events WHERE stream_name = $1`, [stream]);
    await store.pool.query(`DELETE FROM event_store.streams WHERE stream_name = $1`, [stream]);
    expect((await integrity(caseId)).breaks).toEqual([expect.objectContaining({ store: 'case', stream, revision: 0, reason: 'checkpoint-missing' })]);
  });

  it('Given an event written straight into the table without the key (mac NULL), Then the check reports it unauthenticated, and the store-wide check agrees', async () => {
    const { caseId, stream } = await caseOfSix();
    await store.pool.query(`UPDATE event_store.events SET mac = NULL WHERE stream_name = $1 AND revision = 5`, [stream]);
    expect((await integrity(caseId)).breaks).toEqual([expect.objectContaining({ stream, revision: 5, reason: 'not-authenticated' })]);
    const all = (await request(service.server).get('/integrity').set('Authorization', `Bearer ${auditor}`).expect(200)).body as { breaks: StreamBreak[] };
    expect(all.breaks.map((b) => b.stream)).toContain(stream);
  });
});
