import { DeciderSpecification } from '../testing/decider-specification';
import { adviceChecklist } from './advice-checklist';
import * as A from './assessment-advice-errors';
import type { EhcCommand } from './commands';
import { ehcCaseDecider } from './decide';
import { inOrBeyondYear9 } from './decide/assessment-advice';
import * as E from './errors';
import type { EhcEvent } from './events';
import { replay } from './state';
import { CASE, cmd, history, REQUIRED_ADVICE, steps } from './test-fixtures';

/**
 * What an EHC needs assessment needs before a draft plan (SEND Regulations 2014 regs 6(1), 6(4), 7, 8(1), 9). The
 * fixture case: request Mon 6 Jan 2025, decision to assess Mon 3 Feb 2025, advice asked for Tue 4 Feb 2025 (due
 * 6 weeks later, Tue 18 Mar 2025), draft Mon 14 Apr 2025.
 */
const spec = DeciderSpecification(ehcCaseDecider);
const run = (events: EhcEvent[], ...commands: EhcCommand[]): EhcEvent[] => {
  const out = [...events];
  for (const c of commands) out.push(...ehcCaseDecider.decide(c, replay(out)));
  return out;
};
const scope = (over: Record<string, unknown> = {}, at = '2025-02-04') =>
  cmd(at, { type: 'RecordAdviceScope', inOrBeyondYear9: false, visionOrHearingImpaired: false, ...over } as never);
const askAll = (at = '2025-02-04') => REQUIRED_ADVICE.map(([type, agency]) => steps.askAdvice(`req-${type}`, type, agency, at));
const receiveAll = (at = '2025-03-01', except: string[] = []) =>
  REQUIRED_ADVICE.filter(([type]) => !except.includes(type)).map(([type, agency]) => steps.receiveAdvice(`req-${type}`, agency, at));
const assessing = () => history(steps.request(), steps.assess());
const missingOf = (events: EhcEvent[], draftOn = '2025-04-14') => {
  const error = spec.given(events).when(steps.draft(draftOn)).thenThrows(A.AdviceMissingError) as A.AdviceMissingError;
  return (error.details['missing'] as Array<{ item: string; problem: string }>).map((m) => `${m.item}:${m.problem}`);
};
const notAwaited = (ids: string[], reason: string, at: string) => cmd(at, { type: 'ProceedWithoutAdvice', adviceRequestIds: ids, reason } as never);

describe('reg 6(1): the advice a draft plan needs', () => {
  it('reg 6(1)(a)-(e): a draft with nothing sought is refused (advice-missing), naming the scope and each of the five items', () => {
    expect(missingOf(assessing())).toEqual([
      'advice-scope:scope-not-recorded', 'parent-views:not-sought', 'educational:not-sought', 'medical:not-sought', 'psychological:not-sought', 'social-care:not-sought',
    ]);
    const error = spec.given(assessing()).when(steps.draft()).thenThrows(A.AdviceMissingError, /medical \(reg 6\(1\)\(c\)\): not sought/);
    expect((error as A.AdviceMissingError).code).toBe('advice-missing');
  });

  it('reg 6(1), reg 8(1): advice sought but not yet received still refuses the draft (not-received, with the requests and the end of the 6 weeks)', () => {
    const asked = history(steps.request(), steps.assess(), scope(), ...askAll(), ...receiveAll('2025-03-01', ['medical']));
    const error = spec.given(asked).when(steps.draft()).thenThrows(A.AdviceMissingError);
    expect(error as A.AdviceMissingError).toMatchObject({ details: { missing: [{ item: 'medical', regulation: 'reg 6(1)(c)', problem: 'not-received', adviceRequestIds: ['req-medical'], dueOn: '2025-03-18' }] } });
    spec.given(run(asked, steps.receiveAdvice('req-medical', 'health', '2025-03-20'))).when(steps.draft()).thenMatches([{ type: 'ehc.draft-plan-issued.v1' }]);
  });

  it('reg 6(1): with the scope recorded and (a)-(e) received the draft is issued; the checklist shows each item received', () => {
    const ready = history(steps.request(), steps.assess(), ...steps.adviceGathered());
    spec.given(ready).when(steps.draft()).thenMatches([{ type: 'ehc.draft-plan-issued.v1', data: { caseId: CASE, issuedOn: '2025-04-14' } }]);
    const list = adviceChecklist(replay(ready));
    expect(list.missing).toEqual([]);
    expect(Object.fromEntries(list.items.map((i) => [i.adviceType, i.status]))).toEqual({
      'parent-views': 'received', educational: 'received', medical: 'received', psychological: 'received', 'social-care': 'received',
      'vision-hearing': 'not-required', 'preparing-for-adulthood': 'not-required', other: 'not-required', 'requested-by-family': 'not-required',
    });
  });

  it('reg 6(1)(f): other advice the LA chose to seek must arrive (or be recorded as not awaited) before the draft', () => {
    const ready = history(steps.request(), steps.assess(), ...steps.adviceGathered(), steps.askAdvice('req-yot', 'other', 'other', '2025-02-05'));
    expect(missingOf(ready)).toEqual(['other:not-received']);
    spec.given(run(ready, steps.receiveAdvice('req-yot', 'other', '2025-03-10'))).when(steps.draft()).thenMatches([{ type: 'ehc.draft-plan-issued.v1' }]);
  });

  it('the guard is for the first draft after an assessment: a revised draft is not refused again, and a draft under a tribunal order to make a plan is not checked here', () => {
    const drafted = history(steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft());
    spec.given(drafted).when(steps.draft('2025-04-20', 'plan-1b')).thenMatches([{ type: 'ehc.draft-plan-issued.v1', data: { planId: 'plan-1b' } }]);
  });
});

describe('reg 6(4): advice re-used by agreement (tell it once)', () => {
  const reuse = (adviceType: string, agency: string, over: Record<string, unknown> = {}) => cmd('2025-02-05', {
    type: 'ReuseAdvice', reuseId: `reuse-${adviceType}`, adviceType, agency, adviceId: `earlier-${adviceType}`, version: 1, sourceCaseId: 'case-0',
    agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true }, ...over,
  } as never);

  it('reg 6(4): educational advice re-used with the agreement of the adviser, the LA and the family counts as the (b) item; the draft is issued', () => {
    const events = history(steps.request(), steps.assess(), scope(), reuse('educational', 'education'),
      ...REQUIRED_ADVICE.filter(([t]) => t !== 'educational').flatMap(([type, agency]) => [steps.askAdvice(`req-${type}`, type, agency), steps.receiveAdvice(`req-${type}`, agency)]));
    spec.given(events).when(steps.draft()).thenMatches([{ type: 'ehc.draft-plan-issued.v1' }]);
    expect(adviceChecklist(replay(events)).items.find((i) => i.adviceType === 'educational')).toMatchObject({ status: 'reused', reuseIds: ['reuse-educational'], adviceRequestIds: [] });
  });

  it('reg 6(4), reg 26: a re-use agreed for the first assessment stops asking again in it, not in a reassessment, which seeks its own advice', () => {
    const reusedFirst = history(steps.request(), steps.assess(), scope(), reuse('educational', 'education'),
      ...REQUIRED_ADVICE.filter(([t]) => t !== 'educational').flatMap(([type, agency]) => [steps.askAdvice(`req-${type}`, type, agency), steps.receiveAdvice(`req-${type}`, agency)]));
    spec.given(reusedFirst).when(steps.askAdvice('req-edu-again', 'educational', 'education', '2025-03-02')).thenThrows(E.AdviceAlreadyProvidedError);
    const reassessing = run(reusedFirst, steps.draft(), steps.familyResponse(), steps.final(),
      cmd('2026-03-02', { type: 'RequestReassessment', reassessmentId: 'rea-1', requestedBy: 'parent-or-young-person' }),
      cmd('2026-03-16', { type: 'DecideOnReassessment', reassessmentId: 'rea-1', decision: 'reassess', assessmentId: 'asmt-2' }));
    spec.given(reassessing).when(steps.askAdvice('req-edu-2', 'educational', 'education', '2026-03-17')).thenMatches([{ type: 'ehc.advice-requested.v1', data: { assessmentId: 'asmt-2' } }]);
  });

  it('reg 6(4) covers (1)(b)-(h) only: the parent’s or young person’s own advice (a) cannot be re-used (advice-not-reusable)', () => {
    spec.given(assessing()).when(reuse('parent-views', 'local-authority')).thenThrows(A.AdviceNotReusableError, /reg 6\(4\) covers the advice of reg 6\(1\)\(b\) to \(h\)/);
  });

  it('reg 6(4): without everyone’s agreement nothing is re-used, and the item is still missing', () => {
    spec.given(assessing()).when(reuse('medical', 'health', { agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: false } })).thenThrows(E.ReuseAgreementIncompleteError);
  });
});

describe('reg 6(1)(g), 6(1)(b) and 6(2): what the advice must cover for this child', () => {
  it('reg 6(1)(g): year 9 begins on 1 September of the school year in which the child turns 14', () => {
    expect(inOrBeyondYear9('2011-08-31', '2024-09-01')).toBe(true); // 13 on 31 Aug 2024: year 9 from 1 Sep 2024
    expect(inOrBeyondYear9('2011-08-31', '2024-08-31')).toBe(false); // still year 8
    expect(inOrBeyondYear9('2011-09-01', '2024-09-01')).toBe(false); // 12 on 31 Aug 2024: year 8
    expect(inOrBeyondYear9('2011-09-01', '2025-09-01')).toBe(true);
    expect(inOrBeyondYear9('2005-03-01', '2025-02-04')).toBe(true); // a young person of 19
  });

  it('reg 6(1)(g): with a date of birth the year group is derived (yearGroupFrom date-of-birth); without one the LA must say (year-group-unknown)', () => {
    const withDob = history(cmd('2025-01-06', {
      type: 'ReceiveRequest', childRef: 'child-ref-1', child: { dateOfBirth: '2011-05-01' }, localAuthority: 'E08000025', source: 'parent', requestedBy: { role: 'parent' },
    }), steps.assess());
    spec.given(withDob).when(cmd('2025-02-04', { type: 'RecordAdviceScope', visionOrHearingImpaired: false })).then([{
      type: 'ehc.advice-scope-recorded.v1',
      data: { caseId: CASE, assessmentId: 'asmt-1', inOrBeyondYear9: true, yearGroupFrom: 'date-of-birth', visionOrHearingImpaired: false, recordedOn: '2025-02-04' },
    }]);
    spec.given(assessing()).when(cmd('2025-02-04', { type: 'RecordAdviceScope', visionOrHearingImpaired: false })).thenThrows(A.YearGroupUnknownError);
    spec.given(assessing()).when(scope({ inOrBeyondYear9: true })).thenMatches([{ data: { inOrBeyondYear9: true, yearGroupFrom: 'local-authority' } }]);
    spec.given(history(steps.request())).when(scope()).thenThrows(E.AssessmentNotAgreedError);
  });

  it('reg 6(1)(g): from year 9 a draft also needs advice on preparing for adulthood and independent living', () => {
    const ready = history(steps.request(), steps.assess(), scope({ inOrBeyondYear9: true }), ...askAll(), ...receiveAll());
    expect(missingOf(ready)).toEqual(['preparing-for-adulthood:not-sought']);
    const sought = run(ready, steps.askAdvice('req-pfa', 'preparing-for-adulthood', 'social-care', '2025-02-05'), steps.receiveAdvice('req-pfa', 'social-care', '2025-03-05'));
    spec.given(sought).when(steps.draft()).thenMatches([{ type: 'ehc.draft-plan-issued.v1' }]);
  });

  it('reg 6(1)(b), 6(2): a vision or hearing impaired child’s draft needs the advice of a qualified teacher of the impairment', () => {
    const ready = history(steps.request(), steps.assess(), scope({ visionOrHearingImpaired: true }), ...askAll(), ...receiveAll());
    expect(missingOf(ready)).toEqual(['vision-hearing:not-sought']);
    const sought = run(ready, steps.askAdvice('req-qtvi', 'vision-hearing', 'education', '2025-02-05'), steps.receiveAdvice('req-qtvi', 'education', '2025-03-05'));
    spec.given(sought).when(steps.draft()).thenMatches([{ type: 'ehc.draft-plan-issued.v1' }]);
  });

  it('the LA may correct the scope before the draft: the latest record counts', () => {
    const corrected = history(steps.request(), steps.assess(), ...steps.adviceGathered(), scope({ inOrBeyondYear9: true }, '2025-02-10'));
    expect(adviceChecklist(replay(corrected)).scope).toMatchObject({ inOrBeyondYear9: true, recordedOn: '2025-02-10' });
  });
});

describe('reg 6(1)(h): advice from a person the family reasonably asks the LA to approach', () => {
  const familyAsks = (id: string, reasonable: boolean, declineReason?: string) => cmd('2025-02-06', {
    type: 'RecordFamilyAdviceRequest', familyRequestId: id, adviserRef: `adviser-${id}`, reasonable, ...(declineReason ? { declineReason } : {}),
  } as never);

  it('reg 6(1)(h): a reasonable request makes that advice required before the draft; seeking it satisfies the item', () => {
    const ready = history(steps.request(), steps.assess(), ...steps.adviceGathered());
    spec.given(ready).when(familyAsks('fr-1', true)).then([{
      type: 'ehc.family-advice-request-recorded.v1',
      data: { caseId: CASE, assessmentId: 'asmt-1', familyRequestId: 'fr-1', adviserRef: 'adviser-fr-1', requestedOn: '2025-02-06', reasonable: true },
    }]);
    const asked = run(ready, familyAsks('fr-1', true));
    const error = spec.given(asked).when(steps.draft()).thenThrows(A.AdviceMissingError);
    expect(error as A.AdviceMissingError).toMatchObject({ details: { missing: [{ item: 'requested-by-family', regulation: 'reg 6(1)(h)', problem: 'not-sought', familyRequestIds: ['fr-1'] }] } });
    const sought = run(asked, steps.askAdvice('req-slt', 'requested-by-family', 'health', '2025-02-07'), steps.receiveAdvice('req-slt', 'health', '2025-03-07'));
    spec.given(sought).when(steps.draft()).thenMatches([{ type: 'ehc.draft-plan-issued.v1' }]);
    expect(adviceChecklist(replay(sought)).familyRequests).toEqual([{ familyRequestId: 'fr-1', requestedOn: '2025-02-06', reasonable: true, sought: true }]);
  });

  it('reg 6(1)(h): a request the LA finds not reasonable is recorded with its reason and does not hold up the draft; a reason is required', () => {
    const ready = history(steps.request(), steps.assess(), ...steps.adviceGathered());
    spec.given(ready).when(familyAsks('fr-2', false, 'advice-already-available')).thenMatches([{ data: { reasonable: false, declineReason: 'advice-already-available' } }]);
    spec.given(run(ready, familyAsks('fr-2', false, 'advice-already-available'))).when(steps.draft()).thenMatches([{ type: 'ehc.draft-plan-issued.v1' }]);
    spec.given(ready).when(familyAsks('fr-3', false)).thenThrows(E.InvalidCommandError, /declineReason/);
    spec.given(ready).when(familyAsks('fr-4', true, 'person-cannot-advise')).thenThrows(E.InvalidCommandError, /declineReason/);
    spec.given(run(ready, familyAsks('fr-2', false, 'advice-already-available'))).when(familyAsks('fr-2', true)).thenThrows(E.DuplicateIdError);
  });
});

describe('reg 6(1)(h): a request the family made themselves waits for the LA’s finding before a draft', () => {
  const familyAsksThemselves = (id: string, at = '2025-02-06') => cmd(at, {
    type: 'AskForAdvice', familyRequestId: id, adviser: { name: 'Dr Ann Example', role: 'speech and language therapist' },
  } as never);
  const finding = (id: string, reasonable: boolean, at = '2025-02-10') => cmd(at, {
    type: 'RecordFamilyAdviceRequest', familyRequestId: id, adviserRef: `adviser-${id}`, reasonable,
    ...(reasonable ? {} : { declineReason: 'advice-already-available' }),
  } as never);

  it('given the family asked for advice and the LA has not found on it, when a draft is issued, then it is refused (finding-not-recorded) and the checklist lists the ask', () => {
    const asked = run(history(steps.request(), steps.assess(), ...steps.adviceGathered()), familyAsksThemselves('fa-1'));
    expect(missingOf(asked)).toEqual(['requested-by-family:finding-not-recorded']);
    const error = spec.given(asked).when(steps.draft()).thenThrows(A.AdviceMissingError, /requested-by-family \(reg 6\(1\)\(h\)\): finding not recorded/);
    expect(error as A.AdviceMissingError).toMatchObject({ details: { missing: [{ item: 'requested-by-family', regulation: 'reg 6(1)(h)', problem: 'finding-not-recorded', familyRequestIds: ['fa-1'] }] } });
    expect(adviceChecklist(replay(asked)).familyAsksAwaitingFinding).toEqual([
      { familyRequestId: 'fa-1', askedOn: '2025-02-06', adviser: { name: 'Dr Ann Example', role: 'speech and language therapist' } },
    ]);
  });

  it('given the LA declines the family’s own request with a reason, then the draft is issued and nothing awaits a finding', () => {
    const declined = run(history(steps.request(), steps.assess(), ...steps.adviceGathered()), familyAsksThemselves('fa-2'), finding('fa-2', false));
    expect(adviceChecklist(replay(declined)).familyAsksAwaitingFinding).toEqual([]);
    spec.given(declined).when(steps.draft()).thenMatches([{ type: 'ehc.draft-plan-issued.v1' }]);
  });

  it('given the LA finds the family’s own request reasonable, then the advice must be sought (not-sought) and, once received, the draft is issued', () => {
    const found = run(history(steps.request(), steps.assess(), ...steps.adviceGathered()), familyAsksThemselves('fa-3'), finding('fa-3', true));
    expect(missingOf(found)).toEqual(['requested-by-family:not-sought']);
    const sought = run(found, steps.askAdvice('req-slt', 'requested-by-family', 'health', '2025-02-11'), steps.receiveAdvice('req-slt', 'health', '2025-03-07'));
    spec.given(sought).when(steps.draft()).thenMatches([{ type: 'ehc.draft-plan-issued.v1' }]);
  });
});

describe('reg 8(1): going on without a late adviser’s advice, recorded with the reason', () => {
  const asked = () => history(steps.request(), steps.assess(), scope(), ...askAll(), ...receiveAll('2025-03-01', ['medical']));

  it('reg 8(1): before the adviser’s 6 weeks end (Tue 18 Mar 2025) the LA may not go on without the advice (advice-still-due)', () => {
    spec.given(asked()).when(notAwaited(['req-medical'], 'adviser-did-not-respond', '2025-03-18')).thenThrows(A.AdviceStillDueError, /until 2025-03-18/);
  });

  it('reg 8(1), reg 13(2): from the day after, the LA records going on without it, with its reason, and the draft is issued', () => {
    spec.given(asked()).when(notAwaited(['req-medical'], 'adviser-did-not-respond', '2025-03-19')).then([{
      type: 'ehc.advice-not-awaited.v1',
      data: { caseId: CASE, decidedOn: '2025-03-19', reason: 'adviser-did-not-respond', items: [{ adviceRequestId: 'req-medical', adviceType: 'medical', agency: 'health', dueOn: '2025-03-18' }] },
    }]);
    const onward = run(asked(), notAwaited(['req-medical'], 'adviser-did-not-respond', '2025-03-19'));
    spec.given(onward).when(steps.draft()).thenMatches([{ type: 'ehc.draft-plan-issued.v1' }]);
    expect(adviceChecklist(replay(onward)).items.find((i) => i.adviceType === 'medical')).toMatchObject({ status: 'not-awaited' });
    // advice arriving later is still recorded, and the item reads as received
    const late = run(onward, steps.receiveAdvice('req-medical', 'health', '2025-04-01'));
    expect(adviceChecklist(replay(late)).items.find((i) => i.adviceType === 'medical')).toMatchObject({ status: 'received' });
  });

  it('reg 6(1)(a), reg 8(2)(c): the family declining to give views applies only to their own advice; a missed appointment only to an adviser’s', () => {
    const noViews = history(steps.request(), steps.assess(), scope(), ...askAll(), ...receiveAll('2025-03-01', ['parent-views']));
    spec.given(noViews).when(notAwaited(['req-parent-views'], 'family-declined-to-give-views', '2025-03-05')).thenMatches([{ data: { reason: 'family-declined-to-give-views' } }]);
    spec.given(noViews).when(notAwaited(['req-parent-views'], 'appointment-not-kept', '2025-03-05')).thenThrows(E.InvalidCommandError, /reg 8\(2\)\(c\)/);
    spec.given(asked()).when(notAwaited(['req-medical'], 'family-declined-to-give-views', '2025-03-05')).thenThrows(E.InvalidCommandError, /reg 6\(1\)\(a\)/);
    spec.given(asked()).when(notAwaited(['req-medical'], 'appointment-not-kept', '2025-03-05')).thenMatches([{ data: { reason: 'appointment-not-kept' } }]);
  });

  it('only unanswered requests of this case, each once: answered (advice-already-resolved), unknown (advice-not-requested), empty or repeated ids (invalid-command)', () => {
    spec.given(asked()).when(notAwaited(['req-educational'], 'adviser-did-not-respond', '2025-03-19')).thenThrows(A.AdviceAlreadyResolvedError);
    spec.given(asked()).when(notAwaited(['req-nope'], 'adviser-did-not-respond', '2025-03-19')).thenThrows(E.AdviceNotRequestedError);
    spec.given(asked()).when(notAwaited([], 'adviser-did-not-respond', '2025-03-19')).thenThrows(E.InvalidCommandError);
    spec.given(asked()).when(notAwaited(['req-medical', 'req-medical'], 'adviser-did-not-respond', '2025-03-19')).thenThrows(E.InvalidCommandError);
    spec.given(asked()).when(notAwaited(['req-medical'], 'too-busy', '2025-03-19')).thenThrows(E.InvalidCommandError, /reason/);
    const onward = run(asked(), notAwaited(['req-medical'], 'adviser-did-not-respond', '2025-03-19'));
    spec.given(onward).when(notAwaited(['req-medical'], 'adviser-did-not-respond', '2025-03-20')).thenThrows(A.AdviceAlreadyResolvedError);
  });
});

describe('regs 7 and 9: the child and family consulted, and given information, advice and support', () => {
  const involve = (over: Record<string, unknown> = {}, at = '2025-02-12') => cmd(at, {
    type: 'RecordFamilyInvolvement', involvementId: 'inv-1', kind: 'consulted', who: ['child', 'parent'], providedBy: 'local-authority', method: 'home-visit', ...over,
  } as never);

  it('reg 7(a): the consultation of the child and parent is recorded with its date, who and how', () => {
    spec.given(assessing()).when(involve()).then([{
      type: 'ehc.family-involvement-recorded.v1',
      data: { caseId: CASE, involvementId: 'inv-1', kind: 'consulted', who: ['child', 'parent'], providedBy: 'local-authority', method: 'home-visit', on: '2025-02-12' },
    }]);
  });

  it('reg 9: information, advice and support given to the parent by the information, advice and support service', () => {
    spec.given(assessing()).when(involve({ involvementId: 'inv-2', kind: 'information-advice-support', who: ['parent'], providedBy: 'information-advice-support-service', method: 'phone' }))
      .thenMatches([{ data: { kind: 'information-advice-support', providedBy: 'information-advice-support-service' } }]);
    const both = run(assessing(), involve(), involve({ involvementId: 'inv-2', kind: 'information-advice-support', who: ['parent'], providedBy: 'information-advice-support-service', method: 'phone' }, '2025-02-13'));
    const list = adviceChecklist(replay(both));
    expect(list.consultations.map((c) => c.involvementId)).toEqual(['inv-1']);
    expect(list.informationAdviceSupport.map((c) => c.involvementId)).toEqual(['inv-2']);
  });

  it('reg 7(a) "throughout the process of assessment and production of an EHC plan": also while the draft is with the family; not before the decision to assess', () => {
    const drafted = history(steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft());
    spec.given(drafted).when(involve({}, '2025-04-20')).thenMatches([{ type: 'ehc.family-involvement-recorded.v1' }]);
    spec.given(history(steps.request())).when(involve({}, '2025-01-10')).thenThrows(E.AssessmentNotAgreedError);
  });

  it('regs 7, 9: who, kind, provider and method are checked; an id is used once', () => {
    spec.given(assessing()).when(involve({ who: [] })).thenThrows(E.InvalidCommandError, /who/);
    spec.given(assessing()).when(involve({ who: ['parent', 'parent'] })).thenThrows(E.InvalidCommandError, /who/);
    spec.given(assessing()).when(involve({ who: ['neighbour'] })).thenThrows(E.InvalidCommandError, /who/);
    spec.given(assessing()).when(involve({ kind: 'chat' })).thenThrows(E.InvalidCommandError, /kind/);
    spec.given(assessing()).when(involve({ method: 'pigeon' })).thenThrows(E.InvalidCommandError, /method/);
    spec.given(run(assessing(), involve())).when(involve()).thenThrows(E.DuplicateIdError);
  });
});
