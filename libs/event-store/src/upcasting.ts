import type { RecordedEvent } from './port';

/** Turns `type` at `fromVersion` into the shape of version `fromVersion + 1`. Pure; must not throw for valid data. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- upcasters are registered for heterogeneous types
export interface Upcaster<TFrom = any, TTo = unknown> {
  type: string;
  fromVersion: number;
  upcast(data: TFrom, event: RecordedEvent<TFrom>): TTo;
}

/**
 * Upcasters registered per (type, fromVersion), applied on read in a chain (v1 -> v2 -> v3 ...) until no
 * upcaster matches. History is never rewritten: the stored event, and its hash, keep the original version.
 */
export class UpcasterRegistry {
  private readonly byKey = new Map<string, Upcaster>();

  constructor(upcasters: Iterable<Upcaster> = []) {
    for (const u of upcasters) this.register(u);
  }

  register(upcaster: Upcaster): this {
    if (!Number.isInteger(upcaster.fromVersion) || upcaster.fromVersion < 1) {
      throw new Error(`Upcaster for ${upcaster.type}: fromVersion must be an integer >= 1`);
    }
    const key = `${upcaster.type}@${upcaster.fromVersion}`;
    if (this.byKey.has(key)) throw new Error(`An upcaster for ${key} is already registered`);
    this.byKey.set(key, upcaster);
    return this;
  }

  get size(): number {
    return this.byKey.size;
  }

  apply<T = unknown>(event: RecordedEvent): RecordedEvent<T> {
    let current = event;
    for (;;) {
      const upcaster = this.byKey.get(`${current.type}@${current.schemaVersion}`);
      if (!upcaster) return current as RecordedEvent<T>;
      current = { ...current, data: upcaster.upcast(current.data, current), schemaVersion: current.schemaVersion + 1 };
    }
  }
}
