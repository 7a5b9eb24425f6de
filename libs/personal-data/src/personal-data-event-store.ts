import { DomainError } from '@tio/kernel';
import type {
  Appended, AppendResult, AuditReads, CheckpointStore, EventStore, ExpectedRevision, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent, StreamVerification, Subscription, SubscriptionOptions,
} from '@tio/event-store';
import { decryptValue, encryptValue, isEnvelope, type DataKey } from './envelope';
import type { KeyStore } from './key-store';
import { hasPersonalFields, mapPersonalFields } from './policy';

/** New personal data for a case (or person) whose key was destroyed: refused, never recorded in clear or under a new key. */
export class PersonalDataErasedError extends DomainError {
  readonly code = 'personal-data-erased';
  constructor(subjectId: string, erasedAt: string) {
    super(`The personal data of ${subjectId} was erased on ${erasedAt}; nothing personal can be recorded for it any more`, { caseId: subjectId, erasedAt });
  }
}

/** Envelopes whose key row is missing altogether: the key store is not the one these events were written with. */
export class DataKeyMissingError extends Error {
  override readonly name = 'DataKeyMissingError';
}

/** Resolves keys once per subject within one read. `undefined` = destroyed. */
async function keyResolver(keys: KeyStore) {
  const cache = new Map<string, Promise<DataKey | undefined>>();
  return (subjectId: string): Promise<DataKey | undefined> => {
    let found = cache.get(subjectId);
    if (!found) {
      found = keys.keyFor(subjectId).then((lookup) => {
        if (lookup.status === 'active') return lookup.key;
        if (lookup.status === 'erased') return undefined;
        throw new DataKeyMissingError(`events of ${subjectId} are encrypted but the key store has no key or tombstone for it (KEYSTORE_DATABASE_URL points elsewhere?)`);
      });
      cache.set(subjectId, found);
    }
    return found;
  };
}

/**
 * A recorded event with its personal fields decrypted, or `"[erased]"` where the key has been destroyed. The
 * event's hash and revision are those of the stored (encrypted) form, so hash-chain verification is unaffected.
 */
export async function decryptRecordedEvents(events: RecordedEvent[], keys: KeyStore): Promise<RecordedEvent[]> {
  if (!events.some((e) => hasPersonalFields(e.type))) return events;
  const keyOf = await keyResolver(keys);
  const out: RecordedEvent[] = [];
  for (const event of events) {
    if (!hasPersonalFields(event.type)) {
      out.push(event);
      continue;
    }
    const subjectId = event.metadata.caseId;
    const pending: Array<Promise<DataKey | undefined>> = [];
    mapPersonalFields(event.type, event.data, (v) => {
      if (isEnvelope(v)) pending.push(keyOf(subjectId));
      return v;
    });
    if (pending.length === 0) {
      out.push(event); // written before encryption was introduced, or nothing personal in it
      continue;
    }
    const key = await pending[0];
    out.push({ ...event, data: mapPersonalFields(event.type, event.data, (v) => (isEnvelope(v) ? decryptValue(v, key, subjectId) : v)) });
  }
  return out;
}

/**
 * Encrypts the personal fields of new events (`PERSONAL_FIELDS`) with the case's data key, made on first use; the
 * stored payloads, and so everything the forwarder publishes from them, hold only envelopes.
 */
export async function encryptNewEvents(events: NewEvent[], keys: KeyStore): Promise<NewEvent[]> {
  const out: NewEvent[] = [];
  const keyBySubject = new Map<string, DataKey>();
  for (const event of events) {
    if (!hasPersonalFields(event.type)) {
      out.push(event);
      continue;
    }
    const subjectId = event.metadata.caseId;
    let present = false;
    mapPersonalFields(event.type, event.data, (v) => {
      if (v !== undefined && v !== null) present = true;
      return v;
    });
    if (!present) {
      out.push(event);
      continue;
    }
    let key = keyBySubject.get(subjectId);
    if (!key) {
      const lookup = await keys.keyFor(subjectId, { create: true });
      if (lookup.status === 'erased') throw new PersonalDataErasedError(subjectId, lookup.tombstone.erasedAt);
      if (lookup.status !== 'active') throw new DataKeyMissingError(`no data key could be made for ${subjectId}`);
      key = lookup.key;
      keyBySubject.set(subjectId, key);
    }
    const k = key;
    out.push({ ...event, data: mapPersonalFields(event.type, event.data, (v) => (v === undefined || v === null ? v : encryptValue(v, k, subjectId))) });
  }
  return out;
}

/**
 * The event store a service's command handlers use: appends encrypt personal fields, `readStream` (what aggregates
 * and deciders load) decrypts them. `readAll` and `subscribe` give the stored form unchanged: they feed the
 * forwarder, which must publish envelopes only. `verifyStream` checks the chain over the stored form, so it keeps
 * verifying after erasure. Everything else is the inner store's.
 */
export class PersonalDataEventStore implements EventStore {
  constructor(
    readonly inner: EventStore,
    readonly keys: KeyStore,
  ) {}

  /** The inner store's checkpoint store (the forwarder keeps its position there). */
  get checkpoints(): CheckpointStore {
    return this.inner.checkpoints;
  }

  /** The inner store's audit reads, in the stored (encrypted) form: the audit decrypts with its own key store. */
  get audit(): AuditReads {
    return this.inner.audit;
  }

  async appendToStream(streamName: string, events: NewEvent[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult> {
    return this.inner.appendToStream(streamName, await encryptNewEvents(events, this.keys), options);
  }

  async readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return decryptRecordedEvents(await this.inner.readStream(streamName, options), this.keys);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  subscribe(options: SubscriptionOptions): Subscription {
    return this.inner.subscribe(options);
  }

  onAppended(listener: (appended: Appended) => void, options?: { category?: string }): () => void {
    return this.inner.onAppended(listener, options);
  }

  verifyStream(streamName: string): Promise<StreamVerification> {
    return this.inner.verifyStream(streamName);
  }

  async close(): Promise<void> {
    await this.inner.close();
  }
}

/** One stored personal value for display: decrypted, "[erased]" after erasure, anything else as it is. */
export async function revealValue(value: unknown, subjectId: string, keys: KeyStore): Promise<unknown> {
  if (!isEnvelope(value)) return value;
  const lookup = await keys.keyFor(subjectId);
  return decryptValue(value, lookup.status === 'active' ? lookup.key : undefined, subjectId);
}
