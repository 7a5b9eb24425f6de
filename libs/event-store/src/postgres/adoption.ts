import type { PoolClient } from 'pg';
import { eventMac, headMac } from '../authentication';
import { defined } from '../defined';

const BATCH = 5000;

/**
 * MACs every event and stream head already stored, inside the migration that adds the MAC columns (so exactly
 * once per store, when it is first opened with the chain key). What was stored before is trusted as it stands
 * (trust on first use): whatever was altered before this moment is only caught by its hash chain, as before.
 */
export async function authenticateExistingHistory(client: PoolClient, schema: string, key: Buffer): Promise<void> {
  const events = `"${schema}"."events"`;
  const streams = `"${schema}"."streams"`;
  let after = '0';
  for (;;) {
    const { rows } = await client.query<{ global_position: string; stream_name: string; revision: string; hash: string }>(
      `SELECT global_position, stream_name, revision, hash FROM ${events} WHERE global_position > $1::bigint ORDER BY global_position LIMIT ${BATCH}`,
      [after],
    );
    if (rows.length === 0) break;
    await client.query(
      `UPDATE ${events} e SET mac = x.mac FROM unnest($1::bigint[], $2::text[]) AS x(position, mac) WHERE e.global_position = x.position`,
      [rows.map((r) => r.global_position), rows.map((r) => eventMac(key, r.stream_name, Number(r.revision), r.hash))],
    );
    after = defined(rows[rows.length - 1], 'last row').global_position;
  }
  const { rows: heads } = await client.query<{ stream_name: string; revision: string; last_hash: string | null }>(
    `SELECT stream_name, revision, last_hash FROM ${streams} WHERE revision >= 0`,
  );
  if (heads.length === 0) return;
  await client.query(
    `UPDATE ${streams} s SET head_mac = x.mac FROM unnest($1::text[], $2::text[]) AS x(stream_name, mac) WHERE s.stream_name = x.stream_name`,
    [heads.map((h) => h.stream_name), heads.map((h) => headMac(key, h.stream_name, Number(h.revision), h.last_hash))],
  );
}
