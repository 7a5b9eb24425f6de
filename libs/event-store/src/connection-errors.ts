import type { Pool } from 'pg';

/**
 * Failures of the database connection itself (PostgreSQL restarting, network cut): no fault of the message, so
 * consumers retry them without limit instead of dead-lettering, and HTTP answers 503 instead of 500.
 */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (typeof e?.code === 'string' && (/^08/.test(e.code) || ['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(e.code))) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect|the database system is (starting up|shutting down)/i.test(e?.message ?? '');
}

/**
 * A pool whose connections may die (PostgreSQL restarting): an idle client's error is emitted on the pool, a checked
 * out client's on the client, and without listeners either ends the process. With them the pool drops the client
 * and the next query connects anew. `onLost` is told (for a log line); default silent.
 */
export function survivePostgresRestarts(pool: Pool, onLost: (err: Error, when: 'idle' | 'in use') => void = () => undefined): Pool {
  pool.on('error', (err) => onLost(err, 'idle'));
  pool.on('connect', (client) => void client.on('error', (err) => onLost(err, 'in use')));
  return pool;
}
