import type { AuditConfig } from '../config';
import { mergeOrdered } from '../history/merge';
import { StoreReader, type SourcedEvent } from './store-reader';

/** Every configured event store, opened read-only; the merged, deterministic history of a case across them. */
export class AuditSources {
  private constructor(readonly readers: StoreReader[]) {}

  static async open(config: Pick<AuditConfig, 'stores' | 'schema' | 'createCaseIndex'>): Promise<AuditSources> {
    const readers: StoreReader[] = [];
    try {
      for (const source of config.stores) {
        const reader = await StoreReader.open(source, config.schema);
        readers.push(reader);
        if (config.createCaseIndex) await reader.ensureCaseIndex(source.url);
      }
    } catch (err) {
      await Promise.allSettled(readers.map((r) => r.close()));
      throw err;
    }
    return new AuditSources(readers);
  }

  get names(): string[] {
    return this.readers.map((r) => r.name);
  }

  /** The case's events from every store, merged (recordedAt, source, global position), in batches. */
  history(caseId: string, options: { at?: string; batchSize?: number } = {}): AsyncGenerator<SourcedEvent[]> {
    return mergeOrdered(this.readers.map((r) => r.caseEvents(caseId, options)), options.batchSize ?? 1000);
  }

  async historyArray(caseId: string, options: { at?: string } = {}): Promise<SourcedEvent[]> {
    const out: SourcedEvent[] = [];
    for await (const batch of this.history(caseId, options)) for (const e of batch) out.push(e);
    return out;
  }

  async count(caseId: string, at?: string): Promise<number> {
    const counts = await Promise.all(this.readers.map((r) => r.countCaseEvents(caseId, at)));
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Looks an event id up in every store (ids are UUIDs; a store holds each at most once). */
  async findEvent(eventId: string): Promise<SourcedEvent | undefined> {
    for (const r of this.readers) {
      const found = await r.findEvent(eventId);
      if (found) return found;
    }
    return undefined;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.readers.map((r) => r.close()));
  }
}
