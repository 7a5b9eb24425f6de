import { Body, Controller, Get, Module, Post, type INestApplication } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Min, ValidateNested } from 'class-validator';
import request from 'supertest';
import { NonSerialisableEventError } from '@tio/event-store';
import { createServiceApp } from './run-service';

class Section {
  @IsString()
  heading!: string;
}

class AdviceBody {
  @IsIn(['educational', 'medical'])
  adviceType!: string;

  @IsInt()
  @Min(1)
  pages!: number;

  @ValidateNested({ each: true })
  @Type(() => Section)
  sections!: Section[];
}

@Controller('probe')
class ProbeController {
  @Post()
  create(@Body() body: AdviceBody) {
    return { received: body };
  }

  @Get('unstorable')
  unstorable() {
    throw new NonSerialisableEventError('e-1', 'data.sections[0].text', 'string contains NUL or a lone surrogate');
  }

  @Get('db-down')
  dbDown() {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  }

  @Get('boom')
  boom() {
    throw new Error('database password is hunter2 at /srv/secret.ts:42');
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('service-kit HTTP conventions', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createServiceApp({ name: 'probe', title: 'Probe', description: 'probe', module: ProbeModule, bodyLimit: '1kb' }, { logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  it('accepts a valid body and converts its types', async () => {
    const body = { adviceType: 'medical', pages: 2, sections: [{ heading: 'Needs' }] };
    await request(app.getHttpServer()).post('/probe').send(body).expect(201, { received: body });
  });

  it('answers 400 naming every bad field and why, including nested ones', async () => {
    const res = await request(app.getHttpServer())
      .post('/probe')
      .send({ adviceType: 'astrology', pages: 0, sections: [{ heading: 7 }] })
      .expect(400);
    expect(res.body).toMatchObject({ code: 'validation-failed', status: 400 });
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'adviceType', reasons: ['adviceType must be one of the following values: educational, medical'] },
        { field: 'pages', reasons: ['pages must not be less than 1'] },
        { field: 'sections[0].heading', reasons: ['heading must be a string'] },
      ]),
    );
  });

  it('rejects fields the API does not know instead of silently dropping them', async () => {
    const res = await request(app.getHttpServer())
      .post('/probe')
      .send({ adviceType: 'medical', pages: 1, sections: [], childName: 'should not be here' })
      .expect(400);
    expect(res.body.errors).toEqual([{ field: 'childName', reasons: ['property childName should not exist'] }]);
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await request(app.getHttpServer()).post('/probe').set('content-type', 'application/json').send('{"adviceType":').expect(400);
    expect(res.body.detail).toMatch(/JSON/);
  });

  it('answers an oversized body with 413', async () => {
    const res = await request(app.getHttpServer()).post('/probe').send({ adviceType: 'x'.repeat(5000) }).expect(413);
    expect(res.body.detail).toBe('Request body is larger than the limit');
  });

  it('answers input the event store cannot record (a NUL in a text) with 422 naming where, not 500', async () => {
    const res = await request(app.getHttpServer()).get('/probe/unstorable').expect(422);
    expect(res.body.detail).toMatch(/cannot be recorded: .*data\.sections\[0\]\.text/);
  });

  it('answers 503 with Retry-After while the database is unreachable (a PostgreSQL restart), not 500', async () => {
    const res = await request(app.getHttpServer()).get('/probe/db-down').expect(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body.detail).toContain('nothing was recorded');
    expect(JSON.stringify(res.body)).not.toContain('5432');
  });

  it('never shows a client the internals of an unexpected error', async () => {
    const res = await request(app.getHttpServer()).get('/probe/boom').set('x-correlation-id', 'trace-9').expect(500);
    expect(res.body).toEqual({ type: 'https://tell-it-once.example/problems/internal-error', title: 'Internal error', status: 500, detail: 'Internal error', instance: '/probe/boom', code: 'internal-error', correlationId: 'trace-9' });
    expect(JSON.stringify(res.body)).not.toMatch(/hunter2|secret\.ts/);
  });
});

describe('service-kit hardening', () => {
  let app: INestApplication;
  beforeAll(async () => {
    process.env['CORS_ORIGINS'] = 'https://portal.example.gov.uk';
    app = await createServiceApp({ name: 'probe', title: 'Probe', description: 'probe', module: ProbeModule }, { logger: false });
    await app.init();
  });
  afterAll(async () => {
    delete process.env['CORS_ORIGINS'];
    await app.close();
  });

  it('sends security headers and hides the framework', async () => {
    const res = await request(app.getHttpServer()).post('/probe').send({ adviceType: 'medical', pages: 1, sections: [] }).expect(201);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('allows cross-origin calls only from the configured origins', async () => {
    const allowed = await request(app.getHttpServer()).options('/probe').set('Origin', 'https://portal.example.gov.uk').set('Access-Control-Request-Method', 'POST');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://portal.example.gov.uk');
    const other = await request(app.getHttpServer()).options('/probe').set('Origin', 'https://evil.example.com').set('Access-Control-Request-Method', 'POST');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets an allowed origin send Prefer and read the answers\' own headers', async () => {
    const preflight = await request(app.getHttpServer()).options('/probe').set('Origin', 'https://portal.example.gov.uk')
      .set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'prefer,idempotency-key');
    expect(String(preflight.headers['access-control-allow-headers']).split(',')).toEqual(expect.arrayContaining(['prefer', 'idempotency-key']));
    const res = await request(app.getHttpServer()).post('/probe').set('Origin', 'https://portal.example.gov.uk').send({ adviceType: 'medical', pages: 1, sections: [] }).expect(201);
    expect(String(res.headers['access-control-expose-headers']).split(',')).toEqual(['Idempotent-Replayed', 'Preference-Applied', 'x-correlation-id']);
  });
});
