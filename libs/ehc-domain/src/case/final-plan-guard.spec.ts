import { DeciderSpecification } from '../testing/decider-specification';
import { ehcCaseDecider } from './decide';
import * as E from './errors';
import { CASE, cmd, history, steps } from './test-fixtures';

/**
 * The final-plan guard (reg 13(1); CFA 2014 s.38, s.39(2)).
 * Draft served Monday 14 April 2025. "At least 15 days beginning with the day the draft was served": day 1 is 14 Apr,
 * day 15 (the family's last comment day) is 28 Apr (14 + 15 - 1); the final plan is possible from day 16, 29 Apr.
 */
const spec = DeciderSpecification(ehcCaseDecider);
const drafted = (...more: Parameters<typeof history>) => history(steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft('2025-04-14'), ...more);
const respond = (at: string, over: Record<string, unknown> = {}) => cmd(at, { type: 'RecordFamilyResponse', preferredSettingRef: 'urn-200002', ...over } as never);

describe('final-plan guard: the family’s 15 days (reg 13(1), s.38)', () => {
  it('the draft’s comment period ends on day 15 (28 Apr for a draft of 14 Apr)', () => {
    spec.given(history(steps.request(), steps.assess(), ...steps.adviceGathered())).when(steps.draft('2025-04-14')).thenMatches([{ type: 'ehc.draft-plan-issued.v1', data: { issuedOn: '2025-04-14', commentsDueOn: '2025-04-28' } }]);
  });

  it('the issue’s case: draft 14 Apr, response 15 Apr, final 16 Apr naming another school with no consultation is refused', () => {
    // corrected: any response used to lift the guard, and this was accepted
    spec.given(drafted(respond('2025-04-15'))).when(steps.final('2025-04-16', 'plan-1', 'urn-300003')).thenThrows(E.FinalPlanDuringCommentPeriodError, /until 2025-04-28.*from 2025-04-29/);
  });

  it('a response does not end the period: day 15 (28 Apr) is refused, day 16 (29 Apr) is allowed', () => {
    spec.given(drafted(respond('2025-04-15'))).when(steps.final('2025-04-28')).thenThrows(E.FinalPlanDuringCommentPeriodError);
    spec.given(drafted(respond('2025-04-15'))).when(steps.final('2025-04-29')).then([{ type: 'ehc.final-plan-issued.v1', data: { caseId: CASE, planId: 'plan-1', issuedOn: '2025-04-29' } }]);
  });

  it('the family saying they have nothing more to say lets the final plan follow at once', () => {
    spec.given(drafted()).when(respond('2025-04-15', { nothingMoreToSay: true })).then([
      { type: 'ehc.family-response-received.v1', data: { caseId: CASE, planId: 'plan-1', receivedOn: '2025-04-15', preferredSettingRef: 'urn-200002', nothingMoreToSay: true } },
    ]);
    spec.given(drafted(respond('2025-04-15', { nothingMoreToSay: true }))).when(steps.final('2025-04-16')).thenMatches([{ type: 'ehc.final-plan-issued.v1', data: { issuedOn: '2025-04-16' } }]);
  });
});

describe('final-plan guard: naming a school needs the s.39(2) consultation first', () => {
  it('naming a school that was not consulted is refused (SettingNotConsultedError), even after the 15 days', () => {
    spec.given(drafted(respond('2025-04-15'))).when(steps.final('2025-04-29', 'plan-1', 'urn-200002')).thenThrows(E.SettingNotConsultedError, /s\.39\(2\)/);
  });
  it('naming the consulted school is allowed; consulting another school does not count', () => {
    const consulted = drafted(respond('2025-04-15'), steps.consult('2025-04-16', 'urn-200002'));
    spec.given(consulted).when(steps.final('2025-04-29', 'plan-1', 'urn-200002')).then([{ type: 'ehc.final-plan-issued.v1', data: { caseId: CASE, planId: 'plan-1', issuedOn: '2025-04-29', namedSettingRef: 'urn-200002' } }]);
    spec.given(consulted).when(steps.final('2025-04-29', 'plan-1', 'urn-300003')).thenThrows(E.SettingNotConsultedError);
  });
  it('with nothing more to say and the school consulted, the final plan may name it before day 16', () => {
    const ready = drafted(respond('2025-04-15', { nothingMoreToSay: true }), steps.consult('2025-04-16', 'urn-200002'));
    spec.given(ready).when(steps.final('2025-04-17', 'plan-1', 'urn-200002')).thenMatches([{ data: { issuedOn: '2025-04-17', namedSettingRef: 'urn-200002' } }]);
  });
});
