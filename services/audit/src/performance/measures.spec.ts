import { addDays, ehcCaseDecider, type EhcCaseState, type EhcCommand } from '@tio/ehc-domain';
import { computePerformance, PerformanceAccumulator, type MeasureEvent } from './measures';

/** Builds a case's events with the real decider; each event carries the actor who recorded it. */
class Case {
  state: EhcCaseState = ehcCaseDecider.initialState();
  readonly events: MeasureEvent[] = [];
  constructor(readonly caseId: string) {}
  run(at: string, command: Record<string, unknown>, actor = LA): this {
    for (const e of ehcCaseDecider.decide({ ...command, caseId: this.caseId, at } as EhcCommand, this.state)) {
      this.state = ehcCaseDecider.evolve(this.state, e);
      this.events.push({ type: e.type, data: e.data, metadata: { actor } });
    }
    return this;
  }
  /** An agency service's own event about an advice request (the adviser's organisation is its actor). */
  agency(type: string, data: Record<string, unknown>, actor: { organisationId: string; agency: string }): this {
    this.events.push({ type, data: { caseId: this.caseId, ...data }, metadata: { actor } });
    return this;
  }
  request(on: string, o: { la?: string; source?: string } = {}): this {
    return this.run(on, { type: 'ReceiveRequest', childRef: `child-${this.caseId}`, localAuthority: o.la ?? LA_CODE, source: o.source ?? 'parent', requestedBy: { role: 'parent' } });
  }
  assess(on: string): this {
    return this.run(on, { type: 'DecideToAssess', assessmentId: `asmt-${this.caseId}` });
  }
  /**
   * reg 6(1): what a draft needs, on `on`: the scope, (b)-(e) re-used by agreement (reg 6(4)) and the family's views
   * asked for; the views received (an advice event) or, with `declined`, recorded as not awaited (reg 6(1)(a)).
   */
  adviceForDraft(on: string, o: { declined?: boolean } = {}): this {
    this.run(on, { type: 'RecordAdviceScope', inOrBeyondYear9: false, visionOrHearingImpaired: false });
    for (const [adviceType, agency] of [['educational', 'education'], ['medical', 'health'], ['psychological', 'education'], ['social-care', 'social-care']]) {
      this.run(on, { type: 'ReuseAdvice', reuseId: `reuse-${adviceType}`, adviceType, agency, adviceId: `earlier-${adviceType}`, version: 1, agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true } });
    }
    this.run(on, { type: 'RequestAdvice', adviceRequestId: 'views', adviceType: 'parent-views', agency: 'local-authority' });
    return o.declined
      ? this.run(on, { type: 'ProceedWithoutAdvice', adviceRequestIds: ['views'], reason: 'family-declined-to-give-views' })
      : this.run(on, { type: 'RecordAdviceReceived', adviceRequestId: 'views', adviceId: 'views-1', version: 1, agency: 'local-authority' });
  }
  /** Request, assess on day 28, the advice a draft needs, draft, family response, final plan on `finalOn`. */
  planOn(requestOn: string, finalOn: string, o: { la?: string; exception?: boolean } = {}): this {
    this.request(requestOn, o).assess(addDays(requestOn, 28)).adviceForDraft(addDays(requestOn, 29));
    if (o.exception) this.run(addDays(requestOn, 60), { type: 'RecordException', exceptionId: 'x1', limit: 'final-plan', reason: 'exceptional-personal-circumstances', fromOn: addDays(requestOn, 60) });
    return this.run(addDays(finalOn, -20), { type: 'IssueDraftPlan', planId: 'p1' })
      .run(addDays(finalOn, -10), { type: 'RecordFamilyResponse' })
      .run(finalOn, { type: 'IssueFinalPlan', planId: 'p1' });
  }
}

const LA_CODE = 'E10000028';
const OTHER_LA = 'E08000025';
const LA = { organisationId: LA_CODE, agency: 'local-authority' };
const FY = { from: '2025-04-01', to: '2026-03-31', asOf: '2026-04-30' };
const run = (cases: Case[], o: Partial<typeof FY> & { localAuthority?: string } = {}) => computePerformance(cases, { ...FY, ...o });

describe('statutory performance measures', () => {
  it('final plans within 20 weeks: day 140 counts as within, day 141 does not (SEN2)', () => {
    const request = '2025-05-05';
    const r = run([new Case('a').planOn(request, addDays(request, 140)), new Case('b').planOn(request, addDays(request, 141)), new Case('c').planOn(request, addDays(request, 100))]);
    expect(r.finalPlansWithin20Weeks.overall).toMatchObject({ issued: 3, within: 2, percentWithin: 66.7, exceptionCases: 0, issuedExcludingExceptions: 3, withinExcludingExceptions: 2 });
    expect(r.counts.plansIssued).toBe(3);
    expect(r.finalPlansWithin20Weeks.byLocalAuthority[LA_CODE]?.issued).toBe(3);
  });

  it('exception cases count in the first figure and are left out of the second', () => {
    const request = '2025-05-05';
    const r = run([
      new Case('late-exception').planOn(request, addDays(request, 170), { exception: true }),
      new Case('on-time').planOn(request, addDays(request, 130)),
      new Case('late').planOn(request, addDays(request, 150)),
    ]);
    expect(r.finalPlansWithin20Weeks.overall).toMatchObject({
      issued: 3, within: 1, percentWithin: 33.3, exceptionCases: 1, issuedExcludingExceptions: 2, withinExcludingExceptions: 1, percentWithinExcludingExceptions: 50,
    });
  });

  it('period boundaries: from and to are inclusive, by the day the plan was issued', () => {
    const r = run([
      new Case('before').planOn('2024-11-18', '2025-03-31'),
      new Case('first-day').planOn('2024-11-18', '2025-04-01'),
      new Case('last-day').planOn('2025-11-17', '2026-03-31'),
      new Case('after').planOn('2025-11-17', '2026-04-01'),
    ]);
    expect(r.finalPlansWithin20Weeks.overall.issued).toBe(2);
    // requests by the day received: only the two of 2025-11-17 fall in the year
    expect(r.counts.requests).toBe(2);
    // asOf before a plan was issued: the clock ignores later facts
    expect(run([new Case('x').planOn('2025-05-05', '2025-09-01')], { asOf: '2025-08-31' }).finalPlansWithin20Weeks.overall.issued).toBe(0);
  });

  it('a transferred case: the plan belongs to the LA that issued it; one transfer out and one in; the LA filter follows attribution', () => {
    const c = new Case('moved').planOn('2025-05-05', '2025-09-01')
      .run('2025-10-01', { type: 'NotifyTransfer', transferId: 't1', toLocalAuthority: OTHER_LA, moveOn: '2025-11-01' })
      .run('2025-11-01', { type: 'TransferPlan', transferId: 't1' })
      .run('2025-11-03', { type: 'ProposeCessation', cessationId: 'ces', reason: 'left-education-or-training' })
      .run('2025-11-03', { type: 'RecordCessationConsultation', cessationId: 'ces', consultee: 'parent-or-young-person' })
      .run('2025-11-03', { type: 'RecordCessationConsultation', cessationId: 'ces', consultee: 'institution' })
      .run('2025-11-03', { type: 'DecideToCease', cessationId: 'ces' })
      .run('2025-11-03', { type: 'NotifyAppealRights', noticeId: 'n', decision: 'cease', cessationId: 'ces', includes: { rightOfAppeal: true, mediation: true, disagreementResolution: true, informationAdviceSupport: true } })
      .run('2026-01-10', { type: 'CeasePlan' });
    const all = run([c]);
    expect(all.counts).toMatchObject({ transfersIn: 1, transfersOut: 1, plansIssued: 1, plansCeased: 1, plansCeasedByReason: { 'left-education-or-training': 1 } });
    expect(all.counts.byLocalAuthority[LA_CODE]).toMatchObject({ transfersOut: 1, transfersIn: 0, plansIssued: 1, plansCeased: 0 });
    expect(all.counts.byLocalAuthority[OTHER_LA]).toMatchObject({ transfersOut: 0, transfersIn: 1, plansIssued: 0, plansCeased: 1 });
    const other = run([c], { localAuthority: OTHER_LA });
    expect(other.finalPlansWithin20Weeks.overall.issued).toBe(0);
    expect(other.counts).toMatchObject({ transfersIn: 1, transfersOut: 0, plansCeased: 1, requests: 0 });
    expect(run([c], { localAuthority: LA_CODE }).finalPlansWithin20Weeks.overall.issued).toBe(1);
  });

  it('appeals registered (by the decision appealed), mediations held (by outcome) and cessations by their SEN2 reason, in the period', () => {
    const ALL = { rightOfAppeal: true, mediation: true, disagreementResolution: true, informationAdviceSupport: true };
    // plan 1 Sep 2025; ceasing proposed 1 Oct, consulted 2-3 Oct, decided and notified 13 Oct; mediation 3 Nov; appeal 20 Nov, dismissed 2 Mar 2026; ceased 3 Mar 2026
    const ceased = new Case('ceased').planOn('2025-05-05', '2025-09-01')
      .run('2025-10-01', { type: 'ProposeCessation', cessationId: 'ces', reason: 'needs-met-without-plan' })
      .run('2025-10-02', { type: 'RecordCessationConsultation', cessationId: 'ces', consultee: 'parent-or-young-person' })
      .run('2025-10-03', { type: 'RecordCessationConsultation', cessationId: 'ces', consultee: 'institution' })
      .run('2025-10-13', { type: 'DecideToCease', cessationId: 'ces' })
      .run('2025-10-13', { type: 'NotifyAppealRights', noticeId: 'n', decision: 'cease', cessationId: 'ces', includes: ALL })
      .run('2025-10-20', { type: 'RecordMediationDecision', mediationId: 'm', noticeId: 'n', adviceGivenOn: '2025-10-15', choice: 'mediate' })
      .run('2025-11-03', { type: 'RecordMediationHeld', mediationId: 'm', outcome: 'no-agreement' })
      .run('2025-11-04', { type: 'IssueMediationCertificate', mediationId: 'm' })
      .run('2025-11-20', { type: 'RegisterAppeal', appealId: 'a', noticeId: 'n' })
      .run('2026-03-02', { type: 'DecideAppeal', appealId: 'a', outcome: 'dismissed' })
      .run('2026-03-03', { type: 'CeasePlan' });
    // refused 27 Jan 2025 (before the year), appealed 10 Apr 2025 (in it)
    const refused = new Case('refused').request('2024-12-16').run('2025-01-27', { type: 'DecideNotToAssess' })
      .run('2025-01-27', { type: 'NotifyAppealRights', noticeId: 'n', decision: 'not-to-assess', includes: ALL })
      .run('2025-04-10', { type: 'RegisterAppeal', appealId: 'a', noticeId: 'n' });
    const r = run([ceased, refused]);
    expect(r.counts).toMatchObject({
      appealsRegistered: 2, appealsRegisteredByDecision: { cease: 1, 'not-to-assess': 1 }, mediationsHeld: 1, mediationsHeldByOutcome: { 'no-agreement': 1 },
      plansCeased: 1, plansCeasedByReason: { 'needs-met-without-plan': 1 },
    });
    expect(r.counts.byLocalAuthority[LA_CODE]).toMatchObject({ appealsRegistered: 2, mediationsHeld: 1 });
    // the next year sees none of them; asOf before the mediation hides it
    expect(run([ceased, refused], { from: '2026-04-01', to: '2027-03-31', asOf: '2027-04-30' }).counts).toMatchObject({ appealsRegistered: 0, mediationsHeld: 0 });
    expect(run([ceased, refused], { asOf: '2025-11-02' }).counts).toMatchObject({ appealsRegistered: 1, mediationsHeld: 0 });
  });

  it('reassessments (regs 24-27): requests by who asked, refusals, decisions within 15 days and amended plans within 14 weeks', () => {
    // A: asked Wed 1 Oct 2025 (decide by 16 Oct), reassessing from 10 Oct (in time; plan due 10 Oct + 14 weeks = 16 Jan 2026), amended 20 Jan: 4 days late
    const a = new Case('rea-a').planOn('2025-05-05', '2025-09-01')
      .run('2025-10-01', { type: 'RequestReassessment', reassessmentId: 'r', requestedBy: 'parent-or-young-person' })
      .run('2025-10-10', { type: 'DecideOnReassessment', reassessmentId: 'r', decision: 'reassess', assessmentId: 'asmt-2' })
      .run('2025-12-01', { type: 'ProposeAmendment', amendmentId: 'am', trigger: 'reassessment', reassessmentId: 'r' })
      .run('2026-01-20', { type: 'AmendPlan', amendmentId: 'am' });
    // B: asked by the school Mon 2 Feb 2026 (decide by 17 Feb), refused 20 Feb: late
    const b = new Case('rea-b').planOn('2025-05-05', '2025-09-01')
      .run('2026-02-02', { type: 'RequestReassessment', reassessmentId: 'r', requestedBy: 'institution' })
      .run('2026-02-20', { type: 'DecideOnReassessment', reassessmentId: 'r', decision: 'not-reassess' });
    // C: asked by the NHS on 20 Mar 2026, due 4 Apr (after the period): counted as a request, not yet in the timeliness
    const c = new Case('rea-c').planOn('2025-05-05', '2025-09-01').run('2026-03-20', { type: 'RequestReassessment', reassessmentId: 'r', requestedBy: 'commissioning-body' });
    const r = run([a, b, c]);
    expect(r.reassessments.decisionsWithin15Days).toMatchObject({ items: 2, within: 1, late: 1, overdue: 0, percentWithin: 50 });
    expect(r.reassessments.amendedPlansWithin14Weeks).toMatchObject({ items: 1, within: 0, late: 1, percentWithin: 0 });
    expect(r.counts).toMatchObject({ reassessmentsRequested: 3, reassessmentsRequestedBy: { 'commissioning-body': 1, institution: 1, 'parent-or-young-person': 1 }, reassessmentsRefused: 1 });
    expect(r.counts.byLocalAuthority[LA_CODE]).toMatchObject({ reassessmentsRequested: 3, reassessmentsRefused: 1 });
    expect(run([a, b, c], { from: '2026-04-01', to: '2027-03-31', asOf: '2026-05-01' }).reassessments.decisionsWithin15Days).toMatchObject({ items: 1, overdue: 1 });
  });

  it('personal budgets (CFA 2014 s.49; Personal Budgets Regulations 2014): agreed by arrangement, refused, direct payments refused by ground', () => {
    const atReview = (id: string) => new Case(id).planOn('2025-05-05', '2025-09-01')
      .run('2026-01-05', { type: 'ScheduleReviewMeeting', reviewId: 'rev', meetingOn: '2026-03-02' })
      .run('2026-01-12', { type: 'RequestPersonalBudget', personalBudgetId: 'pb', requestedBy: 'parent', reviewId: 'rev', directPaymentRequested: true });
    const dp = atReview('pb-dp').run('2026-02-02', { type: 'DecidePersonalBudget', personalBudgetId: 'pb', decision: 'agreed', parts: [{ arrangement: 'direct-payment', annualAmountPence: 120000 }, { arrangement: 'notional', annualAmountPence: 50000 }] });
    const notional = atReview('pb-notional').run('2026-02-03', {
      type: 'DecidePersonalBudget', personalBudgetId: 'pb', decision: 'agreed', parts: [{ arrangement: 'notional', annualAmountPence: 80000 }],
      directPaymentRefusal: { ground: 'adverse-impact-on-other-services', reasons: 'The group would close for others.' },
    });
    const refused = atReview('pb-refused').run('2026-02-04', { type: 'DecidePersonalBudget', personalBudgetId: 'pb', decision: 'refused', reasons: 'Bought in a block contract.' });
    const r = run([dp, notional, refused]);
    expect(r.counts).toMatchObject({
      personalBudgetsAgreed: 2, personalBudgetsAgreedByArrangement: { 'direct-payment': 1, notional: 2 }, personalBudgetsRefused: 1,
      directPaymentsRefusedByGround: { 'adverse-impact-on-other-services': 1 },
    });
    expect(r.counts.byLocalAuthority[LA_CODE]).toMatchObject({ personalBudgetsAgreed: 2, personalBudgetsRefused: 1 });
    // decided after asOf: not yet counted
    expect(run([dp, notional, refused], { asOf: '2026-02-02' }).counts).toMatchObject({ personalBudgetsAgreed: 1, personalBudgetsRefused: 0 });
  });

  it('advice within 6 weeks per agency and per adviser organisation (deadline statuses of the domain clock)', () => {
    const c = new Case('adv').request('2025-05-05').assess('2025-05-20');
    const ask = (id: string, adviceType: string, agency: string) => c.run('2025-06-02', { type: 'RequestAdvice', adviceRequestId: id, adviceType, agency });
    ask('edu', 'educational', 'education');
    ask('med', 'medical', 'health');
    ask('sc', 'social-care', 'social-care');
    ask('psy', 'psychological', 'education');
    // due 2025-07-14 (6 weeks)
    c.agency('advice.submitted.v1', { adviceRequestId: 'edu' }, { organisationId: 'urn-1', agency: 'education' })
      .run('2025-07-14', { type: 'RecordAdviceReceived', adviceRequestId: 'edu', adviceId: 'a1', version: 1, agency: 'education' })
      .agency('advice.submitted.v1', { adviceRequestId: 'med' }, { organisationId: 'nhs-trust-1', agency: 'health' })
      .run('2025-07-20', { type: 'RecordAdviceReceived', adviceRequestId: 'med', adviceId: 'a2', version: 1, agency: 'health' })
      // reg 8(2)(c): the appointment missed on 10 Jun is rearranged for 24 Jun: 15 days excused, the psychology advice due
      // 14 Jul is excused until 29 Jul (14 Jul + 15 days); on 20 Jul it is past due but excepted
      .run('2025-06-10', { type: 'RecordException', exceptionId: 'x-psy', limit: 'advice', adviceRequestId: 'psy', reason: 'missed-appointment', fromOn: '2025-06-10', toOn: '2025-06-24' });
    const r = run([c], { asOf: '2025-07-20' });
    expect(r.adviceWithin6Weeks.overall).toMatchObject({ items: 4, within: 1, late: 1, overdue: 1, exceptedOpen: 1, exceptions: 1, percentWithin: 25, percentWithinExcludingExceptions: 33.3 });
    expect(r.adviceWithin6Weeks.byAgency['education']).toMatchObject({ items: 2, within: 1, exceptedOpen: 1, percentWithin: 50, percentWithinExcludingExceptions: 100 });
    expect(r.adviceWithin6Weeks.byAgency['health']).toMatchObject({ items: 1, late: 1, percentWithin: 0 });
    expect(r.adviceWithin6Weeks.byAgency['social-care']).toMatchObject({ items: 1, overdue: 1, percentWithin: 0 });
    expect(r.adviceWithin6Weeks.byOrganisation['urn-1']).toMatchObject({ agency: 'education', within: 1 });
    expect(r.adviceWithin6Weeks.byOrganisation['nhs-trust-1']).toMatchObject({ agency: 'health', late: 1 });
    expect(r.adviceWithin6Weeks.byOrganisation['unknown social-care adviser']).toMatchObject({ overdue: 1 });
    // not yet due on asOf: pending, outside the denominator
    const early = run([c], { asOf: '2025-07-01' });
    expect(early.adviceWithin6Weeks.overall).toMatchObject({ items: 4, pending: 4, within: 0, percentWithin: null });
    expect(run([c], { asOf: '2025-07-13', to: '2025-07-31', from: '2025-07-01' }).adviceWithin6Weeks.overall).toMatchObject({ items: 4, pending: 4, percentWithin: null });
  });

  it('decisions whether to assess within 6 weeks; refusals; requests by source', () => {
    const r = run([
      new Case('d1').request('2025-05-05').assess('2025-06-16'), // day 42: within
      new Case('d2').request('2025-05-05', { source: 'school' }).assess('2025-06-17'), // day 43: late
      new Case('d3').request('2025-05-05', { source: 'school' }).run('2025-06-01', { type: 'DecideNotToAssess' }),
      new Case('d4').request('2026-03-01', { source: 'young-person' }), // due 2026-04-12: outside the period
      new Case('d5').request('2026-01-05'), // due 2026-02-16, not decided: overdue
    ]);
    expect(r.decisionsWithin6Weeks.overall).toMatchObject({ items: 4, within: 2, late: 1, overdue: 1, percentWithin: 50 });
    expect(r.counts).toMatchObject({ requests: 5, requestsBySource: { parent: 2, school: 2, 'young-person': 1 }, refusalsToAssess: 1 });
    expect(r.decisionsWithin6Weeks.byLocalAuthority[LA_CODE]?.items).toBe(4);
  });

  it('rejects an inverted period and reports events the model cannot fold', () => {
    expect(() => new PerformanceAccumulator({ from: '2025-05-01', to: '2025-04-01', asOf: '2025-05-01' })).toThrow(RangeError);
    const broken = new Case('broken').request('2025-05-05');
    broken.events.push({ type: 'ehc.advice-received.v1', data: { caseId: 'broken', adviceRequestId: 'nope' }, metadata: {} });
    const r = run([broken]);
    expect(r.replayErrors).toHaveLength(1);
    expect(r.casesReplayed).toBe(1);
  });
});

describe('draft plans and the reg 6(1) advice they had (regs 6(1), 6(4), 8(1))', () => {
  it('counts first drafts issued in the period: with all advice received or re-used, or after going on without some; drafts recorded before the rule count only as drafts', () => {
    const all = new Case('all').planOn('2025-05-05', '2025-09-01');
    const declined = new Case('declined').request('2025-05-05').assess('2025-06-02').adviceForDraft('2025-06-03', { declined: true })
      .run('2025-08-11', { type: 'IssueDraftPlan', planId: 'p1' });
    // a draft recorded before the advice rule existed (stored events are facts): no scope, no advice
    const older = new Case('older').request('2025-05-05').assess('2025-06-02');
    older.events.push({ type: 'ehc.draft-plan-issued.v1', data: { caseId: 'older', planId: 'p1', issuedOn: '2025-08-11', commentsDueOn: '2025-08-25' }, metadata: { actor: LA } });
    const r = run([all, declined, older]);
    expect(r.counts).toMatchObject({ draftsIssued: 3, draftsWithAllAdvice: 1, draftsWithAdviceNotAwaited: 1 });
    expect(r.counts.byLocalAuthority[LA_CODE]).toMatchObject({ draftsIssued: 3, draftsWithAllAdvice: 1, draftsWithAdviceNotAwaited: 1 });
    // a revised draft is not a second first draft; a draft outside the period is not counted
    const revised = new Case('revised').request('2025-05-05').assess('2025-06-02').adviceForDraft('2025-06-03')
      .run('2025-08-11', { type: 'IssueDraftPlan', planId: 'p1' }).run('2025-08-20', { type: 'IssueDraftPlan', planId: 'p2' });
    expect(run([revised]).counts.draftsIssued).toBe(1);
    expect(run([all], { from: '2025-09-01', to: '2026-03-31', asOf: '2026-04-30' }).counts.draftsIssued).toBe(0);
  });
});

describe('plans made under a tribunal order (regs 44-45)', () => {
  it('are reported apart from the 20-week measure: a plan ordered after a refusal is counted in tribunalOrdered only', () => {
    // refused 2 Jun 2025; ordered to assess 1 Sep 2025 (reg 44(2): final plan within 14 weeks, by 8 Dec 2025); plan 1 Dec 2025,
    // 182 days after the request of 2 Jun 2025: late against 20 weeks from the request, but made under the order's own limit
    const ordered = new Case('ordered').request('2025-06-02').run('2025-06-30', { type: 'DecideNotToAssess' })
      .run('2025-09-01', { type: 'RecordTribunalOrder', orderId: 'o1', regulation: 'reg 44', kind: 'assess' })
      .run('2025-09-08', { type: 'DecideToAssess', assessmentId: 'asmt-o' })
      .adviceForDraft('2025-09-09')
      .run('2025-11-10', { type: 'IssueDraftPlan', planId: 'p1' })
      .run('2025-11-20', { type: 'RecordFamilyResponse' })
      .run('2025-12-01', { type: 'IssueFinalPlan', planId: 'p1' });
    const r = run([ordered, new Case('on-time').planOn('2025-05-05', '2025-09-01')]);
    expect(r.finalPlansWithin20Weeks.overall).toMatchObject({ issued: 1, within: 1, percentWithin: 100, tribunalOrdered: 1 });
    expect(r.counts.plansIssued).toBe(2);
  });
});

describe('advice by duty and lawful exceptions only (reg 8(1)-(2), regs 10(4), 13(3))', () => {
  // request 5 May 2025, advice asked 2 Jun 2025: due 14 Jul 2025 (2 Jun + 42 days)
  const adviceCase = () => {
    const c = new Case('duty').request('2025-05-05').assess('2025-05-20');
    for (const [id, adviceType, agency] of [['med', 'medical', 'health'], ['edu', 'educational', 'education'], ['fam', 'parent-views', 'local-authority']]) {
      c.run('2025-06-02', { type: 'RequestAdvice', adviceRequestId: id, adviceType, agency });
    }
    // the rearranged appointment (10 -> 24 Jun) excuses 15 days: until 29 Jul
    return c.run('2025-06-10', { type: 'RecordException', exceptionId: 'x-med', limit: 'advice', adviceRequestId: 'med', reason: 'missed-appointment', fromOn: '2025-06-10', toOn: '2025-06-24' });
  };

  it('reports the s.31 bodies (statutory) apart from the expected standard, and leaves the family’s views out', () => {
    const r = run([adviceCase()], { asOf: '2025-07-20' });
    expect(r.adviceWithin6Weeks.byDuty.statutory).toMatchObject({ items: 1, exceptedOpen: 1, exceptions: 1 });
    expect(r.adviceWithin6Weeks.byDuty['expected-standard']).toMatchObject({ items: 1, overdue: 1, percentWithin: 0 });
    expect(r.adviceWithin6Weeks.overall.items).toBe(2);
    expect(r.adviceWithin6Weeks.byAgency['local-authority']).toBeUndefined();
  });

  it('an exception excuses only its days: past 29 Jul the health advice is overdue, still counted as an exception case', () => {
    const r = run([adviceCase()], { asOf: '2025-07-30' });
    expect(r.adviceWithin6Weeks.byDuty.statutory).toMatchObject({ items: 1, overdue: 1, exceptedOpen: 0, exceptions: 1, percentWithin: 0, percentWithinExcludingExceptions: null });
  });

  it('the SEN2 "excluding exceptions" figure leaves out only cases with a lawful reg 13(3) exception', () => {
    // request 5 May 2025 (20 weeks: 22 Sep); plan issued 6 Oct (154 days): late
    const late = (id: string, exception?: Record<string, unknown>) => {
      const c = new Case(id).request('2025-05-05').assess('2025-06-02').adviceForDraft('2025-06-03');
      if (exception) c.events.push({ type: 'ehc.exception-recorded.v1', data: { caseId: id, exceptionId: `x-${id}`, limit: 'final-plan', regulation: 'reg 13(3)', recordedOn: '2025-07-01', ...exception }, metadata: { actor: LA } });
      return c.run('2025-09-15', { type: 'IssueDraftPlan', planId: 'p' }).run('2025-10-06', { type: 'IssueFinalPlan', planId: 'p' });
    };
    const r = run([
      late('lawful', { reason: 'absent-from-area', fromOn: '2025-07-01', toOn: '2025-07-28' }),
      // recorded under the old rules: reg 13(3) has no missed-appointment limb
      late('unlawful', { reason: 'missed-appointment', fromOn: '2025-07-01' }),
    ]);
    expect(r.finalPlansWithin20Weeks.overall).toMatchObject({ issued: 2, within: 0, exceptionCases: 1, issuedExcludingExceptions: 1, withinExcludingExceptions: 0, percentWithinExcludingExceptions: 0 });
  });
});
