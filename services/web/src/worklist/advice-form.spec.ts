import { adviceBody, dateFrom, formErrors, sectionsFrom } from './advice-form';

const request = { adviceRequestId: '6f1c0c4e-1f0b-4f61-9d7b-3d1f5d5b2a10', adviceType: 'educational', assessmentId: 'a1', currentVersion: 2 };

describe('the advice form', () => {
  it('given the three date boxes, when posted, then the API gets YYYY-MM-DD; blank boxes leave the date to the API (today)', () => {
    expect(dateFrom({ 'at-day': '3', 'at-month': '2', 'at-year': '2026' }, 'at')).toBe('2026-02-03');
    expect(dateFrom({}, 'at')).toBeUndefined();
    // what cannot be a date is passed on as typed, for the API to refuse with its reason
    expect(dateFrom({ 'at-day': '31', 'at-month': '', 'at-year': '2026' }, 'at')).toBe('2026--31');
  });

  it('given sections, when posted, then the first is always sent and the others only when filled', () => {
    expect(sectionsFrom({})).toEqual([{ heading: '', text: '' }]);
    expect(sectionsFrom({ 'section-1-heading': ' Learning ', 'section-1-text': 'Reads at age 7.', 'section-3-text': 'More' })).toEqual([
      { heading: 'Learning', text: 'Reads at age 7.' }, { heading: '', text: 'More' },
    ]);
  });

  it('given each action, when posted, then the body is the agency API’s command', () => {
    const form = { 'section-1-heading': 'Learning', 'section-1-text': 'Reads well', reason: 'Wrong reading age', 'at-day': '1', 'at-month': '3', 'at-year': '2026' };
    expect(adviceBody('give', form, request)).toEqual({ adviceRequestId: request.adviceRequestId, adviceType: 'educational', sections: [{ heading: 'Learning', text: 'Reads well' }], at: '2026-03-01' });
    expect(adviceBody('correct', form, request)).toEqual({ reason: 'Wrong reading age', sections: [{ heading: 'Learning', text: 'Reads well' }], at: '2026-03-01', correctsVersion: 2, assessmentId: 'a1' });
    expect(adviceBody('withdraw', form, request)).toEqual({ reason: 'Wrong reading age', at: '2026-03-01', assessmentId: 'a1' });
  });

  it('given the API’s Problem Details naming fields, then each becomes a message on its form field', () => {
    const errors = formErrors({
      status: 400, code: 'validation-failed', detail: 'Validation failed: sections[0].heading, sections[0].text, at',
      errors: [
        { field: 'sections[0].heading', reasons: ['heading must be longer than or equal to 1 characters'] },
        { field: 'sections[0].text', reasons: ['text must be longer than or equal to 1 characters'] },
        { field: 'at', reasons: ['at must be a real calendar date'] },
      ],
    }, 'give');
    expect(errors).toEqual([
      { field: 'section-1-heading', text: 'Enter a heading for section 1' },
      { field: 'section-1-text', text: 'Enter the advice for section 1' },
      { field: 'at-day', text: 'The date the advice was given must be a real date, for example 27 3 2026' },
    ]);
    expect(formErrors({ status: 422, code: 'date-in-future', errors: [{ field: 'at', reasons: ['at must not be after today (2026-11-30 in England): a step is recorded when it has happened'] }] }, 'withdraw')).toEqual([
      { field: 'at-day', text: 'The date the advice was withdrawn must be today or in the past' },
    ]);
    expect(formErrors({ status: 400, errors: [{ field: 'reason', reasons: ['reason must be longer than or equal to 1 characters'] }] }, 'withdraw')).toEqual([{ field: 'reason', text: 'Enter why the advice is withdrawn' }]);
  });

  it('given a refusal about the advice as a whole, then the summary says the API’s reason on the form', () => {
    expect(formErrors({ status: 409, code: 'version-conflict', detail: 'Version 3 is current: another correction came first' }, 'correct')).toEqual([
      { field: 'advice-form', text: 'Version 3 is current: another correction came first' },
    ]);
  });
});
