import { loadState } from '@tio/event-sourcing';
import type { EventStore, RecordedEvent } from '@tio/event-store';
import { CaseNotFoundError, ehcCaseDecider, type EhcCaseState } from '@tio/ehc-domain';
import { caseStream } from '../case-aggregate';

/** The case a transfer belongs to; 404 when there is none. */
export async function loadCase(store: EventStore, caseId: string): Promise<EhcCaseState> {
  const { state } = await loadState(store, caseStream(caseId), ehcCaseDecider);
  if (state.status === 'none') throw new CaseNotFoundError(caseId);
  return state;
}

/** Every transfer of a case, oldest first (a scan of the `transfer` category: transfers are few; see README). */
export async function transfersOf(store: EventStore, caseId: string): Promise<Map<string, RecordedEvent[]>> {
  const byStream = new Map<string, RecordedEvent[]>();
  let after: bigint | undefined;
  for (;;) {
    const page = await store.readAll({ category: 'transfer', maxCount: 1000, ...(after === undefined ? {} : { after }) });
    for (const e of page) {
      if (e.metadata.caseId !== caseId) continue;
      const list = byStream.get(e.streamName) ?? [];
      list.push(e);
      byStream.set(e.streamName, list);
    }
    if (page.length < 1000) return byStream;
    after = page[page.length - 1].globalPosition;
  }
}
