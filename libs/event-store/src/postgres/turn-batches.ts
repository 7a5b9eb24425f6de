/**
 * Collects what callers ask for during one turn of the event loop and hands it on at the end of the turn
 * (`setImmediate`), in groups of at most `limit` that hold each key at most once. What is asked for alone goes on
 * alone, one turn later than it would have.
 */
export class TurnBatches<T> {
  private pending: T[] = [];
  private scheduled = false;

  constructor(
    private readonly limit: number,
    private readonly keyOf: (item: T) => string,
    private readonly send: (group: T[]) => void,
  ) {}

  add(item: T): void {
    this.pending.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const items = this.pending;
    this.pending = [];
    const groups: { keys: Set<string>; items: T[] }[] = [];
    for (const item of items) {
      const key = this.keyOf(item);
      let group = groups.find((g) => g.items.length < this.limit && !g.keys.has(key));
      if (!group) groups.push((group = { keys: new Set(), items: [] }));
      group.keys.add(key);
      group.items.push(item);
    }
    for (const group of groups) this.send(group.items);
  }
}
