import { randomUUID } from 'node:crypto';
import type { NewEvent, PostgresEventStore } from '@tio/event-store';
import { LA_OFFICER, SENCO } from './fixtures';

/**
 * Writes `total` events of one case quickly: through the store's own append (hash chain and all), in batches that
 * the PostgreSQL adapter turns into one multi-row INSERT each. Case-store events go to `case-<id>`'s notes stream,
 * agency ones to one advice stream; returns how many were written per store.
 */
export async function writeBulkCase(stores: Record<string, PostgresEventStore>, caseId: string, total: number, batch = 2000): Promise<Record<string, number>> {
  const names = Object.keys(stores);
  const written: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  const correlationId = randomUUID();
  let i = 0;
  while (i < total) {
    const name = names[(i / batch) % names.length | 0] as string;
    const n = Math.min(batch, total - i);
    const events: NewEvent[] = Array.from({ length: n }, (_, k) => ({
      type: name === 'case' ? 'case.note-recorded.v1' : 'advice.section-updated.v1',
      data: { caseId, seq: i + k, section: 'B', note: `entry ${i + k}`, tags: ['annual-review'] },
      metadata: {
        eventId: randomUUID(), caseId, occurredAt: new Date(Date.UTC(2025, 0, 6) + (i + k) * 1000).toISOString(), correlationId,
        actor: name === 'case' ? LA_OFFICER : SENCO,
      },
    }));
    await stores[name]?.appendToStream(name === 'case' ? `case_notes-${caseId}` : `advice-${caseId}`, events);
    written[name] = (written[name] ?? 0) + n;
    i += n;
  }
  return written;
}
