import {
  EHC_EVENT_TYPES, evolve, initialState, localAuthorityOn, statutoryStatus, type EhcCaseState, type EhcEvent, type StatutoryStatus,
} from '@tio/ehc-domain';
import type { SourcedEvent } from '../stores/store-reader';
import { foldTransfers, isTransferEvent, type TransferAudit, TransferFolder } from './transfers';

const EHC_TYPES = new Set<string>(EHC_EVENT_TYPES.map((t) => t.type));

/** The calendar date in England of an instant: statutory limits run in English calendar days. */
export function englishDate(at: string | Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(at));
}

export interface AdviceView {
  adviceRequestId: string;
  adviceType: string;
  agency: string;
  requestedOn: string;
  dueOn: string;
  answeredOn?: string;
  adviceId?: string;
  version?: number;
  reused?: boolean;
}

/**
 * The two readings of "as of". `recorded`: what had been recorded by an instant (every event recorded at or before it,
 * whatever day its fact happened). `business-date`: what was true on a calendar day as far as is known now (every event
 * recorded by now whose fact happened on or before that day in England; a transfer recorded late still counts from its
 * own date).
 */
export type AsOfReading = 'recorded' | 'business-date';

export const READING_MEANING: Record<AsOfReading, (on: string) => string> = {
  recorded: (at) => `What had been recorded by ${at}: every event recorded at or before that instant, replayed; facts recorded later are not shown, even if they happened earlier.`,
  'business-date': (day) => `What was true on ${day} as far as is known now: every event recorded so far whose fact happened on or before that day (in England), replayed; the statutory clock is read on that day.`,
};

/** The case as its events described it at `at`. */
export interface AsOfSummary {
  caseId: string;
  /** Which reading this answer is (see `AsOfReading`), and what it means in words. */
  reading: AsOfReading;
  meaning: string;
  /** `recorded`: the instant asked about. `business-date`: the day asked about. */
  recordedAt?: string;
  businessDate?: string;
  /** The instant of knowledge: events recorded at or before it were read (`recorded`: the instant asked about; `business-date`: now). */
  at: string;
  /** The day in England the statutory clock is evaluated on (`business-date`: the day asked about). */
  asOfDate: string;
  /** `business-date`: events recorded by `at` whose fact happened after `businessDate`, not replayed. */
  eventsAfterBusinessDate?: number;
  eventsReplayed: number;
  lastEvent?: { eventId: string; type: string; source: string; recordedAt: string };
  bySource: Record<string, number>;
  byType: Record<string, number>;
  /** `ehc-domain`: the case decider's evolve and the statutory clock from @tio/ehc-domain were applied. */
  interpretedWith: 'ehc-domain';
  case: {
    status: EhcCaseState['status'];
    /** The local authority responsible for the case at that moment (changes on a reg 15 transfer). */
    responsibleLocalAuthority?: string;
    requestReceivedOn?: string;
    requestSource?: string;
    assessmentId?: string;
    drafts: number;
    finalPlan?: EhcCaseState['finalPlan'];
    namedSettingRef?: string;
    decisionNotToIssueOn?: string;
    ceased?: EhcCaseState['ceased'];
    exceptions: number;
    tribunalOrders: number;
  };
  adviceHeld: AdviceView[];
  adviceOutstanding: AdviceView[];
  /** Who had to act next, and who was behind, by the statutory clock on that date. */
  responsible: {
    localAuthority?: string;
    next?: { what: string; responsible: string; dueOn: string; regulation: string };
    overdue: Array<{ what: string; responsible: string; dueOn: string; daysLate?: number; regulation: string }>;
  };
  statutory?: StatutoryStatus;
  transfers: TransferAudit[];
  /** Event types no domain model here interprets (agency-internal events, newer versions): counted, not folded. */
  notInterpreted: Record<string, number>;
  /** Events the case model could not fold (inconsistent history); listed, never hidden. */
  replayErrors: Array<{ eventId: string; type: string; error: string }>;
}

/**
 * Folds a case's merged history, one event at a time (so a 100,000-event replay never holds it all), through the EHC
 * case decider's `evolve`, and evaluates the statutory clock on the as-of date. Events of other types are counted.
 */
export class CaseReplay {
  private state: EhcCaseState = initialState();
  private readonly transfers = new TransferFolder();
  private count = 0;
  private last?: SourcedEvent;
  private readonly bySource: Record<string, number> = {};
  private readonly byType: Record<string, number> = {};
  private readonly notInterpreted: Record<string, number> = {};
  private readonly errors: AsOfSummary['replayErrors'] = [];
  private later = 0;

  /** `factsUpTo`: the business-date reading; events whose fact (occurredAt, in England) is after that day are skipped. */
  constructor(
    private readonly caseId: string,
    private readonly factsUpTo?: string,
  ) {}

  apply(e: SourcedEvent): void {
    if (this.factsUpTo !== undefined && englishDate(e.metadata.occurredAt) > this.factsUpTo) {
      this.later++;
      return;
    }
    this.count++;
    this.last = e;
    this.bySource[e.source] = (this.bySource[e.source] ?? 0) + 1;
    this.byType[e.type] = (this.byType[e.type] ?? 0) + 1;
    const transfer = isTransferEvent(e.type);
    if (transfer) this.transfers.apply(e);
    if (EHC_TYPES.has(e.type)) {
      try {
        const next = evolve(this.state, { type: e.type, data: e.data } as EhcEvent);
        if (next) this.state = next;
      } catch (err) {
        this.errors.push({ eventId: e.metadata.eventId, type: e.type, error: err instanceof Error ? err.message : String(err) });
      }
    } else if (!transfer) {
      this.notInterpreted[e.type] = (this.notInterpreted[e.type] ?? 0) + 1;
    }
  }

  get eventsReplayed(): number {
    return this.count;
  }

  /** `at`: the instant of knowledge. The business-date reading evaluates the clock on its day, the recorded one on `at`'s. */
  summary(at: string): AsOfSummary {
    const s = this.state;
    const businessDate = this.factsUpTo;
    const asOfDate = businessDate ?? englishDate(at);
    const reading: AsOfReading = businessDate !== undefined ? 'business-date' : 'recorded';
    const responsibleLa = s.status !== 'none' ? localAuthorityOn(s, asOfDate) : s.localAuthority;
    const statutory = s.status !== 'none' && s.requestReceivedOn ? statutoryStatus(s, asOfDate) : undefined;
    const advice: AdviceView[] = Object.values(s.adviceRequests)
      .filter((r) => !!r)
      .map((r) => ({
        adviceRequestId: r.adviceRequestId, adviceType: r.adviceType, agency: r.agency, requestedOn: r.requestedOn, dueOn: r.dueOn,
        ...(r.current ? { answeredOn: r.current.receivedOn, adviceId: r.current.adviceId, version: r.current.version, reused: r.current.reused } : {}),
      }))
      .sort((a, b) => (a.requestedOn + a.adviceRequestId < b.requestedOn + b.adviceRequestId ? -1 : 1));
    const reusedWithoutRequest: AdviceView[] = Object.values(s.reusedAdvice)
      .filter((r) => !r.adviceRequestId)
      .map((r) => ({ adviceRequestId: '', adviceType: r.adviceType, agency: r.agency, requestedOn: r.agreedOn, dueOn: r.agreedOn, answeredOn: r.agreedOn, adviceId: r.adviceId, version: r.version, reused: true }));
    const last = this.last;
    return {
      caseId: this.caseId,
      reading,
      meaning: READING_MEANING[reading](businessDate ?? at),
      ...(businessDate !== undefined ? { businessDate, eventsAfterBusinessDate: this.later } : { recordedAt: at }),
      at,
      asOfDate,
      eventsReplayed: this.count,
      ...(last ? { lastEvent: { eventId: last.metadata.eventId, type: last.type, source: last.source, recordedAt: last.metadata.recordedAt } } : {}),
      bySource: { ...this.bySource },
      byType: { ...this.byType },
      interpretedWith: 'ehc-domain',
      case: {
        status: s.status,
        ...(responsibleLa ? { responsibleLocalAuthority: responsibleLa } : {}),
        ...(s.requestReceivedOn ? { requestReceivedOn: s.requestReceivedOn } : {}),
        ...(s.source ? { requestSource: s.source } : {}),
        ...(s.assessmentId ? { assessmentId: s.assessmentId } : {}),
        drafts: s.drafts.length,
        ...(s.finalPlan ? { finalPlan: s.finalPlan } : {}),
        ...(s.namedSettingRef ? { namedSettingRef: s.namedSettingRef } : {}),
        ...(s.decisionNotToIssueOn ? { decisionNotToIssueOn: s.decisionNotToIssueOn } : {}),
        ...(s.ceased ? { ceased: s.ceased } : {}),
        exceptions: s.exceptions.length,
        tribunalOrders: Object.keys(s.tribunalOrders).length,
      },
      adviceHeld: [...advice.filter((a) => a.answeredOn), ...reusedWithoutRequest],
      adviceOutstanding: advice.filter((a) => !a.answeredOn),
      responsible: {
        ...(responsibleLa ? { localAuthority: responsibleLa } : {}),
        ...(statutory?.next ? { next: { what: statutory.next.what, responsible: statutory.next.responsible, dueOn: statutory.next.dueOn, regulation: statutory.next.regulation } } : {}),
        overdue: (statutory?.overdue ?? []).map((d) => ({ what: d.what, responsible: d.responsible, dueOn: d.dueOn, regulation: d.regulation, ...(d.daysLate !== undefined ? { daysLate: d.daysLate } : {}) })),
      },
      ...(statutory ? { statutory } : {}),
      transfers: foldTransfers(this.transfers, businessDate ?? at),
      notInterpreted: { ...this.notInterpreted },
      replayErrors: [...this.errors],
    };
  }
}
