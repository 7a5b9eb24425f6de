import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { SERVICE_CONFIG, singleActive, type ServiceConfig, type SingleActiveLease } from '@tio/service-kit';
import { AUDIT_SOURCES } from '../audit.service';
import type { AuditSources } from '../stores/audit-sources';
import { INTEGRITY_ANCHORS } from './anchors';
import type { IntegrityAnchors } from './integrity';

export const CHECKPOINT_INTERVAL_VAR = 'AUDIT_CHECKPOINT_INTERVAL_MS';
const DEFAULT_INTERVAL_MS = 10_000;

export function checkpointInterval(env: NodeJS.ProcessEnv = process.env): number {
  const value = env[CHECKPOINT_INTERVAL_VAR];
  if (value === undefined || value === '') return DEFAULT_INTERVAL_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1000) throw new Error(`${CHECKPOINT_INTERVAL_VAR}=${value}: give a whole number of milliseconds, at least 1000`);
  return ms;
}

/**
 * Keeps every store's authenticated stream heads in the audit's own database: once at start, then every
 * AUDIT_CHECKPOINT_INTERVAL_MS (default 10 s). A sweep reads each store's `streams` table (one row per stream) and
 * verifies and inserts only the heads that moved since it last kept them. A failed sweep (a store down) is logged and retried at the next tick.
 * With several audit replicas one of them keeps the checkpoints (lease `audit-checkpoint-keeper` in the audit's
 * database); the others stand by and take over if it goes.
 */
@Injectable()
export class CheckpointKeeper implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('CheckpointKeeper');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly lease: SingleActiveLease;

  constructor(
    @Inject(INTEGRITY_ANCHORS) private readonly anchors: IntegrityAnchors,
    @Inject(AUDIT_SOURCES) private readonly sources: AuditSources,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
  ) {
    this.lease = singleActive(config, 'audit-checkpoint-keeper', { start: () => this.startSweeping(), stop: () => this.stopSweeping() });
  }

  async onModuleInit(): Promise<void> {
    await this.anchors.checkpoints?.migrate();
    await this.lease.start();
  }

  private async startSweeping(): Promise<void> {
    const interval = checkpointInterval();
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), interval);
    this.timer.unref();
  }

  private async stopSweeping(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass over every store; overlapping ticks share the pass in flight. */
  sweep(): Promise<void> {
    this.running ??= this.sweepAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepAll(): Promise<void> {
    const checkpoints = this.anchors.checkpoints;
    if (!checkpoints) return;
    for (const reader of this.sources.readers) {
      try {
        await checkpoints.take(reader);
      } catch (err) {
        this.logger.warn(`stream heads of ${reader.name} not checkpointed this time: ${(err as Error).message}`);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.lease.stop();
  }
}
