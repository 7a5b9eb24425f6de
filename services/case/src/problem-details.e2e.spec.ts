import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startTestService, tokenFor, type TestService } from '@tio/testing';
import { caseService } from './service';

type Operation = { method: string; path: string };

// Every operation the case service documents, driven the wrong way (no token; then a case officer's token with an
// unknown id and a body the route does not accept): every error it answers must be Problem Details. A route that
// answers an error some other way (its own filter, `res.status().json()`) fails this test.
describe('case service: every documented route answers errors as Problem Details', () => {
  const prefix = `case-problems-${randomUUID().slice(0, 8)}.`;
  let service: TestService;
  let officer: string;
  let operations: Operation[];

  beforeAll(async () => {
    service = await startTestService(caseService, { KAFKA_TOPIC_PREFIX: prefix });
    officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: 'E10000028', userId: 'problems-1' });
    const doc = (await request(service.server).get('/docs/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((method) => ({ method, path })));
  });
  afterAll(() => service?.close());

  /** `/cases/{caseId}/plans/{planId}` with an unknown uuid for every parameter (and a word for a type such as adviceType). */
  const concrete = (path: string) => path.replace(/\{([^}]+)\}/g, (_, name: string) => (/Id$|^id$/.test(name) ? randomUUID() : 'unknown'));

  function send(op: Operation, token?: string) {
    const url = concrete(op.path);
    const req = (request(service.server) as unknown as Record<string, (u: string) => request.Test>)[op.method](url).set('x-correlation-id', 'problems-e2e');
    if (token) req.set('Authorization', `Bearer ${token}`);
    return op.method === 'get' || op.method === 'delete' ? req : req.send({ notAField: true });
  }

  function problemsIn(op: Operation, res: request.Response): string[] {
    if (res.status < 400) return [];
    const where = `${op.method.toUpperCase()} ${op.path} -> ${res.status}`;
    const wrong: string[] = [];
    if (!/^application\/problem\+json/.test(String(res.headers['content-type']))) wrong.push(`${where}: content-type ${res.headers['content-type']}`);
    const b = res.body as Record<string, unknown>;
    for (const member of ['type', 'title', 'detail', 'instance', 'code', 'correlationId']) if (typeof b[member] !== 'string') wrong.push(`${where}: no ${member}`);
    if (b['status'] !== res.status) wrong.push(`${where}: status member ${String(b['status'])}`);
    if (typeof b['code'] === 'string' && b['type'] !== `https://tell-it-once.example/problems/${b['code']}`) wrong.push(`${where}: type ${String(b['type'])}`);
    if (b['correlationId'] !== 'problems-e2e') wrong.push(`${where}: correlationId ${String(b['correlationId'])}`);
    return wrong;
  }

  it('documents the routes it serves', () => {
    expect(operations.length).toBeGreaterThan(20);
  });

  it('answers 401 Problem Details with WWW-Authenticate: Bearer on every route that needs a token', async () => {
    const wrong: string[] = [];
    let refused = 0;
    for (const op of operations) {
      const res = await send(op);
      if (res.status === 401) {
        refused += 1;
        if (res.headers['www-authenticate'] !== 'Bearer') wrong.push(`${op.method} ${op.path}: WWW-Authenticate ${res.headers['www-authenticate']}`);
      }
      wrong.push(...problemsIn(op, res));
    }
    expect(wrong).toEqual([]);
    expect(refused).toBeGreaterThan(20);
  });

  it('answers every refusal of an unknown id or an unaccepted body as Problem Details', async () => {
    const wrong: string[] = [];
    const statuses = new Set<number>();
    for (const op of operations) {
      const res = await send(op, officer);
      statuses.add(res.status);
      wrong.push(...problemsIn(op, res));
    }
    expect(wrong).toEqual([]);
    // the drive reached more than one kind of refusal (e.g. 400 for the body, 403 for a case the LA is not involved in)
    expect([...statuses].filter((s) => s >= 400).length).toBeGreaterThan(1);
  });
});
