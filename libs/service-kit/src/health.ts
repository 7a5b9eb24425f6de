import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@tio/auth';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';

/** A dependency the service needs to be ready: resolves when usable, throws (or times out) when not. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');
const CHECK_TIMEOUT_MS = 3000;

async function runCheck(check: HealthCheck): Promise<{ name: string; status: 'up' | 'down'; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { name: check.name, status: 'up' };
  } catch (err) {
    return { name: check.name, status: 'down', error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('health')
@Public()
@SkipThrottle({ 'per-minute': true })
@Controller('health')
export class HealthController {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[]) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP' })
  live() {
    return { status: 'ok' };
  }

  @Get(['ready', ''])
  @ApiOperation({ summary: 'Readiness: every dependency (event store, Kafka, ...) answers; 503 otherwise' })
  async ready(@Res() res: Response) {
    const results = await Promise.all(this.checks.map(runCheck));
    const ok = results.every((r) => r.status === 'up');
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json({
      status: ok ? 'ok' : 'unavailable',
      checks: Object.fromEntries(results.map((r) => [r.name, r.error ? { status: r.status, error: r.error } : { status: r.status }])),
    });
  }
}
