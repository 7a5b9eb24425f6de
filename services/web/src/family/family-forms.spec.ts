import { actionsFor } from './family.controller';
import { familyRequest, problemErrors } from './family-forms';

const CASE = '5b2f6a0e-8f7e-4a43-9c1d-2f0a6b7c8d9e';

describe("the family's forms (pure): what each posts to the case service", () => {
  it('Given the views questions answered, when posted, then only the answered ones are sent as sections', () => {
    expect(familyRequest('views', CASE, { 'views-1': ' Trains. ', 'views-2': '', 'views-3': 'Pictures help.' })).toEqual({
      path: `/cases/${CASE}/family/views`,
      body: { sections: [{ heading: 'What matters to your child', text: 'Trains.' }, { heading: 'How best to help', text: 'Pictures help.' }] },
    });
  });

  it('Given no views at all, then the first question says what to do, and nothing is sent', () => {
    expect(familyRequest('views', CASE, {})).toEqual({ errors: [{ field: 'views-1', text: 'Tell us what matters to your child, or answer one of the other questions' }] });
  });

  it('Given a reply to the draft, then the comments, the school and the ticked options are sent; an empty reply is refused here', () => {
    expect(familyRequest('draft-response', CASE, { comments: 'Add therapy.', school: 'urn:school:1', meeting: 'yes' })).toEqual({
      path: `/cases/${CASE}/family/draft-response`, body: { comments: 'Add therapy.', preferredSettingRef: 'urn:school:1', meetingRequested: true },
    });
    expect(familyRequest('draft-response', CASE, { 'nothing-more': 'yes' })).toEqual({ path: `/cases/${CASE}/family/draft-response`, body: { nothingMoreToSay: true } });
    expect(familyRequest('draft-response', CASE, {})).toMatchObject({ errors: [{ field: 'comments' }] });
  });

  it('Given a request for advice without the role, then each missing answer is named on its field', () => {
    expect(familyRequest('ask-advice', CASE, { 'adviser-name': 'Dr Ann Example' })).toEqual({ errors: [{ field: 'adviser-role', text: 'Enter what they do, for example speech and language therapist' }] });
    expect(familyRequest('ask-advice', CASE, { 'adviser-name': 'Dr Ann Example', 'adviser-role': 'therapist' })).toEqual({ path: `/cases/${CASE}/family/advice-requests`, body: { adviserName: 'Dr Ann Example', adviserRole: 'therapist' } });
  });

  it('Given a review request, then the choice picks the route; no choice is an error on the radios', () => {
    expect(familyRequest('ask-review', CASE, { kind: 'reassessment' })).toEqual({ path: `/cases/${CASE}/family/reassessment-requests`, body: {} });
    expect(familyRequest('ask-review', CASE, { kind: 'early-review' })).toEqual({ path: `/cases/${CASE}/family/early-review-requests`, body: {} });
    expect(familyRequest('ask-review', CASE, {})).toEqual({ errors: [{ field: 'kind', text: 'Choose what you want to ask for' }] });
  });

  it("When the case service refuses, then its named fields land on the form's fields and anything else on the form", () => {
    expect(problemErrors({ status: 400, errors: [{ field: 'preferredSettingRef', reasons: ['must be a school reference'] }] }, 'draft-response-form'))
      .toEqual([{ field: 'school', text: 'Enter the school’s reference, for example its URN from Get information about schools' }]);
    expect(problemErrors({ status: 409, detail: 'The draft plan is not open for comments' }, 'draft-response-form')).toEqual([{ field: 'draft-response-form', text: 'The draft plan is not open for comments' }]);
  });
});

describe('what the family may do now (offered by stage; the case service checks again)', () => {
  const view = (status: string, mayAct = true) => ({ stage: { status, text: '' }, you: { relationship: 'parent', mayAct, why: '' } });
  it('offers views and advice during the assessment, the reply with a draft, a reassessment or early review with a plan', () => {
    expect(actionsFor(view('assessing'), true).map((a) => a.action)).toEqual(['views', 'ask-advice']);
    expect(actionsFor(view('draft-issued'), true).map((a) => a.action)).toEqual(['draft-response']);
    expect(actionsFor(view('plan-in-force'), true).map((a) => a.action)).toEqual(['ask-review']);
  });
  it('offers nothing to a member who may only see, or when the web service cannot reach the case service', () => {
    expect(actionsFor(view('assessing', false), true)).toEqual([]);
    expect(actionsFor(view('assessing'), false)).toEqual([]);
  });
});
