import { Client } from 'pg';
import { waitFor } from './waiting';

export interface HeldAppends {
  /** Waits until `count` appends are blocked on the lock (polls PostgreSQL; no timing assumption). */
  blocked(count: number): Promise<void>;
  /** Lets the blocked appends go on. */
  release(): Promise<void>;
}

/**
 * Holds every append to a service's event store (`event_store.events`) while reads go on: a request that reaches its
 * append waits there until `release()`. Makes "a second request while the first is still in flight" deterministic.
 */
export async function holdEventAppends(databaseUrl: string): Promise<HeldAppends> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'tio-test-hold-appends' });
  await client.connect();
  await client.query('BEGIN');
  // SHARE ROW EXCLUSIVE conflicts with the inserts' ROW EXCLUSIVE, not with the reads' ACCESS SHARE
  await client.query('LOCK TABLE event_store.events IN SHARE ROW EXCLUSIVE MODE');
  const blockedNow = async () => {
    // inside the transaction the activity view is a snapshot taken at its first read: take a fresh one each time
    await client.query('SELECT pg_stat_clear_snapshot()');
    return (await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%append_events%' AND pid <> pg_backend_pid()`,
    )).rows[0].n;
  };
  return {
    blocked: async (count) => {
      await waitFor(`${count} appends blocked`, async () => (await blockedNow()) >= count);
    },
    release: async () => {
      await client.query('COMMIT');
      await client.end();
    },
  };
}
