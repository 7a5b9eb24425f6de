import { Controller, Get, Module, Post, Res, type ExecutionContext, type INestApplication } from '@nestjs/common';
import type { Response } from 'express';
import request from 'supertest';
import { rateLimitKey } from './core.module';
import { IDEMPOTENT_REPLAYED } from './idempotency';
import { weakETag } from './response-headers';
import { createServiceApp } from './run-service';

@Controller('costs')
class CostsProbeController {
  private version = 1;

  @Get('page')
  page() {
    return { version: this.version, entries: Array.from({ length: 50 }, (_, i) => ({ id: i, title: `entry ${i}` })) };
  }

  @Post('bump')
  bump() {
    this.version++;
    return { replayed: false };
  }

  @Post('replay')
  replay() {
    return { id: 'c-1', replayed: true };
  }

  @Post('replay-own-response')
  replayOwn(@Res() res: Response) {
    res.status(201).json({ id: 'c-2', replayed: true });
  }

  @Get('replayed-read')
  replayedRead() {
    return { replayed: true };
  }
}

@Module({ controllers: [CostsProbeController] })
class CostsProbeModule {}

describe('the per-request framework work, done cheaply', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createServiceApp({ name: 'costs-probe', title: 'Probe', description: 'probe', module: CostsProbeModule }, { logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  describe('security headers', () => {
    it('Given a service, when it answers a read, then the answer carries the security headers and not X-Powered-By', async () => {
      const res = await request(app.getHttpServer()).get('/costs/page').expect(200);
      expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN', 'cross-origin-opener-policy': 'same-origin', 'referrer-policy': 'no-referrer' });
      expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
      expect(res.headers['x-powered-by']).toBeUndefined();
    });
  });

  describe('conditional GET', () => {
    it('Given two bodies, then their weak ETags are equal exactly when the bytes are', () => {
      expect(weakETag(Buffer.from('{"a":1}'))).toBe(weakETag('{"a":1}'));
      expect(weakETag('{"a":1}')).toMatch(/^W\/"7-[0-9a-f]+"$/);
      expect(weakETag('{"a":1}')).not.toBe(weakETag('{"a":2}'));
      expect(weakETag('é', 'utf8')).toMatch(/^W\/"2-/); // the length in bytes, not characters
    });

    it('Given a read answered with an ETag, when it is asked again with If-None-Match, then 304 while unchanged and 200 with a new ETag once changed', async () => {
      const server = app.getHttpServer();
      const first = await request(server).get('/costs/page').expect(200);
      const tag = first.headers['etag'];
      expect(tag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
      await request(server).get('/costs/page').set('If-None-Match', tag).expect(304);
      await request(server).post('/costs/bump').expect(201);
      const changed = await request(server).get('/costs/page').set('If-None-Match', tag).expect(200);
      expect(changed.headers['etag']).not.toBe(tag);
      expect(changed.body.version).toBe(first.body.version + 1);
    });
  });

  describe('Idempotent-Replayed', () => {
    it('Given a write answered as a replay, then the answer says so; a first answer does not', async () => {
      const replay = await request(app.getHttpServer()).post('/costs/replay').expect(201);
      expect(replay.headers[IDEMPOTENT_REPLAYED.toLowerCase()]).toBe('true');
      const first = await request(app.getHttpServer()).post('/costs/bump').expect(201);
      expect(first.headers[IDEMPOTENT_REPLAYED.toLowerCase()]).toBeUndefined();
    });

    it('Given a write that answers through the response itself, then a replay is marked too', async () => {
      const res = await request(app.getHttpServer()).post('/costs/replay-own-response').expect(201);
      expect(res.headers[IDEMPOTENT_REPLAYED.toLowerCase()]).toBe('true');
    });

    it('Given a read, then it is never marked, whatever its body', async () => {
      const res = await request(app.getHttpServer()).get('/costs/replayed-read').expect(200);
      expect(res.headers[IDEMPOTENT_REPLAYED.toLowerCase()]).toBeUndefined();
    });
  });

  describe('rate limiter key', () => {
    const context = (handler: string, controller = 'TimelineController') =>
      ({ getClass: () => ({ name: controller }), getHandler: () => ({ name: handler }) }) as unknown as ExecutionContext;

    it('Given a route and a client, then the key names both, as the default key did before hashing', () => {
      expect(rateLimitKey(context('entries'), '10.0.0.7', 'per-minute')).toBe('TimelineController-entries-per-minute-10.0.0.7');
    });

    it('Given another client, route or controller, then the key differs', () => {
      const keys = new Set([
        rateLimitKey(context('entries'), '10.0.0.7', 'per-minute'),
        rateLimitKey(context('entries'), '10.0.0.8', 'per-minute'),
        rateLimitKey(context('status'), '10.0.0.7', 'per-minute'),
        rateLimitKey(context('entries', 'FamilyController'), '10.0.0.7', 'per-minute'),
      ]);
      expect(keys.size).toBe(4);
    });
  });
});
