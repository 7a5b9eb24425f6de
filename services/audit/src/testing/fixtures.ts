import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { dropDatabase, ensureDatabase } from '@tio/local-infra';
import { chainKeyFrom, PostgresEventStore, type Actor, type NewEvent } from '@tio/event-store';
import { decide, evolve, initialState, type EhcCommand, type EhcCaseState } from '@tio/ehc-domain';

export const ROOT = join(__dirname, '..', '..', '..', '..');

export function clusterUrl(): string {
  const url = process.env['TIO_CLUSTER_URL'] ?? process.env['DATABASE_URL'];
  if (!url) throw new Error('DATABASE_URL (a PostgreSQL cluster) is needed: the Jest global setup provides it');
  return url;
}

export interface TestStores {
  urls: Record<string, string>;
  stores: Record<string, PostgresEventStore>;
  /** The AUDIT_EVENT_STORES value for these stores. */
  env: string;
  close(): Promise<void>;
}

/** One fresh database per simulated service, each with a real PostgreSQL event store in it. */
export async function createStores(names: string[]): Promise<TestStores> {
  const cluster = clusterUrl();
  const tag = randomUUID().slice(0, 8);
  const urls: Record<string, string> = {};
  const stores: Record<string, PostgresEventStore> = {};
  const dbs: string[] = [];
  for (const name of names) {
    const db = `audit_t_${name.replace(/-/g, '_')}_${tag}`;
    dbs.push(db);
    urls[name] = await ensureDatabase(cluster, db);
    // keyed like a service's store (EventStoreModule), so the audit's MAC checks pass on untouched data
    stores[name] = await PostgresEventStore.create({ connectionString: urls[name] as string, poolSize: 3, chainKey: chainKeyFrom() });
  }
  return {
    urls, stores, env: names.map((n) => `${n}=${urls[n]}`).join(','),
    async close() {
      await Promise.allSettled(Object.values(stores).map((s) => s.close()));
      for (const db of dbs) await dropDatabase(cluster, db);
    },
  };
}

export const LA_OFFICER: Actor = { userId: 'officer-1', organisationId: 'E08000025', agency: 'local-authority', role: 'case-officer' };
export const SENCO: Actor = { userId: 'senco-1', organisationId: 'urn-100001', agency: 'education', role: 'practitioner' };
export const PAEDIATRICIAN: Actor = { userId: 'paed-1', organisationId: 'nhs-trust-1', agency: 'health', role: 'practitioner' };

export function newEvent(caseId: string, type: string, data: unknown, o: { actor?: Actor; correlationId?: string; causationId?: string; occurredAt?: string; eventId?: string } = {}): NewEvent {
  return {
    type, data,
    metadata: {
      eventId: o.eventId ?? randomUUID(), caseId, occurredAt: o.occurredAt ?? new Date().toISOString(), actor: o.actor ?? LA_OFFICER,
      correlationId: o.correlationId ?? randomUUID(), ...(o.causationId ? { causationId: o.causationId } : {}),
    },
  };
}

/** Runs EHC commands through the real decider and returns the events (with state carried between calls). */
export class CaseScript {
  state: EhcCaseState = initialState();
  constructor(readonly caseId: string) {}
  run(command: Omit<EhcCommand, 'caseId'>, o: Parameters<typeof newEvent>[3] = {}): NewEvent[] {
    const events = decide({ ...command, caseId: this.caseId } as EhcCommand, this.state);
    for (const e of events) this.state = evolve(this.state, e);
    return events.map((e) => newEvent(this.caseId, e.type, e.data, { occurredAt: `${(command as { at: string }).at}T12:00:00.000Z`, ...o }));
  }
}

/** Creates the timeline read model's tables with the timeline service's OWN migration, in a child process (no import). */
export function migrateTimeline(url: string): void {
  execFileSync(process.execPath, ['-r', '@swc-node/register', '-e',
    "const pool = new (require('pg').Pool)({ connectionString: process.env.TL_URL, max: 1 }); require('./services/timeline/src/read-model/data-source.ts').migrateReadModel(pool).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); })"], {
    cwd: ROOT, env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.base.json', TL_URL: url }, stdio: ['ignore', 'inherit', 'inherit'], timeout: 120_000,
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
