import type { Request, Response } from 'express';
import type { WebSession } from '../auth/sessions';
import { Renderer } from '../render';
import { isResponsibleCaseOfficer } from './case-page-view';
import { actionsView, answerBody, draftIssuedOn, openEarlyReviews, problemErrors, shareableAdvice, shareRequest, type FormState } from './caseworker-forms';
import type { TimelineEntry } from './entry-text';

const CASE = '5b2f6a0e-8f7e-4a43-9c1d-2f0a6b7c8d9e';
const RID = '0f8d3c1e-6a2b-4c5d-8e9f-1a2b3c4d5e6f';
let n = 0;
const entry = (type: string, occurredAt: string, details: Record<string, unknown>, agency = 'local-authority'): TimelineEntry => ({
  id: `e${++n}`, kind: 'advice', title: type, summary: '', agency, occurredAt: `${occurredAt}T10:00:00.000Z`, recordedAt: `${occurredAt}T10:00:0${n % 10}.000Z`, details, source: { type },
});
const submitted = (adviceId: string, on: string, extra: Record<string, unknown> = {}) =>
  entry('advice.submitted.v1', on, { adviceId, version: 1, agency: 'education', adviceType: 'educational', submittedOn: on, ...extra }, 'education');

describe('the case officer’s forms on the case page', () => {
  it('given the case’s advice, then the share form lists the current version of each, not withdrawn, not withheld from the family, not shared yet', () => {
    const entries = [
      submitted('ep-1', '2026-02-01'),
      entry('advice.corrected.v1', '2026-02-10', { adviceId: 'ep-1', version: 2, agency: 'education', adviceType: 'educational', correctedOn: '2026-02-10' }, 'education'),
      entry('advice.submitted.v1', '2026-02-02', { adviceId: 'med-1', version: 1, agency: 'health', adviceType: 'medical', submittedOn: '2026-02-02' }, 'health'),
      entry('advice.submitted.v1', '2026-02-03', { adviceId: 'sc-1', version: 1, agency: 'social-care', adviceType: 'social-care', submittedOn: '2026-02-03', withheldFromFamily: { reason: 'risk-of-harm' } }, 'social-care'),
      submitted('gone-1', '2026-02-04'),
      entry('advice.withdrawn.v1', '2026-02-05', { adviceId: 'gone-1', version: 1, agency: 'education', adviceType: 'educational', withdrawnOn: '2026-02-05' }, 'education'),
      submitted('shared-1', '2026-02-06'),
      entry('ehc.advice-shared-with-family.v1', '2026-02-07', { shareId: 's1', scope: 'listed', adviceIds: ['shared-1'], sharedOn: '2026-02-07' }),
      entry('advice.submitted.v1', '2026-02-08', { adviceId: 'views-1', version: 1, agency: 'local-authority', adviceType: 'parent-views', submittedOn: '2026-02-08' }),
      entry('ehc.advice-reused.v1', '2026-02-09', { reuseId: 'u1', adviceId: 'psy-0', version: 3, agency: 'education', adviceType: 'psychological', agreedOn: '2026-02-09' }),
    ];
    expect(shareableAdvice(entries)).toEqual([
      { adviceId: 'ep-1', version: 2, agency: 'education', adviceType: 'educational', label: 'Educational advice from Education, version 2, given on 10 February 2026' },
      { adviceId: 'med-1', version: 1, agency: 'health', adviceType: 'medical', label: 'Medical advice from Health, version 1, given on 2 February 2026' },
      { adviceId: 'psy-0', version: 3, agency: 'education', adviceType: 'psychological', label: 'Psychological advice from Education, version 3, re-used by agreement on 9 February 2026' },
    ]);
    // a later version marked withheld takes the advice off the list
    expect(shareableAdvice([...entries, entry('advice.corrected.v1', '2026-02-11', { adviceId: 'med-1', version: 2, agency: 'health', adviceType: 'medical', correctedOn: '2026-02-11', withheldFromFamily: { reason: 'third-party-information' } }, 'health')]).map((a) => a.adviceId)).toEqual(['ep-1', 'psy-0']);
  });

  it('given requests for an early review, then the answer form offers those not agreed or declined, oldest first', () => {
    const entries = [
      entry('ehc.early-review-requested.v1', '2026-03-02', { earlyReviewRequestId: 'r2', requestedBy: 'institution', requestedOn: '2026-03-02' }),
      entry('ehc.early-review-requested.v1', '2026-03-01', { earlyReviewRequestId: RID, requestedBy: 'parent-or-young-person', requestedOn: '2026-03-01' }),
      entry('ehc.early-review-requested.v1', '2026-01-01', { earlyReviewRequestId: 'r0', requestedBy: 'local-authority', requestedOn: '2026-01-01' }),
      entry('ehc.early-review-declined.v1', '2026-01-05', { earlyReviewRequestId: 'r0', declinedOn: '2026-01-05' }),
    ];
    expect(openEarlyReviews(entries)).toEqual([
      { earlyReviewRequestId: RID, requestedBy: 'parent-or-young-person', requestedOn: '2026-03-01', label: 'Asked for by the parent or young person on 1 March 2026' },
      { earlyReviewRequestId: 'r2', requestedBy: 'institution', requestedOn: '2026-03-02', label: 'Asked for by the school or college on 2 March 2026' },
    ]);
  });

  it('given the share form, when posted, then the ticked advice is sent; nothing ticked or advice no longer offered is refused here (an empty list would share everything)', () => {
    const offered = shareableAdvice([submitted('ep-1', '2026-02-01'), submitted('ep-2', '2026-02-02')]);
    expect(shareRequest({ adviceIds: 'ep-1' }, offered)).toEqual({ body: { adviceIds: ['ep-1'] } });
    expect(shareRequest({ adviceIds: ['ep-2', 'ep-1', 'ep-2'] }, offered)).toEqual({ body: { adviceIds: ['ep-2', 'ep-1'] } });
    expect(shareRequest({}, offered)).toEqual({ errors: [{ field: 'adviceIds', text: 'Select the advice to share with the family' }] });
    expect(shareRequest({ adviceIds: ['ep-1', 'withheld-1'] }, offered)).toMatchObject({ errors: [{ field: 'adviceIds', text: expect.stringMatching(/can no longer be shared/) }] });
  });

  it('given the answer form, when posted, then agreed sends the meeting date as YYYY-MM-DD and declined the reasons; only the chosen answer’s fields are sent', () => {
    const typed = { 'meetingOn-day': '6', 'meetingOn-month': '1', 'meetingOn-year': '2027', reasons: '  Reviewed in November. ' };
    expect(answerBody({ answer: 'agreed', ...typed })).toEqual({ answer: 'agreed', meetingOn: '2027-01-06' });
    expect(answerBody({ answer: 'declined', ...typed })).toEqual({ answer: 'declined', reasons: 'Reviewed in November.' });
    // left for the case service to refuse with its reasons: an empty date, empty reasons, no answer
    expect(answerBody({ answer: 'agreed' })).toEqual({ answer: 'agreed' });
    expect(answerBody({ answer: 'declined' })).toEqual({ answer: 'declined', reasons: '' });
    expect(answerBody({})).toEqual({ answer: '' });
  });

  it('given the case service’s Problem Details, then each field it names is a message on the form field; a refusal of the step on the form', () => {
    expect(problemErrors({ status: 400, errors: [{ field: 'reasons', reasons: ['reasons should not be empty'] }] }, 'answer-early-review')).toEqual([{ field: 'reasons', text: 'Enter why the early review is declined' }]);
    expect(problemErrors({ status: 400, errors: [{ field: 'answer', reasons: ['answer must be one of the following values: agreed, declined'] }] }, 'answer-early-review')).toEqual([{ field: 'answer', text: 'Select whether you agree to the early review' }]);
    expect(problemErrors({ status: 400, errors: [{ field: 'meetingOn', reasons: ['meetingOn must be a date as YYYY-MM-DD'] }] }, 'answer-early-review')).toEqual([
      { field: 'meetingOn-day', text: 'Enter the date of the review meeting as a real date, for example 16 2 2027' },
    ]);
    // a domain rule: the meeting before the day of the answer (409, its details name no field)
    expect(problemErrors({ status: 409, code: 'chronology', detail: '2026-01-01 is before the day the early review was agreed (2026-03-05)', details: { at: '2026-01-01', earlier: '2026-03-05' } }, 'answer-early-review')).toEqual([
      { field: 'meetingOn-day', text: 'The review meeting must be on or after the day the early review is agreed' },
    ]);
    expect(problemErrors({ status: 409, code: 'advice-not-on-case', detail: 'Advice not on this case: ep-9', details: { adviceIds: ['ep-9'] } }, 'share-advice')).toEqual([
      { field: 'adviceIds', text: 'The case service does not have this advice on the case: Advice not on this case: ep-9' },
    ]);
    expect(problemErrors({ status: 409, code: 'early-review-already-answered', detail: 'The request for an early review was answered (agreed) on 2026-03-05' }, 'answer-early-review')).toEqual([
      { field: 'answer-early-review', text: 'The request for an early review was answered (agreed) on 2026-03-05' },
    ]);
  });

  it('given who is signed in, then only a case officer of the local authority responsible now gets the forms, and never on the case as at a day', () => {
    const who = (roles: string[], organisationId: string) => ({ principal: { roles, organisationId } }) as unknown as WebSession;
    const now = { status: { asOf: '2026-03-10', caseStatus: 'plan-maintained', localAuthority: 'E10000028', deadlines: [], overdue: [] } };
    expect(isResponsibleCaseOfficer(who(['case-officer', 'practitioner'], 'E10000028'), now)).toBe(true);
    expect(isResponsibleCaseOfficer(who(['case-officer'], 'E09000033'), now)).toBe(false);
    expect(isResponsibleCaseOfficer(who(['practitioner'], 'E10000028'), now)).toBe(false);
    expect(isResponsibleCaseOfficer(who(['auditor'], 'E10000028'), now)).toBe(false);
    expect(isResponsibleCaseOfficer(who(['case-officer'], 'E10000028'), { ...now, asAt: { date: '2026-01-01', reading: 'business' } })).toBe(false);
  });

  describe('rendered on the case page', () => {
    const actions = {
      shareable: shareableAdvice([submitted('ep-1', '2026-02-01'), submitted('ep-2', '2026-02-02')]),
      earlyReviews: openEarlyReviews([entry('ehc.early-review-requested.v1', '2026-03-01', { earlyReviewRequestId: RID, requestedBy: 'parent-or-young-person', requestedOn: '2026-03-01' })]),
    };
    const status = { asOf: '2026-03-10', caseStatus: 'plan-maintained', localAuthority: 'E10000028', deadlines: [], overdue: [] };
    const render = (state: FormState | undefined, extra: Record<string, unknown> = {}) => {
      let html = '';
      const res = { locals: {}, status: () => res, type: () => res, send: (h: string) => (html = h) } as unknown as Response;
      const errors = (state?.errors ?? []).map((e) => ({ text: e.text, href: `#${e.field}` }));
      new Renderer().page({} as Request, res, 'case.njk', {
        title: 'Case', caseId: CASE, entries: [], entryCount: 0, status, clock: { running: [], lapsed: [] }, stage: { text: 'Plan in force' }, deadlines: [], lapsed: [],
        picked: { typed: {} }, errors, stageName: 'Plan maintained', responsible: {}, actionsView: actionsView(CASE, actions, state, () => 'key-12345678'), ...extra,
      });
      return html;
    };

    it('given a case officer of the responsible authority, then both forms post to this service with the CSRF token and an Idempotency-Key, the advice as checkboxes and the answer as radios', () => {
      const html = render(undefined);
      expect(html).toContain(`action="/cases/${CASE}/advice-shares"`);
      expect(html).toContain(`action="/cases/${CASE}/early-review-requests/${RID}/answer"`);
      expect(html.match(/name="idempotencyKey" value="key-12345678"/g)).toHaveLength(2);
      expect(html).toMatch(/<input class="govuk-checkboxes__input" id="adviceIds" name="adviceIds" type="checkbox" value="ep-1"/);
      expect(html).toContain('Educational advice from Education, version 1, given on 2 February 2026');
      expect(html).toContain('Asked for by the parent or young person on 1 March 2026.');
      expect(html).toMatch(/id="answer" name="answer" type="radio" value="agreed"/);
      expect(html).toContain('id="meetingOn-day" name="meetingOn-day"');
      expect(html).toContain('id="reasons" name="reasons"');
      expect(html).not.toContain('govuk-error-summary');
    });

    it('given a refused answer, then the error summary links to the field, the message is beside it, and what was typed is kept', () => {
      const html = render({ form: 'answer-early-review', values: { answer: 'declined', reasons: '', csrf: 'x' }, errors: [{ field: 'reasons', text: 'Enter why the early review is declined' }] });
      expect(html).toMatch(/govuk-error-summary[\s\S]*<a href="#reasons">Enter why the early review is declined<\/a>/);
      expect(html).toMatch(/<p id="reasons-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:<\/span> Enter why the early review is declined/);
      expect(html).toMatch(/value="declined" checked/);
      // the as-at picker is not marked wrong by another form's error
      expect(html).not.toContain('id="asAt-error"');
    });

    it('given a refused share, then the ticked advice stays ticked and the message is on the checkboxes', () => {
      const html = render({ form: 'share-advice', values: { adviceIds: ['ep-2'] }, errors: [{ field: 'share-advice', text: 'The case is closed' }] });
      expect(html).toMatch(/value="ep-2" checked/);
      expect(html).not.toMatch(/value="ep-1" checked/);
      expect(html).toContain('<span class="govuk-visually-hidden">Error:</span> The case is closed');
    });

    it('given the draft plan issued (reg 13: the family sees the advice with it), then no share form, the early review form still', () => {
      const draft = draftIssuedOn([entry('ehc.draft-plan-issued.v1', '2026-04-06', { planId: 'p1', issuedOn: '2026-04-06', commentsDueOn: '2026-04-21' })]);
      expect(draft).toBe('2026-04-06');
      const html = render(undefined, { actionsView: actionsView(CASE, { ...actions, draftIssuedOn: draft }, undefined, () => 'key-12345678') });
      expect(html).not.toContain('advice-shares');
      expect(html).not.toContain('Share advice with the family');
      expect(html).toContain(`action="/cases/${CASE}/early-review-requests/${RID}/answer"`);
    });

    it('given anyone else (no forms for them), then neither form is on the page', () => {
      const html = render(undefined, { actionsView: undefined });
      expect(html).not.toContain('advice-shares');
      expect(html).not.toContain('early-review-requests');
    });
  });
});
