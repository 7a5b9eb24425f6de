import type { AdviceType, Agency } from '@tio/ehc-domain';
import { DeciderSpecification } from '@tio/ehc-domain/testing';
import {
  adviceDecider,
  adviceStreamName,
  AdviceAlreadySubmittedError,
  AdviceNotRequestedError,
  AdviceNotSubmittedError,
  AdviceWithdrawnError,
  AgencyCannotGiveAdviceError,
  CorrectionWithoutChangeError,
  currentAdvice,
  InvalidAdviceError,
  InvalidCitationError,
  isRetryOfAdvice,
  decideAdvice,
  StaleAdviceVersionError,
  WrongAdviceStreamError,
  ADVICE_EVENT_TYPES,
  type AdviceCommand,
  type AdviceEvent,
  type CorrectAdvice,
  type SubmitAdvice,
  type WithdrawAdvice,
} from './index';

const spec = DeciderSpecification(adviceDecider);
const KEY = { caseId: 'case-1', assessmentId: 'asmt-1', agency: 'health' as Agency, adviceType: 'medical' as AdviceType };
const BY = { userRef: 'user-paed-1', organisationRef: 'nhs-trust-RX1' };
const REQUEST = { caseId: 'case-1', assessmentId: 'asmt-1', adviceRequestId: 'req-med', agency: 'health' as Agency, adviceType: 'medical' as AdviceType };
const SECTIONS = [{ heading: 'Health needs', text: 'Asthma, well controlled.' }];

const submit = (over: Partial<SubmitAdvice> = {}): AdviceCommand => ({ type: 'SubmitAdvice', ...KEY, idempotencyKey: 'k-1', at: '2025-03-01', by: BY, adviceId: 'adv-1', request: REQUEST, sections: SECTIONS, ...over });
const correct = (over: Partial<CorrectAdvice> = {}): AdviceCommand => ({
  type: 'CorrectAdvice', ...KEY, idempotencyKey: 'k-2', at: '2025-03-05', by: { userRef: 'user-paed-2' }, reason: 'Wrong inhaler named', sections: [{ heading: 'Health needs', text: 'Asthma; blue inhaler in school.' }], ...over,
});
const withdraw = (over: Partial<WithdrawAdvice> = {}): AdviceCommand => ({ type: 'WithdrawAdvice', ...KEY, idempotencyKey: 'k-3', at: '2025-03-07', by: BY, reason: 'Given for the wrong child', ...over });

function run(...commands: AdviceCommand[]): AdviceEvent[] {
  const events: AdviceEvent[] = [];
  let state = adviceDecider.initialState();
  for (const c of commands) for (const e of adviceDecider.decide(c, state)) {
    events.push(e);
    state = adviceDecider.evolve(state, e);
  }
  return events;
}
const fold = (events: AdviceEvent[]) => events.reduce(adviceDecider.evolve, adviceDecider.initialState());

describe('advice: submitting advice once (SEND Regulations 2014 reg 6(1), 8)', () => {
  it('records version 1 with who gave it, the request it answers, and its content', () => {
    const [event] = spec.given([]).when(submit()).thenMatches([
      {
        type: 'advice.submitted.v1',
        data: { ...KEY, adviceRequestId: 'req-med', adviceId: 'adv-1', version: 1, by: BY, idempotencyKey: 'k-1', submittedOn: '2025-03-01', sections: SECTIONS, citations: [] },
      },
    ]);
    expect(event.data.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a second submission (different key) fails: correct it instead (AdviceAlreadySubmittedError)', () => {
    spec.given(run(submit())).when(submit({ idempotencyKey: 'k-9', adviceId: 'adv-2' })).thenThrows(AdviceAlreadySubmittedError);
  });

  it('names one stream per case, assessment, agency and advice type', () => {
    expect(adviceStreamName(KEY)).toBe('advice-case-1-asmt-1-health-medical');
  });

  it('rejects empty advice, a missing author or an invalid date (InvalidAdviceError)', () => {
    spec.given([]).when(submit({ sections: [] })).thenThrows(InvalidAdviceError);
    spec.given([]).when(submit({ sections: [{ heading: '', text: 'x' }] })).thenThrows(InvalidAdviceError);
    spec.given([]).when(submit({ by: { userRef: '' } })).thenThrows(InvalidAdviceError);
    spec.given([]).when(submit({ at: '2025-02-30' })).thenThrows(InvalidAdviceError);
    spec.given([]).when(submit({ idempotencyKey: '' })).thenThrows(InvalidAdviceError);
  });

  it('a command for another stream fails (WrongAdviceStreamError)', () => {
    spec.given(run(submit())).when(correct({ assessmentId: 'asmt-2' })).thenThrows(WrongAdviceStreamError);
  });
});

describe('advice: only when the case asked for it', () => {
  it('advice the case never requested fails (AdviceNotRequestedError)', () => {
    spec.given([]).when(submit({ request: undefined })).thenThrows(AdviceNotRequestedError);
  });
  it.each([
    ['another case', { caseId: 'case-2' }],
    ['another assessment', { assessmentId: 'asmt-0' }],
    ['another agency', { agency: 'education' as Agency }],
    ['another advice type', { adviceType: 'psychological' as AdviceType }],
  ])('a request for %s does not authorise this advice (AdviceNotRequestedError)', (_what, over) => {
    spec.given([]).when(submit({ request: { ...REQUEST, ...over } })).thenThrows(AdviceNotRequestedError);
  });
});

describe('advice: an agency gives only its own advice types (reg 6(1))', () => {
  const as = (agency: Agency, adviceType: AdviceType) => submit({ agency, adviceType, request: { ...REQUEST, agency, adviceType } });
  it.each([
    ['health', 'medical'], ['education', 'educational'], ['education', 'psychological'], ['education', 'vision-hearing'], ['social-care', 'social-care'],
    ['local-authority', 'parent-views'], ['health', 'preparing-for-adulthood'], ['social-care', 'other'], ['education', 'requested-by-family'],
  ] as Array<[Agency, AdviceType]>)('%s may give %s advice', (agency, adviceType) => {
    spec.given([]).when(as(agency, adviceType)).thenMatches([{ type: 'advice.submitted.v1', data: { agency, adviceType } }]);
  });
  it.each([
    ['education', 'medical'], ['social-care', 'medical'], ['health', 'educational'], ['health', 'psychological'], ['social-care', 'vision-hearing'],
    ['education', 'social-care'], ['health', 'parent-views'], ['education', 'parent-views'], ['other', 'medical'],
  ] as Array<[Agency, AdviceType]>)('%s may not give %s advice (AgencyCannotGiveAdviceError)', (agency, adviceType) => {
    spec.given([]).when(as(agency, adviceType)).thenThrows(AgencyCannotGiveAdviceError);
  });
});

describe('advice: what makes a retry the same command', () => {
  const recorded = (command: AdviceCommand) => decideAdvice(command, fold([]));
  it('the same content under the same key is a retry, whatever its date', () => {
    expect(isRetryOfAdvice(submit({ at: '2025-03-02' }), recorded(submit()))).toBe(true);
  });
  it('other content under the same key is not', () => {
    expect(isRetryOfAdvice(submit({ sections: [{ heading: 'Health needs', text: 'Different' }] }), recorded(submit()))).toBe(false);
    expect(isRetryOfAdvice(correct({ idempotencyKey: 'k-1' }), recorded(submit()))).toBe(false);
  });
});

describe('advice: corrections are new versions; history is kept', () => {
  it('a correction supersedes the current version and records who, when and why', () => {
    spec.given(run(submit())).when(correct()).thenMatches([
      {
        type: 'advice.corrected.v1',
        data: { ...KEY, adviceId: 'adv-1', adviceRequestId: 'req-med', version: 2, supersedesVersion: 1, correctedOn: '2025-03-05', by: { userRef: 'user-paed-2' }, reason: 'Wrong inhaler named' },
      },
    ]);
  });
  it('keeps every version: the old one marked superseded, the new one current', () => {
    const state = fold(run(submit(), correct(), correct({ idempotencyKey: 'k-4', at: '2025-03-06', reason: 'Typo', sections: [{ heading: 'Health needs', text: 'Asthma; blue inhaler kept in school.' }] })));
    expect(state.history.map((v) => [v.version, v.kind, v.supersededOn])).toEqual([[1, 'submitted', '2025-03-05'], [2, 'corrected', '2025-03-06'], [3, 'corrected', undefined]]);
    expect(currentAdvice(state)?.version).toBe(3);
    expect(state.history[0].sections).toEqual(SECTIONS);
  });
  it('correcting a version that is no longer current fails (StaleAdviceVersionError)', () => {
    spec.given(run(submit(), correct())).when(correct({ idempotencyKey: 'k-9', correctsVersion: 1 })).thenThrows(StaleAdviceVersionError);
    spec.given(run(submit(), correct())).when(correct({ idempotencyKey: 'k-9', correctsVersion: 2, sections: SECTIONS })).thenMatches([{ data: { version: 3 } }]);
  });
  it('a correction without a reason fails; a correction that changes nothing fails (CorrectionWithoutChangeError)', () => {
    spec.given(run(submit())).when(correct({ reason: ' ' })).thenThrows(InvalidAdviceError);
    spec.given(run(submit())).when(correct({ sections: SECTIONS })).thenThrows(CorrectionWithoutChangeError);
  });
  it('correcting advice never submitted fails (AdviceNotSubmittedError)', () => {
    spec.given([]).when(correct()).thenThrows(AdviceNotSubmittedError);
  });
});

describe('advice: withdrawal', () => {
  it('withdraws the current advice with who and why', () => {
    spec.given(run(submit())).when(withdraw()).thenMatches([{ type: 'advice.withdrawn.v1', data: { adviceId: 'adv-1', version: 1, withdrawnOn: '2025-03-07', reason: 'Given for the wrong child' } }]);
  });
  it('after a withdrawal: no correction, no second withdrawal (AdviceWithdrawnError); new advice needs a new id', () => {
    const withdrawn = run(submit(), withdraw());
    spec.given(withdrawn).when(correct()).thenThrows(AdviceWithdrawnError);
    spec.given(withdrawn).when(withdraw({ idempotencyKey: 'k-8' })).thenThrows(AdviceWithdrawnError);
    spec.given(withdrawn).when(submit({ idempotencyKey: 'k-7' })).thenThrows(AdviceWithdrawnError);
    spec.given(withdrawn).when(submit({ idempotencyKey: 'k-7', adviceId: 'adv-2' })).thenMatches([{ type: 'advice.submitted.v1', data: { adviceId: 'adv-2', version: 2 } }]);
  });
  it('withdrawing advice never submitted fails (AdviceNotSubmittedError); a withdrawal needs a reason', () => {
    spec.given([]).when(withdraw()).thenThrows(AdviceNotSubmittedError);
    spec.given(run(submit())).when(withdraw({ reason: '' })).thenThrows(InvalidAdviceError);
  });
});

describe('advice: citing other advice instead of copying it (tell it once)', () => {
  it('advice may cite other agencies’ advice by id (and version)', () => {
    const citations = [{ adviceId: 'ep-advice-7', version: 2, agency: 'education' as Agency }, { adviceId: 'sc-advice-3' }];
    spec.given([]).when(submit({ citations })).thenMatches([{ data: { citations } }]);
  });
  it('advice may consist only of citations', () => {
    spec.given([]).when(submit({ sections: [], citations: [{ adviceId: 'ep-advice-7' }] })).thenMatches([{ data: { sections: [], citations: [{ adviceId: 'ep-advice-7' }] } }]);
  });
  it('a correction may add a citation', () => {
    spec.given(run(submit())).when(correct({ sections: SECTIONS, citations: [{ adviceId: 'ep-advice-7' }] })).thenMatches([{ data: { version: 2, citations: [{ adviceId: 'ep-advice-7' }] } }]);
  });
  it('citing itself, citing twice or citing without an id fails (InvalidCitationError)', () => {
    spec.given([]).when(submit({ citations: [{ adviceId: 'adv-1' }] })).thenThrows(InvalidCitationError);
    spec.given([]).when(submit({ citations: [{ adviceId: 'x' }, { adviceId: 'x' }] })).thenThrows(InvalidCitationError);
    spec.given([]).when(submit({ citations: [{ adviceId: '' }] })).thenThrows(InvalidCitationError);
    spec.given([]).when(submit({ citations: [{ adviceId: 'x', version: 0 }] })).thenThrows(InvalidCitationError);
  });
});

describe('advice: the event list', () => {
  it('lists every advice event type, namespaced and versioned', () => {
    expect(ADVICE_EVENT_TYPES.map((e) => e.type)).toEqual(['advice.submitted.v1', 'advice.corrected.v1', 'advice.withdrawn.v1']);
  });
});
