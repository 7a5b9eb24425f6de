import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { addDays } from '@tio/ehc-domain';
import { startTestService, tokenFor, type TestService } from '@tio/testing';
import type { NewEvent } from '@tio/event-store';
import { auditService } from '../service';
import { CaseScript, createStores, newEvent, PAEDIATRICIAN, SENCO, type TestStores } from '../testing/fixtures';
import type { PerformanceReport } from './measures';

/** GET /performance and /performance.html against real event stores written through the real decider. */
describe('statutory performance (e2e)', () => {
  let stores: TestStores;
  let service: TestService;
  let auditor: string;
  const LA = 'E08000025';
  const OTHER = 'E10000028';
  const Q = 'from=2025-04-01&to=2026-03-31&asOf=2026-04-30';

  const get = (path: string, token: string | null = auditor) => {
    const r = request(service.server).get(path);
    return token !== null ? r.set('Authorization', `Bearer ${token}`) : r;
  };

  beforeAll(async () => {
    stores = await createStores(['case', 'education', 'health']);
    const append = (store: string, stream: string, events: NewEvent[]) => stores.stores[store]?.appendToStream(stream, events);
    const plan = async (requestOn: string, finalDay: number, o: { exception?: boolean; transferTo?: string } = {}) => {
      const id = randomUUID();
      const s = new CaseScript(id);
      const st = `case-${id}`;
      const finalOn = addDays(requestOn, finalDay);
      await append('case', st, s.run({ type: 'ReceiveRequest', at: requestOn, childRef: `c-${id}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } } as never));
      await append('case', st, s.run({ type: 'DecideToAssess', at: addDays(requestOn, 35), assessmentId: `a-${id}` } as never));
      await append('case', st, s.run({ type: 'RequestAdvice', at: addDays(requestOn, 36), adviceRequestId: `edu-${id}`, adviceType: 'educational', agency: 'education' } as never));
      await append('case', st, s.run({ type: 'RequestAdvice', at: addDays(requestOn, 36), adviceRequestId: `med-${id}`, adviceType: 'medical', agency: 'health' } as never));
      await append('education', `advice-${randomUUID()}`, [newEvent(id, 'advice.submitted.v1', { caseId: id, adviceRequestId: `edu-${id}` }, { actor: SENCO })]);
      await append('case', st, s.run({ type: 'RecordAdviceReceived', at: addDays(requestOn, 70), adviceRequestId: `edu-${id}`, adviceId: `x-${id}`, version: 1, agency: 'education' } as never));
      await append('health', `advice-${randomUUID()}`, [newEvent(id, 'advice.submitted.v1', { caseId: id, adviceRequestId: `med-${id}` }, { actor: PAEDIATRICIAN })]);
      await append('case', st, s.run({ type: 'RecordAdviceReceived', at: addDays(requestOn, 90), adviceRequestId: `med-${id}`, adviceId: `y-${id}`, version: 1, agency: 'health' } as never));
      if (o.exception) await append('case', st, s.run({ type: 'RecordException', at: addDays(requestOn, 60), exceptionId: 'e1', limit: 'final-plan', reason: 'exceptional-personal-circumstances', fromOn: addDays(requestOn, 60) } as never));
      // reg 6(1): the rest of what a draft needs (the scope; psychological and social care advice re-used by agreement, reg 6(4); the family's views)
      const agreed = { adviser: true, localAuthority: true, parentOrYoungPerson: true };
      await append('case', st, s.run({ type: 'RecordAdviceScope', at: addDays(requestOn, 36), inOrBeyondYear9: false, visionOrHearingImpaired: false } as never));
      await append('case', st, s.run({ type: 'ReuseAdvice', at: addDays(requestOn, 36), reuseId: 'r-psy', adviceType: 'psychological', agency: 'education', adviceId: `psy-${id}`, version: 1, agreement: agreed } as never));
      await append('case', st, s.run({ type: 'ReuseAdvice', at: addDays(requestOn, 36), reuseId: 'r-sc', adviceType: 'social-care', agency: 'social-care', adviceId: `sc-${id}`, version: 1, agreement: agreed } as never));
      await append('case', st, s.run({ type: 'RequestAdvice', at: addDays(requestOn, 36), adviceRequestId: `views-${id}`, adviceType: 'parent-views', agency: 'local-authority' } as never));
      await append('case', st, s.run({ type: 'RecordAdviceReceived', at: addDays(requestOn, 50), adviceRequestId: `views-${id}`, adviceId: `v-${id}`, version: 1, agency: 'local-authority' } as never));
      await append('case', st, s.run({ type: 'IssueDraftPlan', at: addDays(finalOn, -20), planId: 'p1' } as never));
      await append('case', st, s.run({ type: 'RecordFamilyResponse', at: addDays(finalOn, -10) } as never));
      await append('case', st, s.run({ type: 'IssueFinalPlan', at: finalOn, planId: 'p1' } as never));
      if (o.transferTo) {
        await append('case', st, s.run({ type: 'NotifyTransfer', at: addDays(finalOn, 10), transferId: 't1', toLocalAuthority: o.transferTo, moveOn: addDays(finalOn, 40) } as never));
        await append('case', st, s.run({ type: 'TransferPlan', at: addDays(finalOn, 40), transferId: 't1' } as never));
      }
    };
    await plan('2025-05-05', 140); // exactly day 140: within
    await plan('2025-05-05', 141); // late
    await plan('2025-05-05', 170, { exception: true }); // late, exception case
    await plan('2025-06-02', 120, { transferTo: OTHER }); // within, then transferred
    await plan('2024-10-01', 150); // issued before the period
    // a request refused, and an event of no interest to the measures
    const refused = randomUUID();
    const r = new CaseScript(refused);
    await append('case', `case-${refused}`, [
      ...r.run({ type: 'ReceiveRequest', at: '2025-09-01', childRef: 'c-r', localAuthority: LA, source: 'school', requestedBy: { role: 'SENCO' } } as never),
      ...r.run({ type: 'DecideNotToAssess', at: '2025-10-20' } as never),
    ]);
    await append('case', `case-${randomUUID()}`, [newEvent('junk-case', 'ehc.request-received.v1', { caseId: 'junk-case' })]);

    service = await startTestService(auditService, { AUDIT_EVENT_STORES: stores.env });
    auditor = await tokenFor({ agency: 'system', roles: ['auditor'], userId: 'auditor-perf', organisationId: 'ofsted' });
  }, 180_000);

  afterAll(async () => {
    await service?.close();
    await stores?.close();
  });

  it('computes the measures from the stores (JSON)', async () => {
    const res = await get(`/performance?${Q}`).expect(200);
    const r = res.body as PerformanceReport;
    expect(r.period).toEqual({ from: '2025-04-01', to: '2026-03-31' });
    expect(r.finalPlansWithin20Weeks.overall).toMatchObject({ issued: 4, within: 2, percentWithin: 50, exceptionCases: 1, issuedExcludingExceptions: 3, withinExcludingExceptions: 2, percentWithinExcludingExceptions: 66.7 });
    expect(r.finalPlansWithin20Weeks.byLocalAuthority[LA]?.issued).toBe(4);
    // education advice on day 34 of 42: within; health on day 54: late
    expect(r.adviceWithin6Weeks.byAgency['education']).toMatchObject({ within: 4, percentWithin: 100 });
    expect(r.adviceWithin6Weeks.byAgency['health']).toMatchObject({ late: 4, percentWithin: 0 });
    expect(r.adviceWithin6Weeks.byOrganisation[SENCO.organisationId]).toMatchObject({ agency: 'education', within: 4 });
    expect(r.adviceWithin6Weeks.byOrganisation[PAEDIATRICIAN.organisationId]).toMatchObject({ agency: 'health', late: 4 });
    // decisions on day 35 (x4 in the period) and day 49 (refusal: late)
    expect(r.decisionsWithin6Weeks.overall).toMatchObject({ items: 5, within: 4, late: 1, percentWithin: 80 });
    expect(r.counts).toMatchObject({ requests: 5, requestsBySource: { parent: 4, school: 1 }, refusalsToAssess: 1, plansIssued: 4, transfersIn: 1, transfersOut: 1 });
    expect(r.counts.byLocalAuthority[OTHER]).toMatchObject({ transfersIn: 1, plansIssued: 0 });

    const other = (await get(`/performance?${Q}&localAuthority=${OTHER}`).expect(200)).body as PerformanceReport;
    expect(other.finalPlansWithin20Weeks.overall.issued).toBe(0);
    expect(other.counts).toMatchObject({ transfersIn: 1, transfersOut: 0 });
  });

  it('CSV, validation, auditors only, and every call in the access log without a case id', async () => {
    const csv = await get(`/performance?${Q}&format=csv`).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('measure,breakdown,group,metric,value');
    expect(csv.text).toContain('finalPlansWithin20Weeks,overall,,percentWithin,50\r\n');
    await get('/performance?from=2025-04-01&to=2025-03-01').expect(400);
    await get('/performance?from=yesterday').expect(400);
    // the period defaults to SEN2's calendar year; year=financial for 1 April - 31 March
    expect((await get('/performance?from=2025-04-01&asOf=2026-04-30').expect(200)).body.period).toEqual({ from: '2025-04-01', to: '2025-12-31' });
    expect((await get('/performance?to=2026-03-31&year=financial&asOf=2026-04-30').expect(200)).body.period).toEqual({ from: '2025-04-01', to: '2026-03-31' });
    await get('/performance?year=fiscal').expect(400);
    await get('/performance', null).expect(401);
    await get('/performance', await tokenFor({ agency: 'local-authority', roles: ['case-officer'] })).expect(403);
    const log = await get('/access-log?limit=1000').expect(200);
    const reads = (log.body.entries as Array<{ action: string; caseId: string | null; detail: Record<string, unknown> }>).filter((e) => e.action === 'performance');
    expect(reads.length).toBeGreaterThanOrEqual(3);
    expect(reads.every((e) => e.caseId === null)).toBe(true);
    expect(reads.some((e) => e.detail['format'] === 'csv')).toBe(true);
  });

  it('serves the page with an accessible SVG chart whose table figures equal the JSON', async () => {
    const json = (await get(`/performance?${Q}`).expect(200)).body as PerformanceReport;
    const page = await request(service.server).get(`/performance.html?${Q}&token=${auditor}`).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|script-src/);
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(page.text).toContain(`<style nonce="${nonce}">`);
    expect(page.text).not.toMatch(/<script|style="/);
    expect(page.text).toMatch(/<svg[^>]*role="img"/);
    expect(page.text).toMatch(/<svg[\s\S]*<title[^>]*>[^<]+<\/title>[\s\S]*<\/svg>/);
    const percent = (measure: string) => new RegExp(`<tr data-measure="${measure}">[\\s\\S]*?data-percent="([^"]*)"`).exec(page.text)?.[1];
    expect(percent('plans')).toBe(String(json.finalPlansWithin20Weeks.overall.percentWithin));
    expect(percent('plans-excl')).toBe(String(json.finalPlansWithin20Weeks.overall.percentWithinExcludingExceptions));
    expect(percent('decisions')).toBe(String(json.decisionsWithin6Weeks.overall.percentWithin));
    expect(page.text).toContain(`${json.finalPlansWithin20Weeks.overall.within} of ${json.finalPlansWithin20Weeks.overall.issued}`);
    expect(page.text).toContain('80%');
    expect(page.text).toContain('46.4%');
    // the Authorization header works too; no token 401, wrong role 403
    await get(`/performance.html?${Q}`).expect(200);
    await request(service.server).get('/performance.html').expect(401);
    await request(service.server).get(`/performance.html?token=${await tokenFor({ agency: 'education', roles: ['practitioner'] })}`).expect(403);
    await request(service.server).get('/performance.html?token=a.b.c').expect(401);
  });
});
