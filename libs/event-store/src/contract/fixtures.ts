import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../port';

/** A fresh lowercase category per test keeps tests on a shared database out of each other's way. */
export function uniqueCategory(prefix = 't'): string {
  return `${prefix}${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

export function uniqueStream(category = uniqueCategory()): string {
  return `${category}-${randomUUID()}`;
}

export function newEvent(type = 'CaseNoteAdded', data: unknown = { note: 'hello' }, overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    type,
    data,
    schemaVersion: 1,
    metadata: {
      eventId: randomUUID(),
      caseId: 'case-0001',
      occurredAt: '2025-01-15T09:30:00.000Z',
      actor: { userId: 'u-1', organisationId: 'org-la-1', agency: 'local-authority', role: 'send-officer' },
      correlationId: randomUUID(),
    },
    ...overrides,
  };
}

export function events(n: number, type = 'CaseNoteAdded'): NewEvent[] {
  return Array.from({ length: n }, (_, i) => newEvent(type, { n: i }));
}

export async function eventually<T>(probe: () => Promise<T> | T, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
