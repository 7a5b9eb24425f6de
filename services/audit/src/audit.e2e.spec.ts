import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { dropDatabase, ensureDatabase } from '@tio/local-infra';
import { startTestService, tokenFor, type TestService } from '@tio/testing';
import type { NewEvent } from '@tio/event-store';
import { auditService } from './service';
import { CaseScript, clusterUrl, createStores, migrateTimeline, newEvent, PAEDIATRICIAN, SENCO, sleep, type TestStores } from './testing/fixtures';
import type { HistoryEntry } from './history/entry';

/**
 * The audit service against three real event stores (case, education, health: one PostgreSQL database each, as in
 * production), the timeline's real read-model table, and its own database for the access log.
 */
describe('audit service (e2e)', () => {
  let stores: TestStores;
  let service: TestService;
  let auditor: string;
  let timelineDb: string;
  let timelineUrl: string;
  const caseId = randomUUID();
  const ids: Record<string, string> = {};
  let midway: string;
  let beforeEverything: string;

  const get = (path: string, token: string | null = auditor) => {
    const r = request(service.server).get(path);
    return token !== null ? r.set('Authorization', `Bearer ${token}`) : r;
  };
  const append = async (store: string, stream: string, events: NewEvent[]) => {
    await stores.stores[store]?.appendToStream(stream, events);
    return events.map((e) => e.metadata.eventId);
  };

  beforeAll(async () => {
    stores = await createStores(['case', 'education', 'health']);
    timelineDb = `audit_t_timeline_${randomUUID().slice(0, 8)}`;
    timelineUrl = await ensureDatabase(clusterUrl(), timelineDb);
    migrateTimeline(timelineUrl);

    const script = new CaseScript(caseId);
    const stream = `case-${caseId}`;
    const corr = randomUUID();
    beforeEverything = new Date().toISOString();
    await sleep(5);
    [ids['request']] = await append('case', stream, script.run({ type: 'ReceiveRequest', at: '2025-01-06', childRef: 'child-ref-1', localAuthority: 'E08000025', source: 'parent', requestedBy: { role: 'parent' } } as never, { correlationId: corr }));
    [ids['assess']] = await append('case', stream, script.run({ type: 'DecideToAssess', at: '2025-02-03', assessmentId: 'asmt-1' } as never, { correlationId: corr, causationId: ids['request'] }));
    [ids['askEdu']] = await append('case', stream, script.run({ type: 'RequestAdvice', at: '2025-02-04', adviceRequestId: 'req-edu', adviceType: 'educational', agency: 'education' } as never, { correlationId: corr, causationId: ids['assess'] }));
    [ids['askHealth']] = await append('case', stream, script.run({ type: 'RequestAdvice', at: '2025-02-04', adviceRequestId: 'req-health', adviceType: 'medical', agency: 'health' } as never, { correlationId: corr, causationId: ids['assess'] }));
    await sleep(20);
    midway = new Date().toISOString();
    await sleep(20);
    [ids['eduAdvice']] = await append('education', `advice-${randomUUID()}`, [
      newEvent(caseId, 'advice.submitted.v1', { caseId, adviceRequestId: 'req-edu', adviceId: 'adv-edu-1', version: 1 }, { actor: SENCO, correlationId: corr, causationId: ids['askEdu'], occurredAt: '2025-03-01T10:00:00.000Z' }),
    ]);
    [ids['eduReceived']] = await append('case', stream, script.run({ type: 'RecordAdviceReceived', at: '2025-03-01', adviceRequestId: 'req-edu', adviceId: 'adv-edu-1', version: 1, agency: 'education' } as never, { correlationId: corr, causationId: ids['eduAdvice'] }));
    [ids['healthAdvice']] = await append('health', `advice-${randomUUID()}`, [
      newEvent(caseId, 'advice.submitted.v1', { caseId, adviceRequestId: 'req-health', adviceId: 'adv-h-1', version: 1 }, { actor: PAEDIATRICIAN, correlationId: randomUUID(), causationId: 'inbound-msg-42', occurredAt: '2025-03-10T10:00:00.000Z' }),
    ]);
    [ids['healthReceived']] = await append('case', stream, script.run({ type: 'RecordAdviceReceived', at: '2025-03-10', adviceRequestId: 'req-health', adviceId: 'adv-h-1', version: 1, agency: 'health' } as never, { correlationId: corr, causationId: ids['healthAdvice'] }));
    // another case in the same stores, which must never leak into this one
    await append('case', `case-${randomUUID()}`, [newEvent('other-case', 'ehc.request-received.v1', { caseId: 'other-case' })]);

    service = await startTestService(auditService, { AUDIT_EVENT_STORES: stores.env, AUDIT_TIMELINE_DATABASE_URL: timelineUrl });
    auditor = await tokenFor({ agency: 'system', roles: ['auditor'], userId: 'auditor-1', organisationId: 'ofsted' });
  }, 180_000);

  afterAll(async () => {
    await service?.close();
    await stores?.close();
    if (timelineDb) await dropDatabase(clusterUrl(), timelineDb);
  });

  it('merges the history of every store in one deterministic order (recordedAt, store, global position)', async () => {
    const first = await get(`/cases/${caseId}/history`).expect(200);
    const second = await get(`/cases/${caseId}/history`).expect(200);
    expect(second.body).toEqual(first.body);
    const entries = first.body.entries as HistoryEntry[];
    expect(first.body.count).toBe(8);
    expect(first.body.stores).toEqual(['case', 'education', 'health']);
    // each store's events, read independently, sorted by the documented rule, give exactly this sequence
    const all = (await Promise.all(['case', 'education', 'health'].map(async (s) => (await (stores.stores[s] as NonNullable<(typeof stores.stores)[string]>).readAll()).filter((e) => e.metadata.caseId === caseId).map((e) => ({ s, e })))))
      .flat()
      .sort((a, b) => (a.e.metadata.recordedAt < b.e.metadata.recordedAt ? -1 : a.e.metadata.recordedAt > b.e.metadata.recordedAt ? 1 : a.s < b.s ? -1 : a.s > b.s ? 1 : Number(a.e.globalPosition - b.e.globalPosition)));
    expect(entries.map((e) => e.eventId)).toEqual(all.map((x) => x.e.metadata.eventId));
    expect(entries.map((e) => e.eventId)).toEqual([ids['request'], ids['assess'], ids['askEdu'], ids['askHealth'], ids['eduAdvice'], ids['eduReceived'], ids['healthAdvice'], ids['healthReceived']]);
    expect(entries.map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(entries[4]).toMatchObject({ source: 'education', type: 'advice.submitted.v1', actor: SENCO, causationId: ids['askEdu'] });
    expect(entries[1]).toMatchObject({ source: 'case', type: 'ehc.decision-to-assess.v1', streamName: `case-${caseId}`, revision: 1, causationId: ids['request'] });
  });

  it('exports the history as CSV and limits it to events recorded by ?at', async () => {
    const csv = await get(`/cases/${caseId}/history?format=csv`).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^position,recordedAt,occurredAt,source,streamName/);
    expect(lines).toHaveLength(9);
    expect(lines[5]).toContain(`,education,`);
    const early = await get(`/cases/${caseId}/history?at=${encodeURIComponent(midway)}`).expect(200);
    expect(early.body.count).toBe(4);
    await get(`/cases/${caseId}/history?format=xml`).expect(400);
    await get(`/cases/${randomUUID()}/history`).expect(404);
  });

  it('walks causation back to the root and across services', async () => {
    const res = await get(`/cases/${caseId}/history/${ids['eduReceived']}/why`).expect(200);
    expect(res.body.chain.map((s: { entry?: HistoryEntry }) => s.entry?.eventId)).toEqual([ids['eduReceived'], ids['eduAdvice'], ids['askEdu'], ids['assess'], ids['request']]);
    expect(res.body.chain[1].entry.source).toBe('education');
    expect(res.body.sameCorrelation).toHaveLength(7);
    const external = await get(`/cases/${caseId}/history/${ids['healthAdvice']}/why`).expect(200);
    expect(external.body.chain).toEqual([expect.objectContaining({ depth: 0 }), { depth: 1, external: { causationId: 'inbound-msg-42' } }]);
    await get(`/cases/${caseId}/history/${randomUUID()}/why`).expect(404);
  });

  it('shows the case as it stood before and after the advice arrived', async () => {
    const before = await get(`/cases/${caseId}/as-of?at=${encodeURIComponent(midway)}`).expect(200);
    expect(before.body).toMatchObject({ eventsReplayed: 4, interpretedWith: 'ehc-domain', case: { status: 'assessing', responsibleLocalAuthority: 'E08000025', requestReceivedOn: '2025-01-06' } });
    expect(before.body.adviceHeld).toEqual([]);
    expect(before.body.adviceOutstanding.map((a: { adviceRequestId: string }) => a.adviceRequestId).sort()).toEqual(['req-edu', 'req-health']);
    const after = await get(`/cases/${caseId}/as-of?at=${encodeURIComponent(new Date().toISOString())}`).expect(200);
    expect(after.body.eventsReplayed).toBe(8);
    expect(after.body.bySource).toEqual({ case: 6, education: 1, health: 1 });
    expect(after.body.adviceHeld.map((a: { adviceId: string }) => a.adviceId).sort()).toEqual(['adv-edu-1', 'adv-h-1']);
    expect(after.body.adviceOutstanding).toEqual([]);
    expect(after.body.notInterpreted).toEqual({ 'advice.submitted.v1': 2 });
    expect(after.body.statutory.deadlines.find((d: { id: string }) => d.id === 'advice:req-edu')).toMatchObject({ status: 'met', metOn: '2025-03-01' });
    const nothing = await get(`/cases/${caseId}/as-of?at=${encodeURIComponent(beforeEverything)}`).expect(200);
    expect(nothing.body).toMatchObject({ eventsReplayed: 0, case: { status: 'none' } });
    await get(`/cases/${caseId}/as-of`).expect(400);
    await get(`/cases/${caseId}/as-of?at=yesterday`).expect(400);
  });

  it('reports drift between the timeline read model and the stores: missing, extra and reordered entries', async () => {
    const history = (await get(`/cases/${caseId}/history`).expect(200)).body.entries as HistoryEntry[];
    const ordered = [...history].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || Date.parse(a.recordedAt) - Date.parse(b.recordedAt) || (a.eventId < b.eventId ? -1 : 1));
    const tl = new Client({ connectionString: timelineUrl });
    await tl.connect();
    try {
      for (const [i, e] of ordered.entries()) {
        await tl.query(
          `INSERT INTO timeline.timeline_entries (source_event_id, case_id, seq, arrival, kind, title, summary, agency, actor_user_id, actor_organisation_id,
             actor_agency, actor_role, occurred_at, recorded_at, details, source_event_type, source_topic, source_partition, source_offset, projected_at)
           VALUES ($1, $2, $3::int, $3::int, 'other', 't', 's', $4, $5, $6, $4, $7, $8, $9, '{}', $10, 'tio.case', 0, $3::bigint, now())`,
          [e.eventId, caseId, i + 1, e.actor.agency, e.actor.userId, e.actor.organisationId, e.actor.role, e.occurredAt, e.recordedAt, e.type],
        );
      }
      const clean = await get(`/cases/${caseId}/drift`).expect(200);
      expect(clean.body).toMatchObject({ inSync: true, storeEvents: 8, timelineEntries: 8, missing: [], extra: [], reordered: [], mismatched: [] });

      const gone = ordered[3] as HistoryEntry;
      await tl.query('DELETE FROM timeline.timeline_entries WHERE source_event_id = $1', [gone.eventId]);
      await tl.query(`INSERT INTO timeline.timeline_entries SELECT $1, case_id, 99, 99, kind, title, summary, agency, actor_user_id, actor_organisation_id, actor_agency, actor_role,
        occurred_at, recorded_at, details, source_event_type, source_topic, source_partition, 99, projected_at FROM timeline.timeline_entries WHERE seq = 1`, [randomUUID()]);
      // swap two entries' places
      const [a, b] = [ordered[0] as HistoryEntry, ordered[1] as HistoryEntry];
      await tl.query('BEGIN');
      await tl.query('UPDATE timeline.timeline_entries SET seq = -1 WHERE source_event_id = $1', [a.eventId]);
      await tl.query('UPDATE timeline.timeline_entries SET seq = 1 WHERE source_event_id = $1', [b.eventId]);
      await tl.query('UPDATE timeline.timeline_entries SET seq = 2 WHERE source_event_id = $1', [a.eventId]);
      await tl.query('COMMIT');
      const drift = await get(`/cases/${caseId}/drift`).expect(200);
      expect(drift.body.inSync).toBe(false);
      expect(drift.body.missing).toEqual([expect.objectContaining({ eventId: gone.eventId, type: gone.type, source: gone.source })]);
      expect(drift.body.extra).toEqual([expect.objectContaining({ seq: 99 })]);
      expect(drift.body.reordered).toHaveLength(1);
      expect([a.eventId, b.eventId]).toContain(drift.body.reordered[0].eventId);
    } finally {
      await tl.end();
    }
  });

  it('prints a case-file report with the history, the integrity result and the as-of summary', async () => {
    const res = await get(`/cases/${caseId}/report.html`).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.text).toContain('@media print');
    expect(res.text).toContain('Every hash chain of the case verifies');
    expect(res.text).toContain(ids['eduAdvice']);
    expect(res.text).toContain('E08000025');
  });

  it('lets only auditors in', async () => {
    await get(`/cases/${caseId}/history`, null).expect(401);
    await get(`/integrity`, 'not-a-jwt').expect(401);
    const practitioner = await tokenFor({ agency: 'education', roles: ['practitioner'] });
    await get(`/cases/${caseId}/history`, practitioner).expect(403);
    await get(`/access-log`, practitioner).expect(403);
    const officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'] });
    await get(`/cases/${caseId}/as-of?at=2025-01-01T00:00:00Z`, officer).expect(403);
  });

  it('records every read in a hash-chained access log that detects an edited row', async () => {
    const res = await get(`/access-log?caseId=${caseId}&limit=1000`).expect(200);
    expect(res.body.verification).toMatchObject({ valid: true });
    const actions = res.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['history', 'why', 'as-of', 'drift', 'report']));
    expect(res.body.entries[0]).toMatchObject({ userId: 'auditor-1', organisationId: 'ofsted', caseId });
    const db = new Client({ connectionString: service.databaseUrl });
    await db.connect();
    try {
      await db.query(`UPDATE audit_access_log SET user_id = 'somebody-else' WHERE seq = 3`);
    } finally {
      await db.end();
    }
    const tampered = await get('/access-log').expect(200);
    expect(tampered.body.verification).toMatchObject({ valid: false, firstBreak: { seq: 3, reason: 'hash-mismatch' } });
  });

  it('verifies every hash chain, and fails at exactly the event altered in PostgreSQL', async () => {
    const clean = await get('/integrity').expect(200);
    expect(clean.body.valid).toBe(true);
    expect(clean.body.stores.map((s: { store: string; eventsChecked: number }) => [s.store, s.eventsChecked])).toEqual([['case', 7], ['education', 1], ['health', 1]]);

    const db = new Client({ connectionString: stores.urls['case'] });
    await db.connect();
    try {
      await db.query(`UPDATE event_store.events SET data = jsonb_set(data, '{receivedOn}', '"2025-02-20"') WHERE event_id = $1`, [ids['eduReceived']]);
    } finally {
      await db.end();
    }
    const broken = await get(`/cases/${caseId}/integrity`).expect(200);
    expect(broken.body.valid).toBe(false);
    expect(broken.body.breaks).toEqual([
      expect.objectContaining({ store: 'case', stream: `case-${caseId}`, revision: 4, eventId: ids['eduReceived'], reason: 'content-hash-mismatch' }),
    ]);
    const all = await get('/integrity').expect(200);
    expect(all.body.breaks).toEqual(broken.body.breaks);
    expect(all.body.stores.find((s: { store: string }) => s.store === 'education').valid).toBe(true);
  });
});
