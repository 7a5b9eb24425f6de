/**
 * The public request for an EHC needs assessment (reg 3), no sign-in: what the form posts to the case service
 * (`POST /family/assessment-requests`), and its refusals (Problem Details) as an error summary in plain words on the
 * right field. Pure.
 */
import type { ProblemDetails } from '../worklist/advice-form';
import type { FieldError, Posted } from './family-forms';

/** The API's body (PublicAssessmentRequestDto of the case service). */
export interface AssessmentRequestBody {
  localAuthority: string;
  child: { name: string; dateOfBirth: string; nhsNumber?: string };
  requester: { relationship: 'parent' | 'young-person'; name: string; email: string; phone?: string };
  formToken: string;
  website?: string;
}

/** Where each of the API's fields is on the form (its element id: the date of birth's first box). */
const FIELD_IDS: Record<string, string> = {
  localAuthority: 'local-authority', 'child.name': 'child-name', 'child.dateOfBirth': 'dob-day', 'child.nhsNumber': 'nhs-number',
  'requester.relationship': 'relationship', 'requester.name': 'requester-name', 'requester.email': 'email', 'requester.phone': 'phone',
};

/** What to say on each field when the case service refuses it (its own words are for developers). */
const FIELD_TEXT: Record<string, string> = {
  'local-authority': 'Choose a council from the list: this service can only send requests to these councils',
  'child-name': 'Enter the full name of the child or young person',
  'dob-day': 'Enter a real date of birth in the past, for example 27 3 2016',
  'nhs-number': 'Enter a real NHS number, 10 digits, or leave it empty',
  relationship: 'Choose whether you are a parent or the young person',
  'requester-name': 'Enter your full name',
  email: 'Enter an email address in the correct format, like name@example.com',
  phone: 'Enter a phone number, like 07700 900 982, or leave it empty',
};

/** Where a message about the whole form points: the send button. */
export const FORM_FIELD = 'send';

const text = (form: Posted, name: string) => String(form[name] ?? '').trim();
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()-]{7,20}$/;

/** The date of birth from the three boxes as YYYY-MM-DD, or what is wrong with it (`today` is YYYY-MM-DD in England). */
export function dateOfBirth(form: Posted, today: string): { date: string } | { error: string } {
  const [day, month, year] = ['dob-day', 'dob-month', 'dob-year'].map((n) => text(form, n));
  if (!day && !month && !year) return { error: 'Enter the date of birth of the child or young person' };
  const missing = [['a day', day], ['a month', month], ['a year', year]].filter(([, v]) => !v).map(([w]) => w);
  if (missing.length) return { error: `Date of birth must include ${missing.join(' and ')}` };
  if (![day, month].every((v) => /^\d{1,2}$/.test(v as string)) || !/^\d{4}$/.test(year as string)) return { error: 'Date of birth must be a real date, for example 27 3 2016' };
  const date = `${year}-${(month as string).padStart(2, '0')}-${(day as string).padStart(2, '0')}`;
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) return { error: 'Date of birth must be a real date, for example 27 3 2016' };
  if (date > today) return { error: 'Date of birth must be in the past' };
  return { date };
}

/** The API's body for a posted form; the errors (each on its field, in the form's order) when it is not complete. */
export function assessmentRequestBody(form: Posted, today: string): { body: AssessmentRequestBody } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const localAuthority = text(form, 'localAuthority');
  if (!localAuthority) errors.push({ field: 'local-authority', text: 'Choose the council to send your request to' });
  const relationship = form['relationship'];
  if (relationship !== 'parent' && relationship !== 'young-person') errors.push({ field: 'relationship', text: 'Choose whether you are a parent or the young person' });
  const childName = text(form, 'childName');
  if (!childName) errors.push({ field: 'child-name', text: 'Enter the full name of the child or young person' });
  else if (childName.length > 200) errors.push({ field: 'child-name', text: 'The name must be 200 characters or fewer' });
  const dob = dateOfBirth(form, today);
  if ('error' in dob) errors.push({ field: 'dob-day', text: dob.error });
  const nhsNumber = text(form, 'nhsNumber').replace(/[\s-]/g, '');
  if (nhsNumber && !/^\d{10}$/.test(nhsNumber)) errors.push({ field: 'nhs-number', text: 'An NHS number is 10 digits, like 485 777 3456. Leave it empty if you do not know it' });
  const name = text(form, 'requesterName');
  if (!name) errors.push({ field: 'requester-name', text: 'Enter your full name' });
  else if (name.length > 200) errors.push({ field: 'requester-name', text: 'Your name must be 200 characters or fewer' });
  const email = text(form, 'email');
  if (!email) errors.push({ field: 'email', text: 'Enter your email address: we send you an invitation to follow your request' });
  else if (!EMAIL.test(email) || email.length > 320) errors.push({ field: 'email', text: 'Enter an email address in the correct format, like name@example.com' });
  const phone = text(form, 'phone');
  if (phone && !PHONE.test(phone)) errors.push({ field: 'phone', text: 'Enter a phone number, like 07700 900 982, or leave it empty' });
  if (errors.length) return { errors };
  const website = String(form['website'] ?? '');
  return {
    body: {
      localAuthority,
      child: { name: childName, dateOfBirth: (dob as { date: string }).date, ...(nhsNumber ? { nhsNumber } : {}) },
      requester: { relationship: relationship as 'parent' | 'young-person', name, email, ...(phone ? { phone } : {}) },
      formToken: text(form, 'formToken'),
      // the honeypot goes as it came: the case service refuses a request with it filled in
      ...(website ? { website } : {}),
    },
  };
}

/** What the form does after the case service refused it: show it again as it is, or with a fresh token (and key). */
export type Retry = 'same-form' | 'new-token' | 'new-token-and-key';

/** The case service's refusal as an error summary, and whether the form needs a new token to be sent again. */
export function requestProblemErrors(status: number, problem: ProblemDetails): { errors: FieldError[]; retry: Retry } {
  const on = (t: string): FieldError[] => [{ field: FORM_FIELD, text: t }];
  switch (problem.code) {
    case 'form-sent-too-quickly':
      return { errors: on('The form was sent too quickly after it was opened. Check your answers and send it again.'), retry: 'same-form' };
    case 'form-token-invalid':
      return { errors: on('The form had expired. Check your answers and send it again.'), retry: 'new-token' };
    case 'form-token-used':
      return { errors: on('This form has already been used to send a request. Check your answers and send it again to make a new request.'), retry: 'new-token-and-key' };
    case 'automated-request-refused':
      return { errors: on('We could not send your request. If you filled in the form yourself, contact your council’s SEND team.'), retry: 'new-token-and-key' };
    case 'idempotency-key-reused':
      return { errors: on('You changed your answers after sending the form. Check your answers and send it again to make a new request.'), retry: 'new-token-and-key' };
  }
  if (status === 429) return { errors: on('Too many requests have been sent from here in the last minute. Wait a minute, then send the form again.'), retry: 'same-form' };
  if (problem.errors?.length) {
    const seen = new Set<string>();
    const errors = problem.errors.flatMap((e) => {
      const id = FIELD_IDS[e.field] ?? FIELD_IDS[e.field.replace(/\..*$/, '')];
      const field = id ?? FORM_FIELD;
      if (seen.has(field)) return [];
      seen.add(field);
      return [{ field, text: id ? (FIELD_TEXT[id] as string) : `Check your answers: ${e.reasons.join('; ')}` }];
    });
    return { errors, retry: 'same-form' };
  }
  if (status >= 500) return { errors: on('Sorry, there is a problem with the service. Your request has not been sent. Try again in a few minutes.'), retry: 'same-form' };
  return { errors: on(problem.detail ?? problem.title ?? 'Your request could not be sent. Try again.'), retry: 'same-form' };
}

/** A reference as the case service makes them (REQ-7KM2-QF9R): the confirmation page shows nothing else. */
export const REFERENCE = /^REQ-[0-9A-F]{4}-[0-9A-F]{4}$/;
