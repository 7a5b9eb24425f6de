import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startTestService, tokenFor, type TestService } from '@tio/testing';
import { caseService } from './service';

type Operation = { parameters?: Array<{ name: string; in: string }>; responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> };

// `Prefer: return=minimal` (RFC 7240) on the case service's writes: an agency system recording steps gets the
// events it recorded without the statutory status it does not read, which is most of the answer and of its cost.
describe('case service: Prefer: return=minimal', () => {
  const LA = 'E10000028';
  let service: TestService;
  let officer: string;

  beforeAll(async () => {
    service = await startTestService(caseService, { KAFKA_TOPIC_PREFIX: `case-minimal-${randomUUID().slice(0, 8)}.` });
    officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'minimal-1' });
  });
  afterAll(() => service?.close());

  const post = (path: string, body: object, headers: Record<string, string> = {}) =>
    request(service.server).post(path).set('Authorization', `Bearer ${officer}`).set(headers).send(body);
  const exception = { at: '2026-03-01', limit: 'final-plan', reason: 'exceptional-personal-circumstances', fromOn: '2026-02-01', toOn: '2026-03-01' };

  async function assessedCase(): Promise<string> {
    const created = await post('/cases', { at: '2026-01-05', childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }).expect(201);
    const caseId = created.body.caseId as string;
    await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-10' }).expect(200);
    return caseId;
  }

  it('answers the recorded events without the status, and says the preference was applied', async () => {
    const caseId = await assessedCase();
    const full = await post(`/cases/${caseId}/exceptions`, exception).expect(201);
    expect(full.headers['preference-applied']).toBeUndefined();
    expect(full.body.status.deadlines.length).toBeGreaterThan(0);

    const minimal = await post(`/cases/${caseId}/exceptions`, exception, { Prefer: 'return=minimal' }).expect(201);
    expect(minimal.headers['preference-applied']).toBe('return=minimal');
    expect(minimal.body).toEqual({ caseId, revision: full.body.revision + 1, recorded: [{ eventId: expect.any(String), type: 'ehc.exception-recorded.v1' }], replayed: false });
    expect(minimal.text.length).toBeLessThan(full.text.length / 5);

    // the step is recorded the same whichever answer was asked for
    const kase = await request(service.server).get(`/cases/${caseId}`).set('Authorization', `Bearer ${officer}`).expect(200);
    expect(kase.body.revision).toBe(minimal.body.revision);
    expect(kase.body.status.deadlines.find((d: { id: string }) => d.id === 'final-plan').exceptions).toHaveLength(2);
  });

  it('answers a retry with the same Idempotency-Key as asked this time, minimal or not', async () => {
    const caseId = await assessedCase();
    const key = { 'Idempotency-Key': `minimal-retry-${randomUUID()}` };
    const first = await post(`/cases/${caseId}/exceptions`, exception, { ...key, Prefer: 'return=minimal' }).expect(201);
    const again = await post(`/cases/${caseId}/exceptions`, exception, { ...key, Prefer: 'wait=5, return=minimal' }).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['preference-applied']).toBe('return=minimal');
    expect(again.body).toEqual({ ...first.body, replayed: true });
    const full = await post(`/cases/${caseId}/exceptions`, exception, key).expect(201);
    expect(full.body).toMatchObject({ ...first.body, replayed: true, status: { caseId } });
  });

  it('ignores other preferences, and a refused step answers its problem as ever', async () => {
    const caseId = await assessedCase();
    const representation = await post(`/cases/${caseId}/exceptions`, exception, { Prefer: 'return=representation' }).expect(201);
    expect(representation.headers['preference-applied']).toBeUndefined();
    expect(representation.body.status.caseId).toBe(caseId);
    const refused = await post(`/cases/${caseId}/exceptions`, { ...exception, at: '2025-12-01' }, { Prefer: 'return=minimal' }).expect(409);
    expect(refused.headers['preference-applied']).toBeUndefined();
    expect(refused.body.code).toBe('chronology');
  });

  it('documents the header on every route that answers a case step, and on no other', async () => {
    const doc = (await request(service.server).get('/docs/openapi.json').expect(200)).body as { paths: Record<string, Record<string, Operation>> };
    const answersAStep = (op: Operation) =>
      Object.entries(op.responses ?? {}).some(([code, r]) => code.startsWith('2') && /\/(CaseCommandResponse|CaseStepResponse)$/.test(r.content?.['application/json']?.schema?.$ref ?? ''));
    const documentsPrefer = (op: Operation) => (op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'Prefer');
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, op })));
    const steps = operations.filter(({ op }) => answersAStep(op));
    expect(steps.length).toBeGreaterThan(40);
    expect(steps.filter(({ op }) => !documentsPrefer(op)).map((s) => s.where)).toEqual([]);
    expect(operations.filter(({ op }) => documentsPrefer(op) && !answersAStep(op)).map((s) => s.where)).toEqual([]);
  });
});
