import type { AdviceType, Agency } from '@tio/ehc-domain';
import { adviceDecider, CorrectionWithoutChangeError, currentAdvice, InvalidAdviceError, type AdviceCommand, type AdviceEvent, type CorrectAdvice, type SubmitAdvice } from './index';

// Issue #21: an agency may keep its advice from the family's view on a lawful ground (DPA 2018 Sch 3); the marker
// travels with the advice version (the timeline's family rule reads it; the practitioners keep the reason).
const KEY = { caseId: 'case-1', assessmentId: 'asmt-1', agency: 'social-care' as Agency, adviceType: 'social-care' as AdviceType };
const REQUEST = { ...KEY, adviceRequestId: 'req-sc' };
const SECTIONS = [{ heading: 'Social care needs', text: 'Known to the children in need team.' }];
const submit = (over: Partial<SubmitAdvice> = {}): AdviceCommand => ({ type: 'SubmitAdvice', ...KEY, idempotencyKey: 'k-1', at: '2025-03-01', by: { userRef: 'sw-1' }, adviceId: 'adv-sc', request: REQUEST, sections: SECTIONS, ...over });
const correct = (over: Partial<CorrectAdvice> = {}): AdviceCommand => ({ type: 'CorrectAdvice', ...KEY, idempotencyKey: 'k-2', at: '2025-03-05', by: { userRef: 'sw-1' }, reason: 'Marker changed', sections: SECTIONS, ...over });

function run(...commands: AdviceCommand[]): AdviceEvent[] {
  const events: AdviceEvent[] = [];
  let state = adviceDecider.initialState();
  for (const c of commands) for (const e of adviceDecider.decide(c, state)) {
    events.push(e);
    state = adviceDecider.evolve(state, e);
  }
  return events;
}

describe('advice withheld from the family: the marker and its reason', () => {
  it('Given a request, when social care submits advice marked serious-harm, then the event carries the marker and the version keeps it', () => {
    const events = run(submit({ withheldFromFamily: { reason: 'serious-harm' } }));
    expect(events[0].data).toMatchObject({ withheldFromFamily: { reason: 'serious-harm' } });
    expect(currentAdvice(events.reduce(adviceDecider.evolve, adviceDecider.initialState()))?.withheldFromFamily).toEqual({ reason: 'serious-harm' });
  });

  it('Given advice without the marker, when submitted, then the event has no marker at all (the family sees it with the draft)', () => {
    expect(Object.keys(run(submit())[0].data)).not.toContain('withheldFromFamily');
  });

  it('When the reason is not a lawful ground from the list, then nothing is recorded', () => {
    expect(() => run(submit({ withheldFromFamily: { reason: 'because' as never } }))).toThrow(InvalidAdviceError);
  });

  it('Given marked advice, when a correction with the same text lifts the marker, then it is a change (a new version without it)', () => {
    const events = run(submit({ withheldFromFamily: { reason: 'third-party-information' } }), correct());
    expect(events.map((e) => e.type)).toEqual(['advice.submitted.v1', 'advice.corrected.v1']);
    expect(Object.keys(events[1].data)).not.toContain('withheldFromFamily');
  });

  it('Given marked advice, when a correction keeps the same text and the same marker, then it changes nothing', () => {
    expect(() => run(submit({ withheldFromFamily: { reason: 'serious-harm' } }), correct({ withheldFromFamily: { reason: 'serious-harm' } }))).toThrow(CorrectionWithoutChangeError);
  });
});
