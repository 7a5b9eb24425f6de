import { Inject, Injectable } from '@nestjs/common';
import { TimelineQueries, type CaseChanges, type ChangesRequest } from '../read-model/timeline.queries';

/**
 * Cases per statement. A consumer batch touches a few dozen cases at most; only a wake of every feed (a rebuild swap,
 * a LISTEN reconnect) asks for more, and this bounds what one result holds (each case reads up to a page).
 */
const MAX_CASES = 100;

interface Pending {
  request: ChangesRequest;
  resolve: (changes: CaseChanges) => void;
  reject: (err: unknown) => void;
}

/**
 * Coalesces the live feeds' reads: those asked in one turn of the event loop are answered by ONE statement
 * (TimelineQueries.changesAfter). A consumer batch NOTIFYs every case it changed in its transaction, PostgreSQL
 * delivers them together at commit, and the change notifier wakes each case's feed synchronously, so every feed the
 * batch woke asks in the same turn. The flush runs on setImmediate: after this turn's I/O callbacks and their promise
 * jobs, before any timer, so a lone notification is read as soon as it was when each feed read on its own.
 */
@Injectable()
export class CaseChangesBatcher {
  private pending: Pending[] = [];
  /** Statements made, for tests: one per turn with reads (more only past MAX_CASES). */
  statements = 0;

  constructor(@Inject(TimelineQueries) private readonly queries: TimelineQueries) {}

  read(request: ChangesRequest): Promise<CaseChanges> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ request, resolve, reject });
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    for (let i = 0; i < batch.length; i += MAX_CASES) void this.answer(batch.slice(i, i + MAX_CASES));
  }

  private async answer(batch: Pending[]): Promise<void> {
    this.statements++;
    try {
      const changes = await this.queries.changesAfter(batch.map((p) => p.request));
      batch.forEach((p, i) => p.resolve(changes[i]));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
