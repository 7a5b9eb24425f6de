// Helpers for this library's integration tests (real PostgreSQL and Kafka from the Jest global setup).
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { toKafkaRecord, type IntegrationEvent } from '@tio/contracts';
import { ensureDatabase } from '@tio/local-infra';
import { EventHandlers, PermanentHandlerError } from '../consumer/handlers';
import type { PgTransaction } from '../consumer/unit-of-work';
import { KafkaJsClient } from '../kafka/kafkajs-adapter';

export const STEP_TYPE = 'test.case-step.v1';

export function env(name: 'DATABASE_URL' | 'KAFKA_BROKERS'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (the Jest global setup starts the infrastructure)`);
  return value;
}

export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function testDatabase(name: string): Promise<Pool> {
  const url = await ensureDatabase(env('DATABASE_URL'), name.replace(/[^a-z0-9_]/g, '_'));
  return new Pool({ connectionString: url, max: 5 });
}

export function client(brokers = env('KAFKA_BROKERS')): KafkaJsClient {
  return new KafkaJsClient({ brokers, clientId: unique('test') });
}

/** A read model for tests: one row per case step, plus the order rows were applied in. */
export async function createTimeline(pool: Pool, table: string): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (
    applied_order bigserial PRIMARY KEY, case_id text NOT NULL, seq integer NOT NULL, event_id text NOT NULL UNIQUE)`);
}

/** Handlers appending to the timeline; `failIf` lets a test make a handler throw. */
export function timelineHandlers(table: string, opts: { delayMs?: number; permanentFailure?: (seq: number) => boolean } = {}): EventHandlers<PgTransaction> {
  return new EventHandlers<PgTransaction>().on<{ caseId: string; seq: number }>(STEP_TYPE, async (event, tx) => {
    if (opts.permanentFailure?.(event.data.seq)) throw new PermanentHandlerError(`step ${event.data.seq} is poison`);
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    await tx.client.query(`INSERT INTO ${table} (case_id, seq, event_id) VALUES ($1, $2, $3)`, [event.subject, event.data.seq, event.id]);
  });
}

export function stepEvent(caseId: string, seq: number, id: string = randomUUID()): IntegrationEvent<{ caseId: string; seq: number }> {
  return {
    id, source: '/tio/test', type: STEP_TYPE, subject: caseId, time: new Date().toISOString(),
    data: { caseId, seq }, correlationId: 'corr', actor: { userId: 'u', organisationId: 'o', agency: 'system', role: 'test' },
  };
}

export function stepRecord(caseId: string, seq: number, id?: string) {
  return toKafkaRecord(stepEvent(caseId, seq, id));
}

export async function count(pool: Pool, table: string): Promise<number> {
  return Number((await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);
}

/** Per case, the seqs in the order they were applied. */
export async function appliedOrder(pool: Pool, table: string): Promise<Map<string, number[]>> {
  const { rows } = await pool.query<{ case_id: string; seq: number }>(`SELECT case_id, seq FROM ${table} ORDER BY applied_order`);
  const out = new Map<string, number[]>();
  for (const r of rows) out.set(r.case_id, [...(out.get(r.case_id) ?? []), r.seq]);
  return out;
}

export function expectContiguous(order: Map<string, number[]>, perCase: number): void {
  for (const [caseId, seqs] of order) {
    const expected = Array.from({ length: perCase }, (_, i) => i + 1);
    if (JSON.stringify(seqs) !== JSON.stringify(expected)) throw new Error(`case ${caseId} applied out of order or incompletely: ${seqs.join(',')}`);
  }
}

export { waitFor } from '@tio/testing';
