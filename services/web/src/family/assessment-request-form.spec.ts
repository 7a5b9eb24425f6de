import { assessmentRequestBody, dateOfBirth, REFERENCE, requestProblemErrors } from './assessment-request-form';

const TODAY = '2026-11-30';
const FILLED = {
  localAuthority: 'E10000028', relationship: 'parent', childName: ' Sam Carter ', 'dob-day': '2', 'dob-month': '4', 'dob-year': '2016',
  nhsNumber: '943 476 5919', requesterName: 'Jo Carter', email: 'jo@example.org', phone: '', formToken: 'v1.abc.def.ghi', website: '', idempotencyKey: 'k-12345678', csrf: 'x',
};

describe('the public request for an assessment (pure): what the form posts to the case service', () => {
  it('Given the form filled in, when posted, then the body is the API’s shape: the council, the child (date as YYYY-MM-DD, NHS number without spaces), the requester, the token', () => {
    expect(assessmentRequestBody(FILLED, TODAY)).toEqual({
      body: {
        localAuthority: 'E10000028',
        child: { name: 'Sam Carter', dateOfBirth: '2016-04-02', nhsNumber: '9434765919' },
        requester: { relationship: 'parent', name: 'Jo Carter', email: 'jo@example.org' },
        formToken: 'v1.abc.def.ghi',
      },
    });
  });

  it('Given a young person asking for themselves with a phone number, then they are the requester and the phone goes too; an empty NHS number is left out', () => {
    const { body } = assessmentRequestBody({ ...FILLED, relationship: 'young-person', nhsNumber: '', phone: '07700 900982' }, TODAY) as { body: { requester: unknown; child: unknown } };
    expect(body.requester).toEqual({ relationship: 'young-person', name: 'Jo Carter', email: 'jo@example.org', phone: '07700 900982' });
    expect(body.child).toEqual({ name: 'Sam Carter', dateOfBirth: '2016-04-02' });
  });

  it('Given the hidden field filled in (software filling every field), then it is sent as it came, for the case service to refuse', () => {
    expect(assessmentRequestBody({ ...FILLED, website: 'http://spam.example' }, TODAY)).toMatchObject({ body: { website: 'http://spam.example' } });
  });

  it('Given an empty form, then every required answer is named on its field, in the order of the form, and nothing is sent', () => {
    expect(assessmentRequestBody({}, TODAY)).toEqual({
      errors: [
        { field: 'local-authority', text: 'Choose the council to send your request to' },
        { field: 'relationship', text: 'Choose whether you are a parent or the young person' },
        { field: 'child-name', text: 'Enter the full name of the child or young person' },
        { field: 'dob-day', text: 'Enter the date of birth of the child or young person' },
        { field: 'requester-name', text: 'Enter your full name' },
        { field: 'email', text: 'Enter your email address: we send you an invitation to follow your request' },
      ],
    });
  });

  it('Given a relationship the API does not know, a malformed email, NHS number or phone, then each is refused on its field', () => {
    const result = assessmentRequestBody({ ...FILLED, relationship: 'carer', email: 'jo@', nhsNumber: '12345', phone: 'call me' }, TODAY);
    expect(result).toEqual({
      errors: [
        { field: 'relationship', text: 'Choose whether you are a parent or the young person' },
        { field: 'nhs-number', text: 'An NHS number is 10 digits, like 485 777 3456. Leave it empty if you do not know it' },
        { field: 'email', text: 'Enter an email address in the correct format, like name@example.com' },
        { field: 'phone', text: 'Enter a phone number, like 07700 900 982, or leave it empty' },
      ],
    });
  });

  it('Given a date of birth with a part missing, not a real date, or in the future, then it says which', () => {
    expect(dateOfBirth({ 'dob-day': '2', 'dob-year': '2016' }, TODAY)).toEqual({ error: 'Date of birth must include a month' });
    expect(dateOfBirth({ 'dob-day': '', 'dob-month': '', 'dob-year': '2016' }, TODAY)).toEqual({ error: 'Date of birth must include a day and a month' });
    expect(dateOfBirth({ 'dob-day': '31', 'dob-month': '2', 'dob-year': '2016' }, TODAY)).toEqual({ error: 'Date of birth must be a real date, for example 27 3 2016' });
    expect(dateOfBirth({ 'dob-day': '1', 'dob-month': '12', 'dob-year': '2026' }, TODAY)).toEqual({ error: 'Date of birth must be in the past' });
    expect(dateOfBirth({ 'dob-day': '30', 'dob-month': '11', 'dob-year': '2026' }, TODAY)).toEqual({ date: '2026-11-30' });
  });
});

describe("the case service's refusals of the public request, as the error summary shows them", () => {
  it('Given the form sent too quickly, then the form is shown again as it is (the same token works a moment later)', () => {
    expect(requestProblemErrors(400, { code: 'form-sent-too-quickly', detail: 'The form was sent less than 3 seconds after it was loaded.' })).toEqual({
      errors: [{ field: 'send', text: 'The form was sent too quickly after it was opened. Check your answers and send it again.' }], retry: 'same-form',
    });
  });

  it('Given the token expired or already used, then the form comes back with a new token (and, once used, a new Idempotency-Key)', () => {
    expect(requestProblemErrors(400, { code: 'form-token-invalid' })).toMatchObject({ retry: 'new-token', errors: [{ field: 'send', text: 'The form had expired. Check your answers and send it again.' }] });
    expect(requestProblemErrors(409, { code: 'form-token-used' })).toMatchObject({ retry: 'new-token-and-key', errors: [{ field: 'send' }] });
    expect(requestProblemErrors(400, { code: 'automated-request-refused' })).toMatchObject({ retry: 'new-token-and-key', errors: [{ field: 'send' }] });
    expect(requestProblemErrors(422, { code: 'idempotency-key-reused' })).toMatchObject({ retry: 'new-token-and-key' });
  });

  it('Given a council the service does not cover, or fields refused, then each is said in plain words on its field, once', () => {
    expect(requestProblemErrors(400, { code: 'validation-failed', errors: [{ field: 'localAuthority', reasons: ['localAuthority must be one of the councils this service covers: E10000028'] }] })).toEqual({
      errors: [{ field: 'local-authority', text: 'Choose a council from the list: this service can only send requests to these councils' }], retry: 'same-form',
    });
    expect(requestProblemErrors(400, { errors: [
      { field: 'child.nhsNumber', reasons: ['child.nhsNumber must be an NHS number: 10 digits with a valid modulus 11 check digit'] },
      { field: 'child.dateOfBirth', reasons: ['must be a date'] }, { field: 'child.dateOfBirth', reasons: ['must not be in the future'] },
      { field: 'requester.email', reasons: ['requester.email must be an email'] },
    ] }).errors).toEqual([
      { field: 'nhs-number', text: 'Enter a real NHS number, 10 digits, or leave it empty' },
      { field: 'dob-day', text: 'Enter a real date of birth in the past, for example 27 3 2016' },
      { field: 'email', text: 'Enter an email address in the correct format, like name@example.com' },
    ]);
  });

  it('Given a field the form does not have, too many requests, or the service failing, then the message is on the form and says what to do', () => {
    expect(requestProblemErrors(400, { errors: [{ field: 'formToken', reasons: ['formToken must be a string'] }] }).errors).toEqual([{ field: 'send', text: 'Check your answers: formToken must be a string' }]);
    expect(requestProblemErrors(429, {})).toEqual({ errors: [{ field: 'send', text: 'Too many requests have been sent from here in the last minute. Wait a minute, then send the form again.' }], retry: 'same-form' });
    expect(requestProblemErrors(503, { detail: 'database down' }).errors[0]?.text).toBe('Sorry, there is a problem with the service. Your request has not been sent. Try again in a few minutes.');
  });

  it('References are as the case service makes them, and nothing else is shown on the confirmation page', () => {
    expect(REFERENCE.test('REQ-7A2B-0C9F')).toBe(true);
    expect(REFERENCE.test('REQ-7a2b-0c9f<script>')).toBe(false);
  });
});
