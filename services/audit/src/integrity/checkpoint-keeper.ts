import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
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
 */
@Injectable()
export class CheckpointKeeper implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('CheckpointKeeper');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(INTEGRITY_ANCHORS) private readonly anchors: IntegrityAnchors,
    @Inject(AUDIT_SOURCES) private readonly sources: AuditSources,
  ) {}

  async onModuleInit(): Promise<void> {
    const interval = checkpointInterval();
    await this.anchors.checkpoints?.migrate();
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), interval);
    this.timer.unref();
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
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
