/**
 * The audit service's own settings (besides the shared DATABASE_URL / KAFKA_BROKERS / JWT ones from service-kit):
 *
 * - `AUDIT_EVENT_STORES` (required): every service's event store the audit reads, as comma-separated
 *   `name=postgresUrl` pairs, e.g. `case=postgres://…/tio_case,education=postgres://…/tio_education`. The name is
 *   the "source" shown on every history entry and breaks ties in the merged order, so keep it stable. A service
 *   whose events are in EventStoreDB is named with its `esdb://` connection string instead; all reads go through
 *   the event store port, so either engine gives the same history and verification.
 * - `AUDIT_EVENT_STORE_SCHEMA` (optional, default `event_store`): the schema of the store tables in each database.
 * - `AUDIT_TIMELINE_DATABASE_URL` (optional): the timeline read model's database, for the drift check. Without it
 *   `GET /cases/:id/drift` answers 503 and says so.
 * - `AUDIT_CASE_INDEX` (optional, `1` to enable): at start, create (CONCURRENTLY, IF NOT EXISTS) an expression
 *   index on `(metadata->>'caseId')` in each store so a case's events are found without a full scan. This is the
 *   one write the audit ever makes to another service's database, so it is off unless asked for.
 */
export interface EventStoreSource {
  name: string;
  url: string;
}

export interface AuditConfig {
  stores: EventStoreSource[];
  schema: string;
  timelineDatabaseUrl?: string;
  createCaseIndex: boolean;
}

export const EVENT_STORES_VAR = 'AUDIT_EVENT_STORES';
export const TIMELINE_URL_VAR = 'AUDIT_TIMELINE_DATABASE_URL';
const SOURCE_NAME = /^[a-z][a-z0-9_-]{0,39}$/;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Parses `name=url,name=url`. Throws a message naming the variable and the bad part. */
export function parseEventStores(value: string | undefined): EventStoreSource[] {
  if (!value || !value.trim()) {
    throw new Error(`${EVENT_STORES_VAR} is not set: comma-separated name=postgresUrl pairs of every event store to audit, e.g. case=postgres://user:pw@host:5432/tio_case`);
  }
  const out: EventStoreSource[] = [];
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const name = eq > 0 ? part.slice(0, eq).trim() : '';
    const url = eq > 0 ? part.slice(eq + 1).trim() : '';
    if (!SOURCE_NAME.test(name)) throw new Error(`${EVENT_STORES_VAR}: "${part.split('=')[0]}" is not a valid store name (lowercase letters, digits, - and _)`);
    if (!/^(postgres(ql)?|esdb(\+discover)?):\/\//.test(url)) throw new Error(`${EVENT_STORES_VAR}: the store "${name}" needs a postgres:// URL (or esdb:// for a service whose events are in EventStoreDB)`);
    if (out.some((s) => s.name === name)) throw new Error(`${EVENT_STORES_VAR}: the store name "${name}" appears twice`);
    out.push({ name, url });
  }
  if (out.length === 0) throw new Error(`${EVENT_STORES_VAR} names no event store`);
  return out;
}

export function auditConfig(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  const schema = env['AUDIT_EVENT_STORE_SCHEMA'] || 'event_store';
  if (!SCHEMA_NAME.test(schema)) throw new Error(`AUDIT_EVENT_STORE_SCHEMA=${schema} is not a valid schema name`);
  const timeline = env[TIMELINE_URL_VAR]?.trim();
  return {
    stores: parseEventStores(env[EVENT_STORES_VAR]),
    schema,
    ...(timeline ? { timelineDatabaseUrl: timeline } : {}),
    createCaseIndex: env['AUDIT_CASE_INDEX'] === '1',
  };
}
