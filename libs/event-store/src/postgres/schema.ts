import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { authenticateExistingHistory } from './adoption';

/** PostgreSQL schema the store's tables live in; one per store, so services can share a cluster safely. */
export const DEFAULT_SCHEMA = 'event_store';
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): void {
  if (!IDENTIFIER.test(schema)) throw new Error(`Invalid PostgreSQL schema name for the event store: ${schema}`);
}

/** Quoted, validated schema-qualified table name. */
export function table(schema: string, name: string): string {
  return `"${schema}"."${name}"`;
}

/** Stable 64-bit advisory lock key for a purpose within a schema. */
export function advisoryKey(schema: string, purpose: string): string {
  return BigInt.asIntN(64, BigInt(`0x${createHash('sha256').update(`tio-event-store:${schema}:${purpose}`).digest('hex').slice(0, 16)}`)).toString();
}

/** NOTIFY channel that every append signals on commit. */
export function notifyChannel(schema: string): string {
  return `${schema}_appended`;
}

export interface MigrationContext {
  chainKey?: Buffer;
}

export interface Migration {
  version: number;
  name: string;
  sql(schema: string): string;
  /** Node work after `sql`, in the same transaction. */
  then?(client: PoolClient, schema: string, context: MigrationContext): Promise<void>;
}

/**
 * Ordered, append-only list: never edit a released migration, add a new one. Each runs once, in one transaction
 * with its record in `<schema>.migrations`.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'streams, events, checkpoints',
    sql: (s) => `
      CREATE TABLE ${table(s, 'streams')} (
        stream_name text PRIMARY KEY,
        category    text NOT NULL,
        revision    bigint NOT NULL,
        last_hash   text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE ${table(s, 'events')} (
        global_position bigserial PRIMARY KEY,
        transaction_id  xid8 NOT NULL,
        event_id        uuid NOT NULL,
        stream_name     text NOT NULL REFERENCES ${table(s, 'streams')} (stream_name),
        category        text NOT NULL,
        revision        bigint NOT NULL,
        type            text NOT NULL,
        schema_version  integer NOT NULL,
        data            jsonb NOT NULL,
        metadata        jsonb NOT NULL,
        hash            text NOT NULL,
        previous_hash   text,
        recorded_at     timestamptz NOT NULL,
        CONSTRAINT events_event_id_key UNIQUE (event_id),
        CONSTRAINT events_stream_revision_key UNIQUE (stream_name, revision)
      );
      CREATE INDEX events_category_position_idx ON ${table(s, 'events')} (category, global_position);
      CREATE TABLE ${table(s, 'checkpoints')} (
        subscription_id text PRIMARY KEY,
        position        bigint NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now()
      );
      -- Takes the transaction id and the global positions for an append together, under a short lock held only
      -- for this call (not until commit). That makes "xid order" and "global_position order" the same for every
      -- append, which is what lets readers order by global_position while filtering on pg_snapshot_xmin.
      -- See README.md, "Global order without gaps".
      CREATE FUNCTION ${table(s, 'reserve_positions')}(n integer)
        RETURNS TABLE (transaction_id xid8, positions bigint[])
        LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM pg_advisory_lock(${advisoryKey(s, 'reserve')});
        BEGIN
          transaction_id := pg_current_xact_id();
          positions := ARRAY(SELECT nextval('${s}.events_global_position_seq') FROM generate_series(1, n));
        EXCEPTION WHEN OTHERS THEN
          PERFORM pg_advisory_unlock(${advisoryKey(s, 'reserve')});
          RAISE;
        END;
        PERFORM pg_advisory_unlock(${advisoryKey(s, 'reserve')});
        RETURN NEXT;
      END
      $fn$;
    `,
  },
  {
    version: 2,
    name: 'chain MACs on events and stream heads',
    // HMAC-SHA-256 under a key held outside the database (authentication.ts); NULL for events written without it
    sql: (s) => `
      ALTER TABLE ${table(s, 'events')} ADD COLUMN mac text;
      ALTER TABLE ${table(s, 'streams')} ADD COLUMN head_mac text;
    `,
    // The history recorded before the key existed is MACed once, here: a migration never runs twice (its record, and
    // the columns it adds, stop a second run), so a writer cannot strip MACs later and have them re-issued.
    then: async (client, s, { chainKey }) => {
      if (chainKey) await authenticateExistingHistory(client, s, chainKey);
    },
  },
];
