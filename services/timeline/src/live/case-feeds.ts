import { Inject, Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Principal } from '@tio/auth';
import { isAuditor } from '../access/access.service';
import { CaseChangesQuery, StreamAccessGroundQuery } from '../queries/live-stream';
import type { EntryRow } from '../read-model/timeline.queries';
import { ChangeNotifier } from './notifier';

/** Entries read per statement; a stream further behind is brought up in several. */
const PAGE = 500;

/** One open stream as the feed of its case sees it. */
export interface StreamSink {
  readonly principal: Principal;
  /** The generation the stream's reader has (its resume token's first half); a different one resets the stream. */
  generation: number;
  /** The last arrival the reader has. */
  last: number;
  readonly closed: boolean;
  /** The read model was rebuilt: tell the reader (`event: reset`); its entries are then sent again from the first. */
  reset(generation: number): void;
  /** Entries the reader has not had yet, in arrival order. */
  send(rows: EntryRow[]): void;
  /** The reader's access to the case has ended: end the stream and log it. */
  revoke(): Promise<void>;
  /** The feed could not read: end the stream (the reader resumes with Last-Event-ID). */
  fail(): void;
}

interface Feed {
  caseId: string;
  streams: Set<StreamSink>;
  running: boolean;
  again: boolean;
  unsubscribe: () => void;
}

/**
 * The live side of a case's open streams: one feed per case, woken by the change notifier, reads once per change for
 * every stream of the case (CaseChangesQuery: generation, membership of the streams' organisations and the new
 * entries) and hands each stream the entries it has not had. A change costs one read whatever the number of streams
 * on the case, instead of four queries per stream; wakes during a read coalesce into one more read. The reads of the
 * feeds woken together (the cases of one consumer batch) are made by one statement (CaseChangesBatcher).
 *
 * Each stream still gets every entry once, in arrival order, and nothing after its reader's access ended: an auditor
 * or a member organisation reads on; any other reader (an agency-wide grant) is asked about by StreamAccessGroundQuery
 * before it is sent anything more, as before.
 */
@Injectable()
export class CaseFeeds {
  private readonly feeds = new Map<string, Feed>();
  /** Reads made (CaseChangesQuery), for tests and metrics: at most one per change and per join. */
  reads = 0;

  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(ChangeNotifier) private readonly notifier: ChangeNotifier,
  ) {}

  /** Adds a stream to its case's feed and brings it up to date; returns what removes it. */
  join(caseId: string, stream: StreamSink): () => void {
    let feed = this.feeds.get(caseId);
    if (!feed) {
      const created: Feed = { caseId, streams: new Set(), running: false, again: false, unsubscribe: () => undefined };
      created.unsubscribe = this.notifier.subscribe(caseId, () => void this.pump(created));
      this.feeds.set(caseId, created);
      feed = created;
    }
    feed.streams.add(stream);
    void this.pump(feed);
    const joined = feed;
    return () => {
      joined.streams.delete(stream);
      if (joined.streams.size === 0 && this.feeds.get(caseId) === joined) {
        joined.unsubscribe();
        this.feeds.delete(caseId);
      }
    };
  }

  /** Open feeds (cases with at least one stream). */
  get size(): number {
    return this.feeds.size;
  }

  private async pump(feed: Feed): Promise<void> {
    if (feed.running) return void (feed.again = true);
    feed.running = true;
    try {
      do {
        feed.again = false;
        for (;;) {
          const open = [...feed.streams].filter((s) => !s.closed);
          if (open.length === 0) break;
          const after = Math.min(...open.map((s) => s.last));
          const organisations = [...new Set(open.filter((s) => !isAuditor(s.principal)).map((s) => s.principal.organisationId))];
          this.reads++;
          const { generation, members, rows } = await this.queries.execute(new CaseChangesQuery(feed.caseId, after, organisations));
          let behind = false;
          for (const stream of open) {
            if (stream.closed) continue;
            if (stream.generation !== generation) {
              stream.generation = generation;
              stream.last = 0;
              stream.reset(generation);
              behind = true; // its entries are read again from the first
              continue;
            }
            const fresh = rows.filter((r) => r.arrival > stream.last);
            if (fresh.length === 0) continue;
            // nothing more once the reader's access has ended (e.g. the agency-wide grant closed by this very entry)
            if (!(await this.maySee(stream, members, feed.caseId))) {
              await stream.revoke();
              continue;
            }
            if (stream.closed) continue;
            stream.send(fresh);
            stream.last = fresh[fresh.length - 1].arrival;
          }
          if (rows.length < PAGE && !behind) break;
        }
      } while (feed.again);
    } catch {
      for (const stream of feed.streams) if (!stream.closed) stream.fail();
    } finally {
      feed.running = false;
    }
  }

  private async maySee(stream: StreamSink, members: string[], caseId: string): Promise<boolean> {
    if (isAuditor(stream.principal) || members.includes(stream.principal.organisationId)) return true;
    return !!(await this.queries.execute(new StreamAccessGroundQuery(stream.principal, caseId)));
  }
}
