import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startTestService, type TestService } from '@tio/testing';
import type { InvitationDelivery, InvitationToDeliver } from '../notifications/invitation-delivery';
import { caseService } from '../service';
import { FamilyService } from './family.service';

// The public request for an assessment (reg 3, no account) through the real case service and PostgreSQL: sent once
// (Idempotency-Key; without one, the same child, council and email within the window), the form token and the
// honeypot against scripted floods, and the councils this deployment serves from SERVED_LOCAL_AUTHORITIES.
describe('the public request for an assessment: once, from a person, to a council served', () => {
  const SERVED = 'E06000001';
  let service: TestService;
  const delivered: InvitationToDeliver[] = [];
  const capturingDelivery: InvitationDelivery = { deliver: async (invitation) => (delivered.push(invitation), { queued: true }) };
  const form = async () => (await request(service.server).get('/family/assessment-requests/form-token').expect(200)).body as { formToken: string; councils: Array<{ code: string; name: string }> };
  const send = (body: object, key?: string) => request(service.server).post('/family/assessment-requests').set(key ? { 'Idempotency-Key': key } : {}).send(body);
  const body = (formToken: string, child = `Alex ${randomUUID().slice(0, 6)}`, email = 'robin@example.org') => ({
    localAuthority: SERVED, child: { dateOfBirth: '2018-05-01', name: child }, requester: { relationship: 'parent', name: 'Robin Example', email }, formToken,
  });

  beforeAll(async () => {
    service = await startTestService(caseService, {
      PUBLIC_REQUEST_RATE_LIMIT_PER_MINUTE: '100', PUBLIC_REQUEST_MIN_FILL_SECONDS: '0',
      SERVED_LOCAL_AUTHORITIES: `${SERVED}=Hartlepool Borough Council,E10000028=Staffordshire County Council`,
    });
    service.app.get(FamilyService).bindDelivery(capturingDelivery);
  });
  afterAll(() => service?.close());

  it('a retry with the same Idempotency-Key answers the first reference with Idempotent-Replayed and makes no second case or email; another body with that key is 422', async () => {
    const { formToken, councils } = await form();
    expect(councils).toEqual([{ code: SERVED, name: 'Hartlepool Borough Council' }, { code: 'E10000028', name: 'Staffordshire County Council' }]);
    const key = `req-${randomUUID()}`;
    const sent = body(formToken);
    const first = await send(sent, key).expect(202);
    expect(first.body).toMatchObject({ replayed: false, message: expect.stringMatching(/emailed you an invitation/) });
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const emails = delivered.length;
    const again = await send(sent, key).expect(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toMatchObject({ reference: first.body.reference, replayed: true });
    expect(delivered.length).toBe(emails);
    const other = await send({ ...sent, requester: { ...sent.requester, email: 'someone.else@example.org' } }, key).expect(422);
    expect(other.body).toMatchObject({ code: 'idempotency-key-reused' });
    const otherChild = await send({ ...sent, child: { ...sent.child, dateOfBirth: '2017-01-01' } }, key).expect(422);
    expect(otherChild.body).toMatchObject({ code: 'idempotency-key-reused' });
  });

  it('without a key, the same child, council and email again within the window is the same request: the first reference, no second case or email', async () => {
    const child = `Sam ${randomUUID().slice(0, 6)}`;
    const first = await send(body((await form()).formToken, child)).expect(202);
    const emails = delivered.length;
    const twice = await send(body((await form()).formToken, ` ${child.toUpperCase()} `)).expect(202);
    expect(twice.body).toMatchObject({ reference: first.body.reference, replayed: true, message: expect.stringMatching(/already have this request/) });
    expect(twice.headers['idempotent-replayed']).toBe('true');
    expect(delivered.length).toBe(emails);
    // another child of the same parent is another request
    const sibling = await send(body((await form()).formToken, `Kim ${randomUUID().slice(0, 6)}`)).expect(202);
    expect(sibling.body.reference).not.toBe(first.body.reference);
    expect(delivered.length).toBe(emails + 1);
  });

  it('refuses scripted sending: no token, a forged token, a used token, the hidden field filled in; each with its own Problem Details code', async () => {
    expect((await send({ ...body('x'), formToken: undefined }).expect(400)).body).toMatchObject({ code: 'validation-failed' });
    expect((await send(body('v1.abc.def.ghi')).expect(400)).body).toMatchObject({ code: 'form-token-invalid', status: 400 });
    const { formToken } = await form();
    await send(body(formToken)).expect(202);
    expect((await send(body(formToken)).expect(409)).body).toMatchObject({ code: 'form-token-used' });
    const trap = await send({ ...body((await form()).formToken), website: 'http://cheap-pills.example' }).expect(400);
    expect(trap.body).toMatchObject({ code: 'automated-request-refused' });
  });

  it('refuses a council this deployment does not serve (400 naming localAuthority), though it is one of the development five', async () => {
    const { formToken } = await form();
    const refused = await send({ ...body(formToken), localAuthority: 'E10000029' }).expect(400);
    expect(refused.body.errors).toEqual([{ field: 'localAuthority', reasons: [`localAuthority must be one of the councils this service covers: ${SERVED}, E10000028`] }]);
  });

  it('a form sent sooner than a person can fill it in is refused (form-sent-too-quickly)', async () => {
    const strict = await startTestService(caseService, { PUBLIC_REQUEST_MIN_FILL_SECONDS: '30' });
    try {
      const { formToken } = (await request(strict.server).get('/family/assessment-requests/form-token').expect(200)).body;
      const quick = await request(strict.server).post('/family/assessment-requests').send({ ...body(formToken), localAuthority: 'E10000028' }).expect(400);
      expect(quick.body).toMatchObject({ code: 'form-sent-too-quickly' });
    } finally {
      await strict.close();
    }
  });

  it('the per-address limit counts the address a trusted proxy forwards (TRUSTED_PROXIES), and ignores X-Forwarded-For from anyone else', async () => {
    const sendFrom = (server: TestService['server'], address: string) => request(server).post('/family/assessment-requests').set('X-Forwarded-For', address).send({});
    const behindWeb = await startTestService(caseService, { PUBLIC_REQUEST_RATE_LIMIT_PER_MINUTE: '1', TRUSTED_PROXIES: 'loopback' });
    try {
      // the web service forwards each family's own address: each gets its own request a minute
      expect((await sendFrom(behindWeb.server, '203.0.113.7')).status).toBe(400);
      expect((await sendFrom(behindWeb.server, '203.0.113.7')).status).toBe(429);
      expect((await sendFrom(behindWeb.server, '198.51.100.20')).status).toBe(400);
    } finally {
      await behindWeb.close();
    }
    const direct = await startTestService(caseService, { PUBLIC_REQUEST_RATE_LIMIT_PER_MINUTE: '1' });
    try {
      // no trusted proxy: a forged X-Forwarded-For does not buy a second request
      expect((await sendFrom(direct.server, '203.0.113.7')).status).toBe(400);
      expect((await sendFrom(direct.server, '198.51.100.20')).status).toBe(429);
    } finally {
      await direct.close();
    }
  });

  it('every response the public routes gave is the one the served OpenAPI document describes', async () => {
    const conformance = await service.conformance();
    expect(conformance.checked.filter((o) => /assessment-requests/.test(o.path)).length).toBeGreaterThanOrEqual(2);
    expect(conformance.undocumented).toEqual([]);
  });
});
