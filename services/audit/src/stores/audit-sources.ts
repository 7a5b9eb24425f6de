import { decryptRecordedEvents, keyStoreSettings, masterKeyFrom, PostgresKeyStore, type KeyStore } from '@tio/personal-data';
import type { AuditConfig } from '../config';
import { mergeOrdered } from '../history/merge';
import { StoreReader, type SourcedEvent } from './store-reader';

/**
 * The key store of the per-case data keys, when the audit is given one (KEYSTORE_DATABASE_URL and TIO_MASTER_KEY):
 * histories then show personal fields in clear, or "[erased]" once a case's key is destroyed. Without it they show
 * the stored envelopes. Verification never needs it: hash chains are over the stored (encrypted) form.
 */
export async function auditKeyStore(env: NodeJS.ProcessEnv = process.env): Promise<KeyStore | undefined> {
  if (!env['KEYSTORE_DATABASE_URL']) return undefined;
  return PostgresKeyStore.create({ ...keyStoreSettings(env), masterKey: masterKeyFrom(env), poolSize: 2 });
}

/** Every configured event store, opened read-only; the merged, deterministic history of a case across them. */
export class AuditSources {
  private constructor(
    readonly readers: StoreReader[],
    private readonly keys?: KeyStore,
  ) {}

  static async open(config: Pick<AuditConfig, 'stores' | 'schema' | 'createCaseIndex'>, keys?: KeyStore): Promise<AuditSources> {
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
    return new AuditSources(readers, keys);
  }

  get names(): string[] {
    return this.readers.map((r) => r.name);
  }

  /** The case's events from every store, merged (recordedAt, source, global position), in batches. */
  history(caseId: string, options: { at?: string; batchSize?: number } = {}): AsyncGenerator<SourcedEvent[]> {
    return this.decrypted(mergeOrdered(this.readers.map((r) => r.caseEvents(caseId, options)), options.batchSize ?? 1000));
  }

  private async *decrypted(batches: AsyncGenerator<SourcedEvent[]>): AsyncGenerator<SourcedEvent[]> {
    for await (const batch of batches) yield this.keys ? ((await decryptRecordedEvents(batch, this.keys)) as SourcedEvent[]) : batch;
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
      if (found) return this.keys ? ((await decryptRecordedEvents([found], this.keys))[0] as SourcedEvent) : found;
    }
    return undefined;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.readers.map((r) => r.close()), this.keys?.close()]);
  }
}
