import {
  adviceChecklist, EHC_EVENT_TYPES, evolve, initialState, isAfter, isBefore, statutoryStatus,
  type Deadline, type EhcCaseState, type EhcEvent, type IsoDate,
} from '@tio/ehc-domain';

/**
 * Statutory performance measures (SEN2 and the local strategies), computed from events, never stored.
 *
 * Every case is replayed with `@tio/ehc-domain`'s `evolve`; timeliness comes from the domain's own clock
 * (`statutoryStatus(state, asOf)`: its deadline statuses and `sen2` facts), evaluated on `asOf` (the report date, by
 * default today in England), so a figure agrees with what practitioners see on their case pages that day.
 * Definitions of the period and of each measure are in the README ("Statutory performance").
 */

const EHC_TYPES = new Set<string>(EHC_EVENT_TYPES.map((t) => t.type));

/** What the measures need of a stored event (a `SourcedEvent` fits). */
export interface MeasureEvent {
  type: string;
  data: unknown;
  metadata: { actor?: { organisationId?: string; agency?: string } };
}

export interface PerformanceOptions {
  from: IsoDate;
  to: IsoDate;
  /** The day the clock is evaluated on (default: today in England). Facts dated after it are ignored. */
  asOf: IsoDate;
  /** Only items attributed to this local authority (GSS code). */
  localAuthority?: string;
}

/** Outcome of one statutory step against its time limit, from the domain's deadline status on `asOf`. */
export type StepOutcome = 'within' | 'late' | 'overdue' | 'pending' | 'excepted-open' | 'lapsed';

export interface DeadlineMeasure {
  /** Every item in the period (done in it, or fell due in it without being done). */
  items: number;
  /** Done on or before the due date (deadline status `met`). */
  within: number;
  /** Done after the due date (`late`). */
  late: number;
  /** Not done, past due, no exception (`overdue`). */
  overdue: number;
  /** Not done, not yet due on `asOf` (`open`). Not in the denominator. */
  pending: number;
  /** Items a recorded exception applies to (any outcome). */
  exceptions: number;
  /** Past due, not done, limit lifted by an exception (`open` with exception). In the denominator of `percentWithin` only. */
  exceptedOpen: number;
  /** within / (within + late + overdue + exceptedOpen); null with no such items. */
  percentWithin: number | null;
  /** The same, leaving out items an exception applies to. */
  percentWithinExcludingExceptions: number | null;
}

export interface PlanTimeliness {
  /** Final plans issued in the period (SEN2: new plans). */
  issued: number;
  /** Issued within 20 weeks (140 days) of the request (`sen2.withinTwentyWeeks`). */
  within: number;
  percentWithin: number | null;
  /** Issued plans with a reg 13(3) exception recorded (`sen2.exceptionApplies`). */
  exceptionCases: number;
  issuedExcludingExceptions: number;
  withinExcludingExceptions: number;
  percentWithinExcludingExceptions: number | null;
  /**
   * Plans made under a tribunal order to assess or to make a plan (reg 44/45): their limits run from the order or the
   * LA's notice to the Tribunal, not from the request, so they are counted here, apart from every figure above.
   */
  tribunalOrdered: number;
}

export interface Counts {
  requests: number;
  requestsBySource: Record<string, number>;
  refusalsToAssess: number;
  plansIssued: number;
  plansCeased: number;
  plansCeasedByReason: Record<string, number>;
  transfersIn: number;
  transfersOut: number;
  /** Appeals registered by the First-tier Tribunal (SEND) in the period (CFA 2014 s.51), by the decision appealed. */
  appealsRegistered: number;
  appealsRegisteredByDecision: Record<string, number>;
  /** Mediations held in the period (CFA 2014 s.55; reg 37), by outcome. */
  mediationsHeld: number;
  mediationsHeldByOutcome: Record<string, number>;
  /** Requests for reassessment received in the period (CFA 2014 s.44(2); reg 24), by who asked. */
  reassessmentsRequested: number;
  reassessmentsRequestedBy: Record<string, number>;
  /** Decisions in the period not to reassess (appealable, s.51(2)(d)). */
  reassessmentsRefused: number;
  /** Personal budgets agreed in the period (CFA 2014 s.49), and how many of them have each arrangement (direct payment, notional, third party). */
  personalBudgetsAgreed: number;
  personalBudgetsAgreedByArrangement: Record<string, number>;
  /** Personal budgets refused in the period (with reasons), and direct payments asked for and refused, by ground (Personal Budgets Regulations reg 5-6). */
  personalBudgetsRefused: number;
  directPaymentsRefusedByGround: Record<string, number>;
  /** First drafts after an assessment issued in the period (regs 6(1), 11-13). */
  draftsIssued: number;
  /** ... with every reg 6(1) item that applies received or re-used by agreement (reg 6(4)). */
  draftsWithAllAdvice: number;
  /** ... after the LA recorded going on without advice it sought (reg 8(1): the adviser's 6 weeks were over; reg 8(2)(c); 6(1)(a)). */
  draftsWithAdviceNotAwaited: number;
}

export interface PerformanceReport {
  period: { from: IsoDate; to: IsoDate };
  asOf: IsoDate;
  localAuthority?: string;
  casesReplayed: number;
  finalPlansWithin20Weeks: { overall: PlanTimeliness; byLocalAuthority: Record<string, PlanTimeliness> };
  adviceWithin6Weeks: {
    overall: DeadlineMeasure;
    /**
     * Reported separately by the duty behind the 6 weeks (reg 8(1)): `statutory` for the bodies asked under CFA 2014
     * s.31 (health, other LAs, youth offending teams), `expected-standard` for schools, the EP service and the LA's own
     * social care. The family's own views are not reg 8 advice and are in no advice figure.
     */
    byDuty: Record<'statutory' | 'expected-standard', DeadlineMeasure>;
    byAgency: Record<string, DeadlineMeasure>;
    byOrganisation: Record<string, DeadlineMeasure & { agency: string }>;
  };
  decisionsWithin6Weeks: { overall: DeadlineMeasure; byLocalAuthority: Record<string, DeadlineMeasure> };
  /**
   * Reassessments (regs 24-27), by the day each fell due or was done, for the LA responsible now: the decision whether
   * to reassess within 15 days of the request (reg 25(1)), the amended plan within 14 weeks of the decision (reg 27(2)).
   */
  reassessments: { decisionsWithin15Days: DeadlineMeasure; amendedPlansWithin14Weeks: DeadlineMeasure };
  counts: Counts & { byLocalAuthority: Record<string, Counts> };
  /** Cases whose events the case model could not fold (listed, never hidden). */
  replayErrors: Array<{ caseId: string; type: string; error: string }>;
}

export const REFERENCE = {
  /** Staffordshire's 2020 strategy target for plans within 20 weeks. */
  target: { percent: 80, label: 'Staffordshire target (2020)' },
  /** National share of new plans issued within 20 weeks, calendar year 2024, excluding exception cases (DfE SEN2). */
  national: { percent: 46.4, label: 'England 2024 (calendar year, excluding exceptions)' },
} as const;

const pct = (n: number, d: number): number | null => (d === 0 ? null : Math.round((n / d) * 1000) / 10);
const inPeriod = (d: IsoDate | undefined, o: PerformanceOptions): d is IsoDate => !!d && !isBefore(d, o.from) && !isAfter(d, o.to);

function emptyDeadline(): DeadlineMeasure {
  return { items: 0, within: 0, late: 0, overdue: 0, pending: 0, exceptions: 0, exceptedOpen: 0, percentWithin: null, percentWithinExcludingExceptions: null };
}
function emptyPlan(): PlanTimeliness {
  return { issued: 0, within: 0, percentWithin: null, exceptionCases: 0, issuedExcludingExceptions: 0, withinExcludingExceptions: 0, percentWithinExcludingExceptions: null, tribunalOrdered: 0 };
}
function emptyCounts(): Counts {
  return {
    requests: 0, requestsBySource: {}, refusalsToAssess: 0, plansIssued: 0, plansCeased: 0, plansCeasedByReason: {}, transfersIn: 0, transfersOut: 0,
    appealsRegistered: 0, appealsRegisteredByDecision: {}, mediationsHeld: 0, mediationsHeldByOutcome: {},
    reassessmentsRequested: 0, reassessmentsRequestedBy: {}, reassessmentsRefused: 0,
    personalBudgetsAgreed: 0, personalBudgetsAgreedByArrangement: {}, personalBudgetsRefused: 0, directPaymentsRefusedByGround: {},
    draftsIssued: 0, draftsWithAllAdvice: 0, draftsWithAdviceNotAwaited: 0,
  };
}

/** The outcome of a domain deadline on `asOf`. */
export function outcomeOf(d: Deadline, asOf: IsoDate): StepOutcome {
  switch (d.status) {
    case 'met': return 'within';
    case 'late': return 'late';
    case 'overdue': return 'overdue';
    case 'lapsed': case 'ended': return 'lapsed';
    case 'open': return d.exceptionApplied && isAfter(asOf, d.dueOn) ? 'excepted-open' : 'pending';
  }
}

/** The date that puts a step in a period: the day it was done, or (not done) the day it fell due. */
export const periodDateOf = (d: Deadline): IsoDate => d.metOn ?? d.dueOn;

interface DeadlineTally { m: DeadlineMeasure; excl: { within: number; due: number } }
const tallies = new WeakMap<DeadlineMeasure, DeadlineTally['excl']>();

function addOutcome(m: DeadlineMeasure, outcome: StepOutcome, exception: boolean): void {
  if (outcome === 'lapsed') return;
  const excl = tallies.get(m) ?? { within: 0, due: 0 };
  tallies.set(m, excl);
  m.items++;
  if (exception) m.exceptions++;
  if (outcome === 'within') m.within++;
  else if (outcome === 'late') m.late++;
  else if (outcome === 'overdue') m.overdue++;
  else if (outcome === 'pending') m.pending++;
  else m.exceptedOpen++;
  const due = outcome !== 'pending';
  if (!exception && due) {
    excl.due++;
    if (outcome === 'within') excl.within++;
  }
  m.percentWithin = pct(m.within, m.within + m.late + m.overdue + m.exceptedOpen);
  m.percentWithinExcludingExceptions = pct(excl.within, excl.due);
}

function addPlan(p: PlanTimeliness, within: boolean, exception: boolean, tribunal: boolean): void {
  if (tribunal) {
    p.tribunalOrdered++;
    return;
  }
  p.issued++;
  if (within) p.within++;
  if (exception) p.exceptionCases++;
  else {
    p.issuedExcludingExceptions++;
    if (within) p.withinExcludingExceptions++;
  }
  p.percentWithin = pct(p.within, p.issued);
  p.percentWithinExcludingExceptions = pct(p.withinExcludingExceptions, p.issuedExcludingExceptions);
}

const bump = (r: Record<string, number>, k: string) => (r[k] = (r[k] ?? 0) + 1);
const get = <T>(r: Record<string, T>, k: string, make: () => T): T => (r[k] ??= make());

/** One case replayed: the state and who was responsible / who gave advice at the moments the measures need. */
interface CaseFacts {
  state: EhcCaseState;
  laAtRequest?: string;
  laAtFirstDecision?: string;
  laAtFinalPlan?: string;
  laAtCease?: string;
  laAtAdviceRequest: Record<string, string>;
  /** Completed reg 15 transfers: from, to, on. */
  transfers: Array<{ from: string; to: string; on: IsoDate }>;
  /** adviceRequestId -> organisation of the adviser (the actor of the agency's own event, else of the event recording it). */
  adviserOrganisation: Record<string, string>;
  /** The first draft after the assessment, with the reg 6(1) advice as it stood (drafts recorded before the rule may lack some). */
  firstDraft?: { issuedOn: IsoDate; la?: string; complete: boolean; notAwaited: boolean };
}

function replayCase(caseId: string, events: Iterable<MeasureEvent>, errors: PerformanceReport['replayErrors']): CaseFacts {
  let s = initialState();
  const f: CaseFacts = { state: s, laAtAdviceRequest: {}, transfers: [], adviserOrganisation: {} };
  const fromAgencyEvents: Record<string, Array<{ agency?: string; organisationId: string }>> = {};
  const fromCaseEvents: Record<string, Array<{ agency?: string; organisationId: string }>> = {};
  for (const e of events) {
    const actor = e.metadata?.actor;
    const data = (e.data ?? {}) as Record<string, unknown>;
    const adviceRequestId = typeof data['adviceRequestId'] === 'string' ? data['adviceRequestId'] : undefined;
    if (adviceRequestId && actor?.organisationId) {
      const into = EHC_TYPES.has(e.type) ? fromCaseEvents : fromAgencyEvents;
      if (e.type !== 'ehc.advice-requested.v1') (into[adviceRequestId] ??= []).push({ agency: actor.agency, organisationId: actor.organisationId });
    }
    if (!EHC_TYPES.has(e.type)) continue;
    try {
      const before = s;
      s = evolve(s, { type: e.type, data: e.data } as EhcEvent);
      switch (e.type) {
        case 'ehc.request-received.v1': f.laAtRequest = s.localAuthority; break;
        case 'ehc.decision-to-assess.v1': if (before.assessmentDecisions.length === 0) f.laAtFirstDecision = s.localAuthority; break;
        case 'ehc.advice-requested.v1': if (adviceRequestId && s.localAuthority) f.laAtAdviceRequest[adviceRequestId] = s.localAuthority; break;
        case 'ehc.final-plan-issued.v1': f.laAtFinalPlan = s.localAuthority; break;
        case 'ehc.draft-plan-issued.v1': {
          if (before.status !== 'assessing' || f.firstDraft) break;
          const advice = adviceChecklist(before);
          f.firstDraft = {
            issuedOn: (data as { issuedOn: IsoDate }).issuedOn, la: s.localAuthority, complete: advice.missing.length === 0,
            notAwaited: advice.items.some((i) => i.status === 'not-awaited'),
          };
          break;
        }
        case 'ehc.plan-ceased.v1': f.laAtCease = s.localAuthority; break;
        case 'ehc.plan-transferred.v1': {
          const d = data as { transferId: string; transferredOn: IsoDate; toLocalAuthority: string };
          const t = before.transfers[d.transferId];
          f.transfers.push({ from: t?.fromLocalAuthority ?? before.localAuthority ?? 'unknown', to: d.toLocalAuthority, on: d.transferredOn });
          break;
        }
      }
    } catch (err) {
      errors.push({ caseId, type: e.type, error: err instanceof Error ? err.message : String(err) });
    }
  }
  f.state = s;
  for (const r of Object.values(s.adviceRequests)) {
    const pick = (list?: Array<{ agency?: string; organisationId: string }>) => list?.find((a) => a.agency === r.agency)?.organisationId;
    f.adviserOrganisation[r.adviceRequestId] = pick(fromAgencyEvents[r.adviceRequestId]) ?? pick(fromCaseEvents[r.adviceRequestId]) ?? `unknown ${r.agency} adviser`;
  }
  return f;
}

/**
 * Accumulates the measures one case at a time (so a sweep of every case never holds them all). Pure: the same events
 * and options give the same report.
 */
export class PerformanceAccumulator {
  private cases = 0;
  private readonly plans = { overall: emptyPlan(), byLocalAuthority: {} as Record<string, PlanTimeliness> };
  private readonly advice = { overall: emptyDeadline(), byDuty: { statutory: emptyDeadline(), 'expected-standard': emptyDeadline() }, byAgency: {} as Record<string, DeadlineMeasure>, byOrganisation: {} as Record<string, DeadlineMeasure & { agency: string }> };
  private readonly decisions = { overall: emptyDeadline(), byLocalAuthority: {} as Record<string, DeadlineMeasure> };
  private readonly reassessments = { decisionsWithin15Days: emptyDeadline(), amendedPlansWithin14Weeks: emptyDeadline() };
  private readonly counts = { ...emptyCounts(), byLocalAuthority: {} as Record<string, Counts> };
  private readonly errors: PerformanceReport['replayErrors'] = [];

  constructor(private readonly o: PerformanceOptions) {
    if (isAfter(o.from, o.to)) throw new RangeError(`from (${o.from}) is after to (${o.to})`);
  }

  private wanted(la: string | undefined): la is string {
    return !!la && (!this.o.localAuthority || this.o.localAuthority === la);
  }
  private countsFor(la: string): Counts {
    return get(this.counts.byLocalAuthority, la, emptyCounts);
  }

  addCase(caseId: string, events: Iterable<MeasureEvent>): void {
    const f = replayCase(caseId, events, this.errors);
    const s = f.state;
    if (s.status === 'none' || !s.requestReceivedOn) return;
    this.cases++;
    const o = this.o;
    const clock = statutoryStatus(s, o.asOf);
    const sen2 = clock.sen2;

    // Requests by source: received in the period; the LA the request was made to.
    if (inPeriod(s.requestReceivedOn, o) && this.wanted(f.laAtRequest)) {
      const source = s.source ?? 'unknown';
      for (const c of [this.counts, this.countsFor(f.laAtRequest)]) {
        c.requests++;
        bump(c.requestsBySource, source);
      }
    }

    // Decisions whether to assess within 6 weeks (reg 5(1)): the first decision, by the day it was made (or fell due).
    const decision = clock.deadlines.find((d) => d.id === 'decision-to-assess');
    const decisionLa = f.laAtFirstDecision ?? s.localAuthority;
    if (decision && inPeriod(periodDateOf(decision), o) && this.wanted(decisionLa)) {
      const outcome = outcomeOf(decision, o.asOf);
      addOutcome(this.decisions.overall, outcome, decision.exceptionApplied);
      addOutcome(get(this.decisions.byLocalAuthority, decisionLa, emptyDeadline), outcome, decision.exceptionApplied);
    }
    // Refusals: every decision not to assess made in the period (on or before asOf).
    for (const d of s.assessmentDecisions) {
      if (d.decision === 'not-assess' && inPeriod(d.decidedOn, o) && !isAfter(d.decidedOn, o.asOf) && this.wanted(decisionLa)) {
        this.counts.refusalsToAssess++;
        this.countsFor(decisionLa).refusalsToAssess++;
      }
    }

    // Advice within 6 weeks (reg 8(1)), per agency and per adviser organisation.
    for (const d of clock.deadlines) {
      if (d.step !== 'advice' || !d.refs?.['adviceRequestId']) continue;
      const duty = d.refs['duty'] as 'statutory' | 'expected-standard' | 'not-applicable' | undefined;
      if (duty === 'not-applicable') continue;
      const id = d.refs['adviceRequestId'];
      const la = f.laAtAdviceRequest[id] ?? s.localAuthority;
      if (!inPeriod(periodDateOf(d), o) || !this.wanted(la)) continue;
      const outcome = outcomeOf(d, o.asOf);
      const agency = d.responsible;
      const org = f.adviserOrganisation[id] ?? `unknown ${agency} adviser`;
      addOutcome(this.advice.overall, outcome, d.exceptionApplied);
      if (duty) addOutcome(this.advice.byDuty[duty], outcome, d.exceptionApplied);
      addOutcome(get(this.advice.byAgency, agency, emptyDeadline), outcome, d.exceptionApplied);
      addOutcome(get(this.advice.byOrganisation, org, () => ({ ...emptyDeadline(), agency })), outcome, d.exceptionApplied);
    }

    // Final plans within 20 weeks (SEN2): plans issued in the period, attributed to the LA that issued them.
    if (sen2?.finalPlanIssuedOn && inPeriod(sen2.finalPlanIssuedOn, o)) {
      const la = f.laAtFinalPlan ?? s.localAuthority;
      if (this.wanted(la)) {
        const within = sen2.withinTwentyWeeks === true;
        addPlan(this.plans.overall, within, sen2.exceptionApplies, sen2.tribunalOrdered);
        addPlan(get(this.plans.byLocalAuthority, la, emptyPlan), within, sen2.exceptionApplies, sen2.tribunalOrdered);
        this.counts.plansIssued++;
        this.countsFor(la).plansIssued++;
      }
    }

    // First drafts and the reg 6(1) advice they had: all received or re-used (reg 6(4)), or some not awaited (reg 8(1)).
    const draft = f.firstDraft;
    if (draft && inPeriod(draft.issuedOn, o) && !isAfter(draft.issuedOn, o.asOf) && this.wanted(draft.la)) {
      for (const c of [this.counts, this.countsFor(draft.la)]) {
        c.draftsIssued++;
        if (draft.complete && !draft.notAwaited) c.draftsWithAllAdvice++;
        if (draft.complete && draft.notAwaited) c.draftsWithAdviceNotAwaited++;
      }
    }

    // Plans ceased, by reason.
    if (s.ceased && inPeriod(s.ceased.ceasedOn, o) && !isAfter(s.ceased.ceasedOn, o.asOf)) {
      const la = f.laAtCease ?? s.localAuthority;
      if (this.wanted(la)) {
        for (const c of [this.counts, this.countsFor(la)]) {
          c.plansCeased++;
          bump(c.plansCeasedByReason, s.ceased.reason);
        }
      }
    }

    // Appeals registered and mediations held in the period, attributed to the LA responsible now (the one that answers them).
    const disputeLa = s.localAuthority;
    if (this.wanted(disputeLa)) {
      for (const a of Object.values(s.appeals ?? {})) {
        if (!inPeriod(a.registeredOn, o) || isAfter(a.registeredOn, o.asOf)) continue;
        for (const c of [this.counts, this.countsFor(disputeLa)]) {
          c.appealsRegistered++;
          bump(c.appealsRegisteredByDecision, a.decision);
        }
      }
      for (const m of Object.values(s.mediations ?? {})) {
        if (!m.held || !inPeriod(m.held.heldOn, o) || isAfter(m.held.heldOn, o.asOf)) continue;
        for (const c of [this.counts, this.countsFor(disputeLa)]) {
          c.mediationsHeld++;
          bump(c.mediationsHeldByOutcome, m.held.outcome);
        }
      }
    }

    // Reassessments (regs 24-27), attributed to the LA responsible now (the one that decides and amends).
    if (this.wanted(disputeLa)) {
      for (const d of clock.deadlines) {
        const measure = d.step === 'reassessment-decision' ? this.reassessments.decisionsWithin15Days : d.step === 'reassessment-final-plan' ? this.reassessments.amendedPlansWithin14Weeks : undefined;
        if (measure && inPeriod(periodDateOf(d), o)) addOutcome(measure, outcomeOf(d, o.asOf), d.exceptionApplied);
      }
      for (const r of Object.values(s.reassessments ?? {})) {
        const counts = [this.counts, this.countsFor(disputeLa)];
        if (inPeriod(r.receivedOn, o) && !isAfter(r.receivedOn, o.asOf)) {
          for (const c of counts) {
            c.reassessmentsRequested++;
            bump(c.reassessmentsRequestedBy, r.requestedBy);
          }
        }
        if (r.decision === 'not-reassess' && inPeriod(r.decidedOn, o) && !isAfter(r.decidedOn as IsoDate, o.asOf)) for (const c of counts) c.reassessmentsRefused++;
      }
    }

    // Personal budgets (CFA 2014 s.49) decided in the period, attributed to the LA responsible now.
    if (this.wanted(disputeLa)) {
      for (const b of Object.values(s.personalBudgets ?? {})) {
        const d = b.decision;
        if (!d || !inPeriod(d.decidedOn, o) || isAfter(d.decidedOn, o.asOf)) continue;
        for (const c of [this.counts, this.countsFor(disputeLa)]) {
          if (d.decision === 'refused') c.personalBudgetsRefused++;
          else {
            c.personalBudgetsAgreed++;
            for (const arrangement of new Set((d.parts ?? []).map((p) => p.arrangement))) bump(c.personalBudgetsAgreedByArrangement, arrangement);
          }
          if (d.directPaymentRefusal) bump(c.directPaymentsRefusedByGround, d.directPaymentRefusal.ground);
        }
      }
    }

    // Transfers in and out (reg 15): completed in the period. Overall (no LA filter) every transfer is one in and one out.
    for (const t of f.transfers) {
      if (!inPeriod(t.on, o) || isAfter(t.on, o.asOf)) continue;
      if (this.wanted(t.from)) {
        this.countsFor(t.from).transfersOut++;
        this.counts.transfersOut++;
      }
      if (this.wanted(t.to)) {
        this.countsFor(t.to).transfersIn++;
        this.counts.transfersIn++;
      }
    }
  }

  result(): PerformanceReport {
    const sortKeys = <T>(r: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const { byLocalAuthority, ...overallCounts } = this.counts;
    return {
      period: { from: this.o.from, to: this.o.to },
      asOf: this.o.asOf,
      ...(this.o.localAuthority ? { localAuthority: this.o.localAuthority } : {}),
      casesReplayed: this.cases,
      finalPlansWithin20Weeks: { overall: { ...this.plans.overall }, byLocalAuthority: sortKeys(this.plans.byLocalAuthority) },
      adviceWithin6Weeks: {
        overall: { ...this.advice.overall }, byDuty: { statutory: { ...this.advice.byDuty.statutory }, 'expected-standard': { ...this.advice.byDuty['expected-standard'] } }, byAgency: sortKeys(this.advice.byAgency), byOrganisation: sortKeys(this.advice.byOrganisation) },
      decisionsWithin6Weeks: { overall: { ...this.decisions.overall }, byLocalAuthority: sortKeys(this.decisions.byLocalAuthority) },
      reassessments: { decisionsWithin15Days: { ...this.reassessments.decisionsWithin15Days }, amendedPlansWithin14Weeks: { ...this.reassessments.amendedPlansWithin14Weeks } },
      counts: {
        ...overallCounts, requestsBySource: sortKeys(overallCounts.requestsBySource), plansCeasedByReason: sortKeys(overallCounts.plansCeasedByReason),
        appealsRegisteredByDecision: sortKeys(overallCounts.appealsRegisteredByDecision), mediationsHeldByOutcome: sortKeys(overallCounts.mediationsHeldByOutcome),
        reassessmentsRequestedBy: sortKeys(overallCounts.reassessmentsRequestedBy), personalBudgetsAgreedByArrangement: sortKeys(overallCounts.personalBudgetsAgreedByArrangement),
        directPaymentsRefusedByGround: sortKeys(overallCounts.directPaymentsRefusedByGround), byLocalAuthority: sortKeys(byLocalAuthority),
      },
      replayErrors: [...this.errors],
    };
  }
}

/** Convenience: the report for cases given as (caseId, events) pairs. */
export function computePerformance(cases: Iterable<{ caseId: string; events: Iterable<MeasureEvent> }>, options: PerformanceOptions): PerformanceReport {
  const acc = new PerformanceAccumulator(options);
  for (const c of cases) acc.addCase(c.caseId, c.events);
  return acc.result();
}
