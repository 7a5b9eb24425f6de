import { integrationEvents } from '@tio/contracts';
import { Inject, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import type { Principal } from '@tio/auth';
import type { AccessLog } from '@tio/service-kit';
import { CaseReplay, type AsOfSummary } from './as-of/case-replay';
import type { TransferAudit } from './as-of/transfers';
import { compareWithTimeline, type DriftReport, type TimelineSource } from './drift/drift';
import { toEntry, type HistoryEntry } from './history/entry';
import { INTEGRITY_ANCHORS } from './integrity/anchors';
import { verifyStores, type IntegrityAnchors, type IntegrityReport } from './integrity/integrity';
import { AuditSources } from './stores/audit-sources';
import type { SourcedEvent } from './stores/store-reader';

export const AUDIT_SOURCES = Symbol('AUDIT_SOURCES');
export const TIMELINE_SOURCE = Symbol('TIMELINE_SOURCE');
export const ACCESS_LOG = Symbol('ACCESS_LOG');

export interface WhyStep {
  /** 0 = the event asked about; each next step is what caused the previous one. */
  depth: number;
  entry?: HistoryEntry;
  /** A cause that is not a stored event (a command, a request, an inbound message id). */
  external?: { causationId: string };
}

export interface WhyAnswer {
  caseId: string;
  eventId: string;
  correlationId: string;
  /** From the event back to its root cause. */
  chain: WhyStep[];
  /** Every event of the case in the same correlation (the same piece of work), in history order. */
  sameCorrelation: Array<Pick<HistoryEntry, 'position' | 'eventId' | 'type' | 'source' | 'recordedAt'>>;
}

const MAX_CAUSATION_DEPTH = 100;

/** Replays cases from the event stores. Every read of a case goes through `recordAccess` first. */
@Injectable()
export class AuditService {
  constructor(
    @Inject(AUDIT_SOURCES) private readonly sources: AuditSources,
    @Inject(TIMELINE_SOURCE) private readonly timeline: TimelineSource | null,
    @Inject(ACCESS_LOG) readonly accessLog: AccessLog,
    @Inject(INTEGRITY_ANCHORS) private readonly anchors: IntegrityAnchors,
  ) {}

  async recordAccess(principal: Principal, action: string, caseId: string | null, detail: Record<string, unknown> = {}): Promise<void> {
    await this.accessLog.record({
      userId: principal.userId, organisationId: principal.organisationId, agency: principal.agency, roles: [...principal.roles], action, caseId, detail,
    });
  }

  async history(caseId: string, at?: string): Promise<HistoryEntry[]> {
    const events = await this.sources.historyArray(caseId, at ? { at } : {});
    return events.map((e, i) => toEntry(e, i + 1));
  }

  async historyOrNotFound(caseId: string, at?: string): Promise<HistoryEntry[]> {
    const entries = await this.history(caseId, at);
    if (entries.length === 0 && !at) throw new NotFoundException(`no event store holds any event of case ${caseId}`);
    return entries;
  }

  async why(caseId: string, eventId: string): Promise<WhyAnswer> {
    const history = await this.history(caseId);
    const byId = new Map(history.map((e) => [e.eventId, e]));
    const start = byId.get(eventId);
    if (!start) throw new NotFoundException(`event ${eventId} is not part of case ${caseId}`);
    const chain: WhyStep[] = [{ depth: 0, entry: start }];
    const seen = new Set([eventId]);
    let current: HistoryEntry = start;
    while (current.causationId && chain.length <= MAX_CAUSATION_DEPTH) {
      const cause = current.causationId;
      if (seen.has(cause)) break; // a cycle cannot happen in a sound store; stop rather than loop
      seen.add(cause);
      let next = byId.get(cause);
      if (!next) {
        const elsewhere: SourcedEvent | undefined = await this.sources.findEvent(cause);
        if (elsewhere) next = toEntry(elsewhere, 0);
      }
      if (!next) {
        chain.push({ depth: chain.length, external: { causationId: cause } });
        break;
      }
      chain.push({ depth: chain.length, entry: next });
      current = next;
    }
    const sameCorrelation = history
      .filter((e) => e.correlationId === start.correlationId)
      .map((e) => ({ position: e.position, eventId: e.eventId, type: e.type, source: e.source, recordedAt: e.recordedAt }));
    return { caseId, eventId, correlationId: start.correlationId, chain, sameCorrelation };
  }

  /** Replays every event recorded at or before `at` (streamed, folded one by one). */
  async asOf(caseId: string, at: string): Promise<AsOfSummary> {
    const replay = new CaseReplay(caseId);
    for await (const batch of this.sources.history(caseId, { at })) for (const e of batch) replay.apply(e);
    return replay.summary(at);
  }

  /** What was true on `businessDate` as far as is known now: every event recorded by now whose fact happened by that day. */
  async asOfBusinessDate(caseId: string, businessDate: string): Promise<AsOfSummary> {
    const knownAt = new Date().toISOString();
    const replay = new CaseReplay(caseId, businessDate);
    for await (const batch of this.sources.history(caseId, { at: knownAt })) for (const e of batch) replay.apply(e);
    return replay.summary(knownAt);
  }

  async transfers(caseId: string, at = new Date().toISOString()): Promise<TransferAudit[]> {
    return (await this.asOf(caseId, at)).transfers;
  }

  integrity(caseId?: string): Promise<IntegrityReport> {
    return verifyStores(this.sources.readers, this.anchors, caseId);
  }

  async drift(caseId: string): Promise<DriftReport> {
    if (!this.timeline) throw new ServiceUnavailableException('the drift check needs the timeline database: set AUDIT_TIMELINE_DATABASE_URL');
    const [events, rows] = await Promise.all([this.sources.historyArray(caseId), this.timeline.entries(caseId)]);
    // only what the services publish reaches the timeline; a service's internal streams (e.g. the case's transfer
    // register) are in the history, not in the comparison
    return compareWithTimeline(caseId, events.filter((e) => integrationEvents.forStoredType(e.type) !== undefined), rows);
  }

  get storeNames(): string[] {
    return this.sources.names;
  }
}
