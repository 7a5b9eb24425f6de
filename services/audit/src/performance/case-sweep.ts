import type { CaseSweepFilter } from '@tio/event-store';
import { compareEvents } from '../history/merge';
import type { SourcedEvent, StoreReader } from '../stores/store-reader';

export interface CaseEvents {
  caseId: string;
  /** The case's events from every store, in the history order: recordedAt, store name, global position. */
  events: SourcedEvent[];
}

/**
 * Every case in every store, one case at a time: per store the event store port's case sweep (on PostgreSQL one
 * server-side cursor in a consistent snapshot) ordered by case id, merged across stores by case id. Only the events
 * the measures read are fetched (MEASURED_EVENTS).
 */
export async function* sweepCases(readers: StoreReader[], batchSize = 2000): AsyncGenerator<CaseEvents> {
  const iterators = readers.map((r) => casesOfStore(r, batchSize)[Symbol.asyncIterator]());
  try {
    const heads = await Promise.all(iterators.map((it) => it.next()));
    for (;;) {
      let min: string | undefined;
      for (const h of heads) if (!h.done && (min === undefined || h.value.caseId < min)) min = h.value.caseId;
      if (min === undefined) return;
      const events: SourcedEvent[] = [];
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i] as IteratorResult<CaseEvents>;
        if (!h.done && h.value.caseId === min) {
          events.push(...h.value.events);
          heads[i] = await (iterators[i] as AsyncIterator<CaseEvents>).next();
        }
      }
      events.sort(compareEvents);
      yield { caseId: min, events };
    }
  } finally {
    await Promise.allSettled(iterators.map((it) => it.return?.(undefined)));
  }
}

/** What the measures read: the EHC case events and agency events that name an advice request (who gave the advice). */
export const MEASURED_EVENTS: CaseSweepFilter = { typePrefixes: ['ehc.'], dataKeys: ['adviceRequestId'] };

function casesOfStore(reader: StoreReader, batchSize: number): AsyncGenerator<CaseEvents> {
  return reader.cases(MEASURED_EVENTS, batchSize);
}
