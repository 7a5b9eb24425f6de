import type { IsoDate } from '../calendar';
import type { EhcCommand } from './commands';
import { decide } from './decide';
import type { CeaseReason, EhcEvent } from './events';
import { evolve, initialState } from './state';

/** Test fixtures: one case, requested on Monday 6 January 2025 by a parent. */
export const CASE = 'case-1';
export const REQUEST_ON = '2025-01-06';

type WithoutBase<C> = C extends EhcCommand ? Omit<C, 'caseId' | 'at'> : never;

/** A command for the fixture case on a date. */
export function cmd(at: IsoDate, command: WithoutBase<EhcCommand>): EhcCommand {
  return { caseId: CASE, at, ...command } as EhcCommand;
}

/** Runs commands through the decider to build a history of events (for the Given part). */
export function history(...commands: EhcCommand[]): EhcEvent[] {
  const events: EhcEvent[] = [];
  let state = initialState();
  for (const c of commands) {
    for (const e of decide(c, state)) {
      events.push(e);
      state = evolve(state, e);
    }
  }
  return events;
}

/** The advice every assessment seeks (reg 6(1)(a)-(e)) and the agency that gives it. */
export const REQUIRED_ADVICE = [
  ['parent-views', 'local-authority'], ['educational', 'education'], ['medical', 'health'], ['psychological', 'education'], ['social-care', 'social-care'],
] as const;

export const steps = {
  request: (at: IsoDate = REQUEST_ON) =>
    cmd(at, { type: 'ReceiveRequest', childRef: 'child-ref-1', localAuthority: 'E08000025', source: 'parent', requestedBy: { role: 'parent' } }),
  assess: (at = '2025-02-03') => cmd(at, { type: 'DecideToAssess', assessmentId: 'asmt-1' }),
  refuse: (at = '2025-02-03') => cmd(at, { type: 'DecideNotToAssess' }),
  askAdvice: (id: string, adviceType: string, agency: string, at = '2025-02-04') =>
    cmd(at, { type: 'RequestAdvice', adviceRequestId: id, adviceType, agency } as WithoutBase<EhcCommand>),
  receiveAdvice: (id: string, agency: string, at = '2025-03-01', adviceId = `advice-${id}`, version = 1) =>
    cmd(at, { type: 'RecordAdviceReceived', adviceRequestId: id, adviceId, version, agency } as WithoutBase<EhcCommand>),
  /**
   * reg 6(1): what a draft needs (advice-checklist.ts): the scope recorded (not in year 9, no vision or hearing
   * impairment) and the advice of (a)-(e) asked for on `askOn` and received on `receivedOn`, except the types a test
   * asks for itself.
   */
  adviceGathered: (askOn: IsoDate = '2025-02-04', receivedOn: IsoDate = '2025-03-01', except: readonly string[] = []): EhcCommand[] => [
    cmd(askOn, { type: 'RecordAdviceScope', inOrBeyondYear9: false, visionOrHearingImpaired: false }),
    ...REQUIRED_ADVICE.filter(([type]) => !except.includes(type))
      .flatMap(([type, agency]) => [steps.askAdvice(`req-${type}`, type, agency, askOn), steps.receiveAdvice(`req-${type}`, agency, receivedOn)]),
  ],
  notIssue: (at = '2025-04-20') => cmd(at, { type: 'DecideNotToIssue' }),
  draft: (at = '2025-04-14', planId = 'plan-1') => cmd(at, { type: 'IssueDraftPlan', planId }),
  familyResponse: (at = '2025-04-22', preferredSettingRef = 'urn-100001') => cmd(at, { type: 'RecordFamilyResponse', preferredSettingRef }),
  /** s.39(2) CFA 2014: the LA consults the school it may name. */
  consult: (at = '2025-04-23', settingRef = 'urn-100001', consultationId = 'cons-1') => cmd(at, { type: 'ConsultSetting', consultationId, settingRef }),
  /** The final plan; it names a setting only when asked (naming one needs its s.39(2) consultation first). */
  final: (at = '2025-05-19', planId = 'plan-1', namedSettingRef?: string) => cmd(at, { type: 'IssueFinalPlan', planId, ...(namedSettingRef ? { namedSettingRef } : {}) }),
  /**
   * regs 29-31: ceasing goes through the process: proposed, the family and the institution consulted, decided and
   * notified with the right of appeal, all on `decidedOn`; the plan ceases on `ceaseOn`, which must be after the
   * 2-month time for appealing.
   */
  cease: (decidedOn: IsoDate, ceaseOn: IsoDate, reason: CeaseReason = 'needs-met-without-plan', cessationId = 'ces-1'): EhcCommand[] => [
    cmd(decidedOn, { type: 'ProposeCessation', cessationId, reason }),
    cmd(decidedOn, { type: 'RecordCessationConsultation', cessationId, consultee: 'parent-or-young-person' }),
    cmd(decidedOn, { type: 'RecordCessationConsultation', cessationId, consultee: 'institution' }),
    cmd(decidedOn, { type: 'DecideToCease', cessationId }),
    cmd(decidedOn, { type: 'NotifyAppealRights', noticeId: `notice-${cessationId}`, decision: 'cease', cessationId, includes: { rightOfAppeal: true, mediation: true, disagreementResolution: true, informationAdviceSupport: true } }),
    cmd(ceaseOn, { type: 'CeasePlan' }),
  ],
};

/** A case with a final plan issued on 19 May 2025 (week 19), naming the school consulted on 23 April. */
export function planInForce(): EhcEvent[] {
  return history(
    steps.request(),
    steps.assess(),
    ...steps.adviceGathered(),
    steps.draft(),
    steps.familyResponse(),
    steps.consult(),
    steps.final('2025-05-19', 'plan-1', 'urn-100001'),
  );
}
