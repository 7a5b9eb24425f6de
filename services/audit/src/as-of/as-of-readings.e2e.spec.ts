import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startTestService, tokenFor, type TestService } from '@tio/testing';
import { auditService } from '../service';
import { CaseScript, createStores, sleep, type TestStores } from '../testing/fixtures';

/**
 * The two readings of "as of", against a real PostgreSQL event store: a family moves mid-assessment from E08000025 to
 * E09000033 on 2025-11-10, and the move is recorded after the auditor's first look. By business date, who was
 * responsible on 7 November (E08000025) and on 10 November (E09000033) as far as is known now; by recorded date, what
 * the record said before the move was recorded (E08000025, still assessing, no transfer).
 */
describe('audit as-of: business date and recorded date (e2e)', () => {
  let stores: TestStores;
  let service: TestService;
  let auditor: string;
  const caseId = randomUUID();
  let beforeTransferRecorded: string;

  const get = (path: string) => request(service.server).get(path).set('Authorization', `Bearer ${auditor}`);

  beforeAll(async () => {
    stores = await createStores(['case']);
    const store = stores.stores['case'];
    if (!store) throw new Error('no case store');
    const script = new CaseScript(caseId);
    const stream = `case-${caseId}`;
    await store.appendToStream(stream, script.run({ type: 'ReceiveRequest', at: '2025-09-01', childRef: 'child-ref-move', localAuthority: 'E08000025', source: 'parent', requestedBy: { role: 'parent' } } as never));
    await store.appendToStream(stream, script.run({ type: 'DecideToAssess', at: '2025-10-06', assessmentId: 'asmt-move' } as never));
    await sleep(20);
    beforeTransferRecorded = new Date().toISOString();
    await sleep(20);
    await store.appendToStream(stream, script.run({ type: 'TransferAssessment', at: '2025-11-10', transferId: 'move-1', toLocalAuthority: 'E09000033' } as never));
    service = await startTestService(auditService, { AUDIT_EVENT_STORES: stores.env });
    auditor = await tokenFor({ agency: 'system', roles: ['auditor'], userId: 'auditor-asof', organisationId: 'ofsted' });
  }, 180_000);

  afterAll(async () => {
    await service?.close();
    await stores?.close();
  });

  it('by business date: the old LA was responsible on 7 November, the new one from the move on 10 November, as far as is known now', async () => {
    const before = await get(`/cases/${caseId}/as-of?businessDate=2025-11-07`).expect(200);
    expect(before.body).toMatchObject({
      reading: 'business-date', businessDate: '2025-11-07', asOfDate: '2025-11-07', eventsReplayed: 2, eventsAfterBusinessDate: 1,
      case: { status: 'assessing', responsibleLocalAuthority: 'E08000025' }, responsible: { localAuthority: 'E08000025' },
    });
    expect(before.body.meaning).toMatch(/^What was true on 2025-11-07 as far as is known now/);
    expect(before.body.recordedAt).toBeUndefined();
    expect(before.body.statutory).toMatchObject({ asOf: '2025-11-07', localAuthority: 'E08000025' });

    const after = await get(`/cases/${caseId}/as-of?businessDate=2025-11-10`).expect(200);
    expect(after.body).toMatchObject({
      reading: 'business-date', businessDate: '2025-11-10', eventsReplayed: 3, eventsAfterBusinessDate: 0,
      case: { status: 'assessing', responsibleLocalAuthority: 'E09000033' }, responsible: { localAuthority: 'E09000033' },
    });

    const beforeTheRequest = await get(`/cases/${caseId}/as-of?businessDate=2025-08-29`).expect(200);
    expect(beforeTheRequest.body).toMatchObject({ reading: 'business-date', eventsReplayed: 0, eventsAfterBusinessDate: 3, case: { status: 'none' } });
  });

  it('by recorded date: before the transfer was recorded the record named the old LA, afterwards the new one', async () => {
    const then = await get(`/cases/${caseId}/as-of?recordedAt=${encodeURIComponent(beforeTransferRecorded)}`).expect(200);
    expect(then.body).toMatchObject({
      reading: 'recorded', recordedAt: beforeTransferRecorded, at: beforeTransferRecorded, eventsReplayed: 2,
      case: { status: 'assessing', responsibleLocalAuthority: 'E08000025' },
    });
    expect(then.body.meaning).toMatch(/^What had been recorded by /);
    expect(then.body.businessDate).toBeUndefined();
    expect(then.body.eventsAfterBusinessDate).toBeUndefined();

    const now = new Date().toISOString();
    const later = await get(`/cases/${caseId}/as-of?recordedAt=${encodeURIComponent(now)}`).expect(200);
    expect(later.body).toMatchObject({ reading: 'recorded', eventsReplayed: 3, case: { responsibleLocalAuthority: 'E09000033' } });
    // `at`, the older name, is the recorded reading too
    const legacy = await get(`/cases/${caseId}/as-of?at=${encodeURIComponent(beforeTransferRecorded)}`).expect(200);
    expect(legacy.body).toMatchObject({ reading: 'recorded', eventsReplayed: 2, case: { responsibleLocalAuthority: 'E08000025' } });
  });

  it('refuses a question that is neither reading, both, or a malformed date, as Problem Details naming the field', async () => {
    const problem = async (query: string, field: string, reason: RegExp) => {
      const res = await get(`/cases/${caseId}/as-of${query}`).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors).toEqual(expect.arrayContaining([{ field, reasons: expect.arrayContaining([expect.stringMatching(reason)]) }]));
    };
    await problem('', 'businessDate', /give businessDate .* or recordedAt/);
    await problem(`?businessDate=2025-11-07&recordedAt=${encodeURIComponent(beforeTransferRecorded)}`, 'businessDate', /not both/);
    await problem('?businessDate=2025-02-30', 'businessDate', /real calendar date/);
    await problem('?businessDate=2025-11-07T00:00:00Z', 'businessDate', /YYYY-MM-DD/);
    await problem('?recordedAt=yesterday', 'recordedAt', /ISO 8601/);
    await problem(`?recordedAt=${encodeURIComponent(beforeTransferRecorded)}&at=${encodeURIComponent(beforeTransferRecorded)}`, 'recordedAt', /not both/);
  });

  it('records each reading in the access log with what was asked', async () => {
    const res = await get(`/access-log?caseId=${caseId}&limit=1000`).expect(200);
    const asked = res.body.entries.filter((e: { action: string }) => e.action === 'as-of').map((e: { detail: Record<string, unknown> }) => e.detail);
    expect(asked).toEqual(expect.arrayContaining([{ businessDate: '2025-11-07' }, { at: beforeTransferRecorded }]));
  });
});
