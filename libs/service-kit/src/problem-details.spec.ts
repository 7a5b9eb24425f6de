import { ArgumentsHost, Body, Catch, Controller, Get, Module, NotFoundException, Post, UseFilters, type ExceptionFilter, type INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Throttle, ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { IsInt, IsString, Min } from 'class-validator';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import request from 'supertest';
import { AuthModule, mintToken, Public, RequireRoles } from '@tio/auth';
import { NotInFuture } from '@tio/contracts';
import { NonSerialisableEventError, WrongExpectedRevisionError } from '@tio/event-store';
import { domainProblem, PROBLEM_TYPE_BASE, writeProblem } from './problem-details';
import { createServiceApp } from './run-service';

class Body1 {
  @IsString()
  childRef!: string;

  @IsInt()
  @Min(1)
  pages!: number;
}

class Dated {
  @NotInFuture()
  @IsString()
  on!: string;
}

/** A rule a domain refuses (what every service's DomainError is: a stable code, a message, details). */
class StepNotAllowed extends Error {
  readonly code = 'final-plan-before-draft';
  readonly details = { status: 'assessing' };
}

/** A service's domain filter: its own status, answered through the one writer. */
@Catch(StepNotAllowed)
class StepFilter implements ExceptionFilter {
  catch(error: StepNotAllowed, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    writeProblem(http.getRequest(), http.getResponse(), domainProblem(error, 409));
  }
}

@Controller('probe')
@RequireRoles('case-officer')
class ProbeController {
  @Post()
  create(@Body() body: Body1) {
    return body;
  }

  @Post('dated')
  dated(@Body() body: Dated) {
    return body;
  }

  @Get('missing')
  missing() {
    throw new NotFoundException('No case 5b2f6a0e-8f7e-4a43-9c1d-2f0a6b7c8d9e');
  }

  @Get('step')
  @UseFilters(StepFilter)
  step() {
    throw new StepNotAllowed('the final plan needs a draft first');
  }

  @Get('race')
  race() {
    throw new WrongExpectedRevisionError('case-1', 3, 4);
  }

  @Get('unstorable')
  unstorable() {
    throw new NonSerialisableEventError('e-1', 'data.text', 'string contains NUL');
  }

  @Get('db-down')
  dbDown() {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  }

  @Get('limited')
  @Throttle({ default: { limit: 1, ttl: 60_000 } })
  limited() {
    return { ok: true };
  }

  @Get('boom')
  boom() {
    throw new Error('secret internals');
  }

  @Public()
  @Get('public-boom')
  publicBoom() {
    throw new Error('secret internals');
  }
}

@Module({
  imports: [AuthModule, ThrottlerModule.forRoot({ throttlers: [{ name: 'default', ttl: 60_000, limit: 10_000 }] })],
  controllers: [ProbeController],
  providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
})
class ProbeModule {}

// Every way a service answers an error, through the same service-kit wiring the services use (createServiceApp's
// filter and pipe, AuthModule's guard, the throttler, a domain filter): each is RFC 9457 Problem Details.
describe('Problem Details: one error format for every error path', () => {
  let app: INestApplication;
  let officer: string;
  let practitioner: string;
  const previousKey = process.env['JWT_PUBLIC_KEY'];

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    process.env['JWT_PUBLIC_KEY'] = await exportSPKI(publicKey);
    const pem = await exportPKCS8(privateKey);
    officer = await mintToken(pem, { agency: 'local-authority', roles: ['case-officer'], organisationId: 'E10000028', userId: 'u-1' });
    practitioner = await mintToken(pem, { agency: 'education', roles: ['practitioner'], organisationId: 'school-1', userId: 'u-2' });
    app = await createServiceApp({ name: 'probe', title: 'Probe', description: 'probe', module: ProbeModule, bodyLimit: '1kb' }, { logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    if (previousKey === undefined) delete process.env['JWT_PUBLIC_KEY'];
    else process.env['JWT_PUBLIC_KEY'] = previousKey;
  });

  const as = (token: string) => ({ Authorization: `Bearer ${token}`, 'x-correlation-id': 'corr-1' });

  /** The answer is Problem Details: media type, every member, `type` naming the code, `instance` the path. */
  function expectProblem(res: request.Response, status: number, code: string, path: string): void {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: `${PROBLEM_TYPE_BASE}${code}`, status, code, instance: path });
    expect(typeof res.body.title).toBe('string');
    expect(res.body.title.length).toBeGreaterThan(0);
    expect(typeof res.body.detail).toBe('string');
    expect(typeof res.body.correlationId).toBe('string');
    expect(res.body.correlationId.length).toBeGreaterThan(0);
    expect(Object.keys(res.body).filter((k) => ['statusCode', 'message', 'error'].includes(k))).toEqual([]);
  }

  it('400: invalid input names each field and its reasons in errors[]', async () => {
    const res = await request(app.getHttpServer()).post('/probe').set(as(officer)).send({ childRef: 7, pages: 0, extra: 1 });
    expectProblem(res, 400, 'validation-failed', '/probe');
    expect(res.body.correlationId).toBe('corr-1');
    expect(res.body.errors).toEqual(expect.arrayContaining([
      { field: 'childRef', reasons: ['childRef must be a string'] },
      { field: 'pages', reasons: ['pages must not be less than 1'] },
      { field: 'extra', reasons: ['property extra should not exist'] },
    ]));
    expect(res.body.detail).toBe('Validation failed: extra, childRef, pages');
  });

  it('400: malformed JSON and an over-deep body', async () => {
    expectProblem(await request(app.getHttpServer()).post('/probe').set(as(officer)).set('content-type', 'application/json').send('{"a":'), 400, 'invalid-json', '/probe');
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expectProblem(await request(app.getHttpServer()).post('/probe').set(as(officer)).send({ deep }), 400, 'body-too-deep', '/probe');
  });

  it('401 without a token challenges with WWW-Authenticate: Bearer', async () => {
    const res = await request(app.getHttpServer()).get('/probe/missing?token=not-in-instance');
    expectProblem(res, 401, 'token-required', '/probe/missing');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('401 with a refused token says invalid_token in the challenge (RFC 6750)', async () => {
    const res = await request(app.getHttpServer()).get('/probe/missing').set(as('not.a.jwt'));
    expectProblem(res, 401, 'invalid-token', '/probe/missing');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token", error_description="[^"]+"$/);
  });

  it('403 for a caller without the role', async () => {
    expectProblem(await request(app.getHttpServer()).get('/probe/missing').set(as(practitioner)), 403, 'forbidden', '/probe/missing');
  });

  it('404 for an unknown id and for an unknown route', async () => {
    expectProblem(await request(app.getHttpServer()).get('/probe/missing').set(as(officer)), 404, 'not-found', '/probe/missing');
    expectProblem(await request(app.getHttpServer()).get('/nowhere').set(as(officer)), 404, 'not-found', '/nowhere');
  });

  it('409 for a domain rule (its stable code and details) and for a lost race', async () => {
    const step = await request(app.getHttpServer()).get('/probe/step').set(as(officer));
    expectProblem(step, 409, 'final-plan-before-draft', '/probe/step');
    expect(step.body).toMatchObject({ title: 'Final plan before draft', detail: 'the final plan needs a draft first', details: { status: 'assessing' } });
    expectProblem(await request(app.getHttpServer()).get('/probe/race').set(as(officer)), 409, 'concurrent-write', '/probe/race');
  });

  it('413 for a body over the limit', async () => {
    expectProblem(await request(app.getHttpServer()).post('/probe').set(as(officer)).send({ childRef: 'x'.repeat(5000) }), 413, 'payload-too-large', '/probe');
  });

  it('422 for a date after today (errors[]) and for input the store cannot record', async () => {
    const dated = await request(app.getHttpServer()).post('/probe/dated').set(as(officer)).send({ on: '2999-01-01' });
    expectProblem(dated, 422, 'date-in-future', '/probe/dated');
    expect(dated.body.errors).toEqual([{ field: 'on', reasons: [expect.any(String)] }]);
    expectProblem(await request(app.getHttpServer()).get('/probe/unstorable').set(as(officer)), 422, 'unprocessable-input', '/probe/unstorable');
  });

  it('429 from the rate limiter', async () => {
    await request(app.getHttpServer()).get('/probe/limited').set(as(officer)).expect(200);
    expectProblem(await request(app.getHttpServer()).get('/probe/limited').set(as(officer)), 429, 'too-many-requests', '/probe/limited');
  });

  it('503 with Retry-After while the database is unreachable', async () => {
    const res = await request(app.getHttpServer()).get('/probe/db-down').set(as(officer));
    expectProblem(res, 503, 'service-unavailable', '/probe/db-down');
    expect(res.headers['retry-after']).toBe('2');
    expect(JSON.stringify(res.body)).not.toContain('5432');
  });

  it('500 without internals', async () => {
    const res = await request(app.getHttpServer()).get('/probe/public-boom');
    expectProblem(res, 500, 'internal-error', '/probe/public-boom');
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });
});
