import { runSqlMigrations, type SqlMigration } from '@tio/event-store';
import type { Pool } from 'pg';

/**
 * The kit's read model lives in the service's own database, schema `agency_kit`. Migrations are plain SQL, applied
 * in order at start under an advisory lock (several replicas may start at once) and recorded in
 * `agency_kit.migrations`; an applied migration is never edited, a change is a new migration.
 */
export const MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    name: 'cases-requests-advice',
    sql: `
      CREATE TABLE agency_kit.cases (
        case_id        text PRIMARY KEY,
        local_authority text,
        received_on    text,
        event_id       text,
        first_seen_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE agency_kit.advice_requests (
        advice_request_id text PRIMARY KEY,
        case_id        text NOT NULL,
        assessment_id  text NOT NULL,
        agency         text NOT NULL,
        advice_type    text NOT NULL,
        adviser_ref    text,
        requested_on   text,
        due_on         text,
        event_id       text NOT NULL,
        recorded_at    timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX advice_requests_case ON agency_kit.advice_requests (case_id, agency);
      -- every version of every advice on a case, from every agency: headings only for the summary
      CREATE TABLE agency_kit.advice_versions (
        advice_id      text NOT NULL,
        version        integer NOT NULL,
        kind           text NOT NULL CHECK (kind IN ('submitted', 'corrected', 'withdrawn')),
        case_id        text NOT NULL,
        assessment_id  text,
        agency         text NOT NULL,
        advice_type    text NOT NULL,
        advice_request_id text,
        on_date        text NOT NULL,
        author_ref     text,
        organisation_ref text,
        reason         text,
        headings       jsonb NOT NULL DEFAULT '[]',
        citations      jsonb NOT NULL DEFAULT '[]',
        event_id       text NOT NULL,
        recorded_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (advice_id, version, kind)
      );
      CREATE INDEX advice_versions_case ON agency_kit.advice_versions (case_id);
      -- idempotency keys of this service's own commands: a key reused for another stream is refused
      CREATE TABLE agency_kit.idempotency_keys (
        idempotency_key text PRIMARY KEY,
        stream_name    text NOT NULL,
        recorded_at    timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 2,
    name: 'idempotency by event ids only',
    // a key's event ids are derived from it (and the caller's organisation); the store's unique ids refuse a key
    // reused on another stream, so this table (written outside the append) is no longer needed
    sql: 'DROP TABLE IF EXISTS agency_kit.idempotency_keys',
  },
  {
    version: 3,
    name: 'case events for the family',
    // the case's published events the family's advice route needs (issue #21): who is linked (linked, unlinked, the
    // young person's rights), the draft (or a final or amended plan) and the advice the LA shared early. Fed by
    // FamilyFactsFeed, consumer group `tio-<service>-family-facts` of its own: new, it reads the case topic from its
    // beginning, so a service that ran before this migration learns of earlier links on its first start with it
    sql: `
      CREATE TABLE agency_kit.case_family_events (
        event_id       text PRIMARY KEY,
        case_id        text NOT NULL,
        type           text NOT NULL,
        data           jsonb NOT NULL,
        occurred_at    text NOT NULL,
        recorded_at    timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX case_family_events_case ON agency_kit.case_family_events (case_id, occurred_at, recorded_at, event_id);
    `,
  },
];

export async function migrate(pool: Pool): Promise<number[]> {
  return runSqlMigrations(pool, MIGRATIONS, { schema: 'agency_kit', table: 'agency_kit.migrations', lockKey: "hashtext('agency_kit.migrations')" });
}
