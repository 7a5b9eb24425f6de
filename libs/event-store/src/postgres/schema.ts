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
  {
    version: 3,
    name: 'append in one round trip (append_events)',
    // The whole append as one call (see append.ts for the client's side and README.md, "An append"). Hashes and MACs
    // come from the client, which holds the chain key; they were computed on the head the client assumed
    // (p_assumed_revision, p_assumed_hash), so the function writes only if that is still the head, and otherwise
    // answers with the head it found, having written nothing. Outcomes: 'appended'; 'stored' (some of the ids are
    // stored already: the stored rows, for the client to tell a retry from a conflict); 'wrong_expected_revision';
    // 'stale_head' (recompute on the head returned and call again). Positions are reserved first, as in every
    // append (reserve_positions); p_reserved passes back the ones an earlier call of the same transaction took.
    sql: (s) => `
      CREATE FUNCTION ${table(s, 'append_events')}(
        p_stream_name text, p_category text, p_expected text, p_assumed_revision bigint, p_assumed_hash text,
        p_event_ids uuid[], p_types text[], p_schema_versions integer[], p_data text[], p_metadata text[],
        p_hashes text[], p_macs text[], p_head_mac text, p_recorded_at timestamptz, p_reserved bigint[])
        RETURNS TABLE (outcome text, revision bigint, last_hash text, positions bigint[], existing json)
        LANGUAGE plpgsql AS $fn$
      #variable_conflict use_column
      DECLARE
        n constant integer := cardinality(p_event_ids);
        v_xid xid8;
        v_positions bigint[] := p_reserved;
        v_revision bigint;
        v_hash text;
        v_exists boolean;
        v_stored json;
      BEGIN
        IF v_positions IS NULL THEN
          SELECT r.transaction_id, r.positions INTO v_xid, v_positions FROM ${table(s, 'reserve_positions')}(n) AS r;
        ELSE
          v_xid := pg_current_xact_id();
        END IF;
        LOOP
          SELECT st.revision, st.last_hash INTO v_revision, v_hash
            FROM ${table(s, 'streams')} AS st WHERE st.stream_name = p_stream_name FOR UPDATE;
          v_exists := FOUND;
          IF NOT v_exists THEN
            v_revision := -1;
            v_hash := NULL;
          END IF;
          -- with the stream locked, a committed retry of this append is visible
          SELECT json_agg(json_build_object(
                   'event_id', e.event_id, 'stream_name', e.stream_name, 'revision', e.revision,
                   'global_position', e.global_position::text, 'type', e.type, 'schema_version', e.schema_version,
                   'data', e.data, 'metadata', e.metadata) ORDER BY e.global_position)
            INTO v_stored
            FROM ${table(s, 'events')} AS e WHERE e.event_id = ANY (p_event_ids);
          IF v_stored IS NOT NULL THEN
            RETURN QUERY SELECT 'stored'::text, v_revision, v_hash, NULL::bigint[], v_stored;
            RETURN;
          END IF;
          IF NOT (p_expected = 'any' OR (p_expected = 'no_stream' AND v_revision = -1)
                  OR (p_expected = 'stream_exists' AND v_revision >= 0) OR p_expected = v_revision::text) THEN
            RETURN QUERY SELECT 'wrong_expected_revision'::text, v_revision, v_hash, v_positions, NULL::json;
            RETURN;
          END IF;
          IF v_revision <> p_assumed_revision OR v_hash IS DISTINCT FROM p_assumed_hash THEN
            RETURN QUERY SELECT 'stale_head'::text, v_revision, v_hash, v_positions, NULL::json;
            RETURN;
          END IF;
          IF v_exists THEN
            UPDATE ${table(s, 'streams')} SET revision = v_revision + n, last_hash = p_hashes[n], head_mac = p_head_mac, updated_at = now()
             WHERE stream_name = p_stream_name;
            EXIT;
          END IF;
          INSERT INTO ${table(s, 'streams')} AS st (stream_name, category, revision, last_hash, head_mac)
            VALUES (p_stream_name, p_category, n - 1, p_hashes[n], p_head_mac)
            ON CONFLICT (stream_name) DO NOTHING;
          EXIT WHEN FOUND;
          -- a concurrent append created the stream since we looked (and has committed): look again
        END LOOP;
        INSERT INTO ${table(s, 'events')}
          (global_position, transaction_id, event_id, stream_name, category, revision, type, schema_version, data,
           metadata, hash, previous_hash, recorded_at, mac)
        SELECT x.p, v_xid, x.e, p_stream_name, p_category, v_revision + x.i, x.t, x.v, x.d::jsonb, x.m::jsonb, x.h,
               CASE WHEN x.i = 1 THEN v_hash ELSE p_hashes[x.i - 1] END, p_recorded_at, x.mc
          FROM unnest(ARRAY(SELECT q FROM unnest(v_positions) AS q ORDER BY q), p_event_ids, p_types, p_schema_versions,
                      p_data, p_metadata, p_hashes, p_macs) WITH ORDINALITY AS x(p, e, t, v, d, m, h, mc, i);
        RETURN QUERY SELECT 'appended'::text, v_revision + n, p_hashes[n], v_positions, NULL::json;
      END
      $fn$;
    `,
  },
  {
    version: 4,
    name: 'append_events: fast path when the assumed head is the head',
    // Same contract as version 3, less work per append (each step below measured as a large share of the call):
    //  - the positions are reserved inline, without reserve_positions' exception block (a subtransaction per append).
    //    The advisory lock is held over two statements that cannot fail in practice; if one ever did (a cancelled
    //    statement), the client discards the connection (postgres-event-store.ts, failAppend), ending its session and
    //    with it the lock;
    //  - when the client's assumed head is the stream's head and the expected revision allows it, one UPDATE (or, for
    //    a new stream, one INSERT) both checks and moves the head: no separate row lock and no lookup of the event
    //    ids first. A retry of a stored append then fails on the events' unique event id and the client judges it
    //    (findPreviousAppend), as when two appends race; nothing is written either way;
    //  - anything else takes the version 3 path, which answers with the outcome.
    sql: (s) => `
      CREATE OR REPLACE FUNCTION ${table(s, 'append_events')}(
        p_stream_name text, p_category text, p_expected text, p_assumed_revision bigint, p_assumed_hash text,
        p_event_ids uuid[], p_types text[], p_schema_versions integer[], p_data text[], p_metadata text[],
        p_hashes text[], p_macs text[], p_head_mac text, p_recorded_at timestamptz, p_reserved bigint[])
        RETURNS TABLE (outcome text, revision bigint, last_hash text, positions bigint[], existing json)
        LANGUAGE plpgsql AS $fn$
      #variable_conflict use_column
      DECLARE
        n constant integer := cardinality(p_event_ids);
        v_xid xid8;
        v_positions bigint[] := p_reserved;
        v_revision bigint;
        v_hash text;
        v_exists boolean;
        v_stored json;
        v_fast boolean := false;
      BEGIN
        IF v_positions IS NULL THEN
          -- the transaction id and the positions together: see reserve_positions (version 1) and README.md
          PERFORM pg_advisory_lock(${advisoryKey(s, 'reserve')});
          v_xid := pg_current_xact_id();
          v_positions := ARRAY(SELECT nextval('${s}.events_global_position_seq') FROM generate_series(1, n));
          PERFORM pg_advisory_unlock(${advisoryKey(s, 'reserve')});
        ELSE
          v_xid := pg_current_xact_id();
        END IF;
        v_positions := ARRAY(SELECT q FROM unnest(v_positions) AS q ORDER BY q);

        IF p_assumed_revision >= 0 AND p_assumed_hash IS NOT NULL
           AND (p_expected IN ('any', 'stream_exists') OR p_expected = p_assumed_revision::text) THEN
          UPDATE ${table(s, 'streams')} AS st
             SET revision = p_assumed_revision + n, last_hash = p_hashes[n], head_mac = p_head_mac, updated_at = now()
           WHERE st.stream_name = p_stream_name AND st.revision = p_assumed_revision AND st.last_hash = p_assumed_hash;
          v_fast := FOUND;
        ELSIF p_assumed_revision = -1 AND p_expected IN ('any', 'no_stream') THEN
          INSERT INTO ${table(s, 'streams')} AS st (stream_name, category, revision, last_hash, head_mac)
            VALUES (p_stream_name, p_category, n - 1, p_hashes[n], p_head_mac)
            ON CONFLICT (stream_name) DO NOTHING;
          v_fast := FOUND;
        END IF;
        IF v_fast THEN
          v_revision := p_assumed_revision;
          v_hash := p_assumed_hash;
        ELSE
          LOOP
            SELECT st.revision, st.last_hash INTO v_revision, v_hash
              FROM ${table(s, 'streams')} AS st WHERE st.stream_name = p_stream_name FOR UPDATE;
            v_exists := FOUND;
            IF NOT v_exists THEN
              v_revision := -1;
              v_hash := NULL;
            END IF;
            -- with the stream locked, a committed retry of this append is visible
            SELECT json_agg(json_build_object(
                     'event_id', e.event_id, 'stream_name', e.stream_name, 'revision', e.revision,
                     'global_position', e.global_position::text, 'type', e.type, 'schema_version', e.schema_version,
                     'data', e.data, 'metadata', e.metadata) ORDER BY e.global_position)
              INTO v_stored
              FROM ${table(s, 'events')} AS e WHERE e.event_id = ANY (p_event_ids);
            IF v_stored IS NOT NULL THEN
              RETURN QUERY SELECT 'stored'::text, v_revision, v_hash, NULL::bigint[], v_stored;
              RETURN;
            END IF;
            IF NOT (p_expected = 'any' OR (p_expected = 'no_stream' AND v_revision = -1)
                    OR (p_expected = 'stream_exists' AND v_revision >= 0) OR p_expected = v_revision::text) THEN
              RETURN QUERY SELECT 'wrong_expected_revision'::text, v_revision, v_hash, v_positions, NULL::json;
              RETURN;
            END IF;
            IF v_revision <> p_assumed_revision OR v_hash IS DISTINCT FROM p_assumed_hash THEN
              RETURN QUERY SELECT 'stale_head'::text, v_revision, v_hash, v_positions, NULL::json;
              RETURN;
            END IF;
            IF v_exists THEN
              UPDATE ${table(s, 'streams')} SET revision = v_revision + n, last_hash = p_hashes[n], head_mac = p_head_mac, updated_at = now()
               WHERE stream_name = p_stream_name;
              EXIT;
            END IF;
            INSERT INTO ${table(s, 'streams')} AS st (stream_name, category, revision, last_hash, head_mac)
              VALUES (p_stream_name, p_category, n - 1, p_hashes[n], p_head_mac)
              ON CONFLICT (stream_name) DO NOTHING;
            EXIT WHEN FOUND;
            -- a concurrent append created the stream since we looked (and has committed): look again
          END LOOP;
        END IF;
        INSERT INTO ${table(s, 'events')}
          (global_position, transaction_id, event_id, stream_name, category, revision, type, schema_version, data,
           metadata, hash, previous_hash, recorded_at, mac)
        SELECT x.p, v_xid, x.e, p_stream_name, p_category, v_revision + x.i, x.t, x.v, x.d::jsonb, x.m::jsonb, x.h,
               CASE WHEN x.i = 1 THEN v_hash ELSE p_hashes[x.i - 1] END, p_recorded_at, x.mc
          FROM unnest(v_positions, p_event_ids, p_types, p_schema_versions, p_data, p_metadata, p_hashes, p_macs)
               WITH ORDINALITY AS x(p, e, t, v, d, m, h, mc, i);
        RETURN QUERY SELECT 'appended'::text, v_revision + n, p_hashes[n], v_positions, NULL::json;
      END
      $fn$;
    `,
  },
  {
    version: 5,
    name: 'events: no foreign key to streams (append_events writes the stream row first)',
    // The foreign key re-checked every event row against the stream row (an index probe and a row lock per event,
    // about half the cost of inserting a 10-event batch), a row that append_events has just inserted or updated in
    // the same statement. Events are only written by append_events, so the check proved nothing the function does
    // not already guarantee.
    sql: (s) => `
      ALTER TABLE ${table(s, 'events')} DROP CONSTRAINT IF EXISTS events_stream_name_fkey;
    `,
  },
  {
    version: 6,
    name: 'append_events: fewer statements per call',
    // Version 4 with the same behaviour and fewer executor runs per call (measured: each is a visible share of a
    // one-event append): positions taken in a loop of plain assignments, already ascending (no sort), and the outcome
    // returned through the output columns rather than by a query.
    sql: (s) => `
      CREATE OR REPLACE FUNCTION ${table(s, 'append_events')}(
        p_stream_name text, p_category text, p_expected text, p_assumed_revision bigint, p_assumed_hash text,
        p_event_ids uuid[], p_types text[], p_schema_versions integer[], p_data text[], p_metadata text[],
        p_hashes text[], p_macs text[], p_head_mac text, p_recorded_at timestamptz, p_reserved bigint[])
        RETURNS TABLE (outcome text, revision bigint, last_hash text, positions bigint[], existing json)
        LANGUAGE plpgsql AS $fn$
      #variable_conflict use_column
      DECLARE
        n constant integer := cardinality(p_event_ids);
        v_xid xid8;
        v_positions bigint[] := p_reserved;
        v_revision bigint;
        v_hash text;
        v_exists boolean;
        v_stored json;
        v_fast boolean := false;
      BEGIN
        IF v_positions IS NULL THEN
          -- the transaction id and the positions together: see reserve_positions (version 1) and README.md
          PERFORM pg_advisory_lock(${advisoryKey(s, 'reserve')});
          v_xid := pg_current_xact_id();
          FOR i IN 1..n LOOP
            v_positions[i] := nextval('${s}.events_global_position_seq');
          END LOOP;
          PERFORM pg_advisory_unlock(${advisoryKey(s, 'reserve')});
        ELSE
          v_xid := pg_current_xact_id();
        END IF;

        IF p_assumed_revision >= 0 AND p_assumed_hash IS NOT NULL
           AND (p_expected IN ('any', 'stream_exists') OR p_expected = p_assumed_revision::text) THEN
          UPDATE ${table(s, 'streams')} AS st
             SET revision = p_assumed_revision + n, last_hash = p_hashes[n], head_mac = p_head_mac, updated_at = now()
           WHERE st.stream_name = p_stream_name AND st.revision = p_assumed_revision AND st.last_hash = p_assumed_hash;
          v_fast := FOUND;
        ELSIF p_assumed_revision = -1 AND p_expected IN ('any', 'no_stream') THEN
          INSERT INTO ${table(s, 'streams')} AS st (stream_name, category, revision, last_hash, head_mac)
            VALUES (p_stream_name, p_category, n - 1, p_hashes[n], p_head_mac)
            ON CONFLICT (stream_name) DO NOTHING;
          v_fast := FOUND;
        END IF;
        IF v_fast THEN
          v_revision := p_assumed_revision;
          v_hash := p_assumed_hash;
        ELSE
          LOOP
            SELECT st.revision, st.last_hash INTO v_revision, v_hash
              FROM ${table(s, 'streams')} AS st WHERE st.stream_name = p_stream_name FOR UPDATE;
            v_exists := FOUND;
            IF NOT v_exists THEN
              v_revision := -1;
              v_hash := NULL;
            END IF;
            -- with the stream locked, a committed retry of this append is visible
            SELECT json_agg(json_build_object(
                     'event_id', e.event_id, 'stream_name', e.stream_name, 'revision', e.revision,
                     'global_position', e.global_position::text, 'type', e.type, 'schema_version', e.schema_version,
                     'data', e.data, 'metadata', e.metadata) ORDER BY e.global_position)
              INTO v_stored
              FROM ${table(s, 'events')} AS e WHERE e.event_id = ANY (p_event_ids);
            IF v_stored IS NOT NULL THEN
              outcome := 'stored'; revision := v_revision; last_hash := v_hash; existing := v_stored;
              RETURN NEXT;
              RETURN;
            END IF;
            IF NOT (p_expected = 'any' OR (p_expected = 'no_stream' AND v_revision = -1)
                    OR (p_expected = 'stream_exists' AND v_revision >= 0) OR p_expected = v_revision::text) THEN
              outcome := 'wrong_expected_revision'; revision := v_revision; last_hash := v_hash; positions := v_positions;
              RETURN NEXT;
              RETURN;
            END IF;
            IF v_revision <> p_assumed_revision OR v_hash IS DISTINCT FROM p_assumed_hash THEN
              outcome := 'stale_head'; revision := v_revision; last_hash := v_hash; positions := v_positions;
              RETURN NEXT;
              RETURN;
            END IF;
            IF v_exists THEN
              UPDATE ${table(s, 'streams')} SET revision = v_revision + n, last_hash = p_hashes[n], head_mac = p_head_mac, updated_at = now()
               WHERE stream_name = p_stream_name;
              EXIT;
            END IF;
            INSERT INTO ${table(s, 'streams')} AS st (stream_name, category, revision, last_hash, head_mac)
              VALUES (p_stream_name, p_category, n - 1, p_hashes[n], p_head_mac)
              ON CONFLICT (stream_name) DO NOTHING;
            EXIT WHEN FOUND;
            -- a concurrent append created the stream since we looked (and has committed): look again
          END LOOP;
        END IF;
        INSERT INTO ${table(s, 'events')}
          (global_position, transaction_id, event_id, stream_name, category, revision, type, schema_version, data,
           metadata, hash, previous_hash, recorded_at, mac)
        SELECT x.p, v_xid, x.e, p_stream_name, p_category, v_revision + x.i, x.t, x.v, x.d::jsonb, x.m::jsonb, x.h,
               CASE WHEN x.i = 1 THEN v_hash ELSE p_hashes[x.i - 1] END, p_recorded_at, x.mc
          FROM unnest(v_positions, p_event_ids, p_types, p_schema_versions, p_data, p_metadata, p_hashes, p_macs)
               WITH ORDINALITY AS x(p, e, t, v, d, m, h, mc, i);
        outcome := 'appended'; revision := v_revision + n; last_hash := p_hashes[n]; positions := v_positions;
        RETURN NEXT;
      END
      $fn$;
    `,
  },
  {
    version: 7,
    name: 'append_events with data and metadata as JSON arrays',
    // Version 6 with each batch's data and metadata passed as one JSON array each (the client joins the canonical
    // documents; no text[] literal to escape and parse, one jsonb parse per array) and a plain INSERT for one event.
    // A new overload, not a replacement: processes still running the previous release keep calling the text[] one.
    sql: (s) => `
      CREATE FUNCTION ${table(s, 'append_events')}(
        p_stream_name text, p_category text, p_expected text, p_assumed_revision bigint, p_assumed_hash text,
        p_event_ids uuid[], p_types text[], p_schema_versions integer[], p_data jsonb, p_metadata jsonb,
        p_hashes text[], p_macs text[], p_head_mac text, p_recorded_at timestamptz, p_reserved bigint[])
        RETURNS TABLE (outcome text, revision bigint, last_hash text, positions bigint[], existing json)
        LANGUAGE plpgsql AS $fn$
      #variable_conflict use_column
      DECLARE
        n constant integer := cardinality(p_event_ids);
        v_xid xid8;
        v_positions bigint[] := p_reserved;
        v_revision bigint;
        v_hash text;
        v_exists boolean;
        v_stored json;
        v_fast boolean := false;
      BEGIN
        IF v_positions IS NULL THEN
          -- the transaction id and the positions together: see reserve_positions (version 1) and README.md
          PERFORM pg_advisory_lock(${advisoryKey(s, 'reserve')});
          v_xid := pg_current_xact_id();
          FOR i IN 1..n LOOP
            v_positions[i] := nextval('${s}.events_global_position_seq');
          END LOOP;
          PERFORM pg_advisory_unlock(${advisoryKey(s, 'reserve')});
        ELSE
          v_xid := pg_current_xact_id();
        END IF;

        IF p_assumed_revision >= 0 AND p_assumed_hash IS NOT NULL
           AND (p_expected IN ('any', 'stream_exists') OR p_expected = p_assumed_revision::text) THEN
          UPDATE ${table(s, 'streams')} AS st
             SET revision = p_assumed_revision + n, last_hash = p_hashes[n], head_mac = p_head_mac, updated_at = now()
           WHERE st.stream_name = p_stream_name AND st.revision = p_assumed_revision AND st.last_hash = p_assumed_hash;
          v_fast := FOUND;
        ELSIF p_assumed_revision = -1 AND p_expected IN ('any', 'no_stream') THEN
          INSERT INTO ${table(s, 'streams')} AS st (stream_name, category, revision, last_hash, head_mac)
            VALUES (p_stream_name, p_category, n - 1, p_hashes[n], p_head_mac)
            ON CONFLICT (stream_name) DO NOTHING;
          v_fast := FOUND;
        END IF;
        IF v_fast THEN
          v_revision := p_assumed_revision;
          v_hash := p_assumed_hash;
        ELSE
          LOOP
            SELECT st.revision, st.last_hash INTO v_revision, v_hash
              FROM ${table(s, 'streams')} AS st WHERE st.stream_name = p_stream_name FOR UPDATE;
            v_exists := FOUND;
            IF NOT v_exists THEN
              v_revision := -1;
              v_hash := NULL;
            END IF;
            -- with the stream locked, a committed retry of this append is visible
            SELECT json_agg(json_build_object(
                     'event_id', e.event_id, 'stream_name', e.stream_name, 'revision', e.revision,
                     'global_position', e.global_position::text, 'type', e.type, 'schema_version', e.schema_version,
                     'data', e.data, 'metadata', e.metadata) ORDER BY e.global_position)
              INTO v_stored
              FROM ${table(s, 'events')} AS e WHERE e.event_id = ANY (p_event_ids);
            IF v_stored IS NOT NULL THEN
              outcome := 'stored'; revision := v_revision; last_hash := v_hash; existing := v_stored;
              RETURN NEXT;
              RETURN;
            END IF;
            IF NOT (p_expected = 'any' OR (p_expected = 'no_stream' AND v_revision = -1)
                    OR (p_expected = 'stream_exists' AND v_revision >= 0) OR p_expected = v_revision::text) THEN
              outcome := 'wrong_expected_revision'; revision := v_revision; last_hash := v_hash; positions := v_positions;
              RETURN NEXT;
              RETURN;
            END IF;
            IF v_revision <> p_assumed_revision OR v_hash IS DISTINCT FROM p_assumed_hash THEN
              outcome := 'stale_head'; revision := v_revision; last_hash := v_hash; positions := v_positions;
              RETURN NEXT;
              RETURN;
            END IF;
            IF v_exists THEN
              UPDATE ${table(s, 'streams')} SET revision = v_revision + n, last_hash = p_hashes[n], head_mac = p_head_mac, updated_at = now()
               WHERE stream_name = p_stream_name;
              EXIT;
            END IF;
            INSERT INTO ${table(s, 'streams')} AS st (stream_name, category, revision, last_hash, head_mac)
              VALUES (p_stream_name, p_category, n - 1, p_hashes[n], p_head_mac)
              ON CONFLICT (stream_name) DO NOTHING;
            EXIT WHEN FOUND;
            -- a concurrent append created the stream since we looked (and has committed): look again
          END LOOP;
        END IF;
        IF n = 1 THEN
          INSERT INTO ${table(s, 'events')}
            (global_position, transaction_id, event_id, stream_name, category, revision, type, schema_version, data,
             metadata, hash, previous_hash, recorded_at, mac)
          VALUES (v_positions[1], v_xid, p_event_ids[1], p_stream_name, p_category, v_revision + 1, p_types[1],
                  p_schema_versions[1], p_data -> 0, p_metadata -> 0, p_hashes[1], v_hash, p_recorded_at, p_macs[1]);
        ELSE
          INSERT INTO ${table(s, 'events')}
            (global_position, transaction_id, event_id, stream_name, category, revision, type, schema_version, data,
             metadata, hash, previous_hash, recorded_at, mac)
          SELECT x.p, v_xid, x.e, p_stream_name, p_category, v_revision + x.i, x.t, x.v, p_data -> (x.i::integer - 1),
                 p_metadata -> (x.i::integer - 1), x.h, CASE WHEN x.i = 1 THEN v_hash ELSE p_hashes[x.i - 1] END,
                 p_recorded_at, x.mc
            FROM unnest(v_positions, p_event_ids, p_types, p_schema_versions, p_hashes, p_macs)
                 WITH ORDINALITY AS x(p, e, t, v, h, mc, i);
        END IF;
        outcome := 'appended'; revision := v_revision + n; last_hash := p_hashes[n]; positions := v_positions;
        RETURN NEXT;
      END
      $fn$;
    `,
  },
];
