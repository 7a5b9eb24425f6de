/**
 * The advice form (give, correct, withdraw) and the agency API's answers. Pure: the posted form in, the API's body out;
 * the API's Problem Details in, the GOV.UK error summary and the message beside each field out. The API validates
 * (class-validator in the agency kit); this only says its reasons in words a practitioner reads, on the right field.
 */

export const FORM_SECTIONS = 3;

export type AdviceAction = 'give' | 'correct' | 'withdraw';

/** What the form posts (every value a string, as a browser sends it). */
export type PostedForm = Record<string, string | undefined>;

export interface FieldError {
  /** The form field's id, for the summary's link and the message beside it. */
  field: string;
  text: string;
}

/** The date input's three boxes as the API's YYYY-MM-DD; blank boxes mean "today" (the API's default). */
export function dateFrom(form: PostedForm, name: string): string | undefined {
  const [day, month, year] = ['day', 'month', 'year'].map((p) => String(form[`${name}-${p}`] ?? '').trim());
  if (!day && !month && !year) return undefined;
  const pad = (v: string, n: number) => (/^\d+$/.test(v) ? v.padStart(n, '0') : v);
  return `${pad(year ?? '', 4)}-${pad(month ?? '', 2)}-${pad(day ?? '', 2)}`;
}

/** The sections typed in: the first always (so an empty form is the API's to refuse), the others when any part is filled. */
export function sectionsFrom(form: PostedForm): Array<{ heading: string; text: string }> {
  const out: Array<{ heading: string; text: string }> = [];
  for (let i = 1; i <= FORM_SECTIONS; i++) {
    const heading = String(form[`section-${i}-heading`] ?? '').trim();
    const text = String(form[`section-${i}-text`] ?? '').trim();
    if (i === 1 || heading || text) out.push({ heading, text });
  }
  return out;
}

/** The body of the agency API's command for the form posted. */
export function adviceBody(action: AdviceAction, form: PostedForm, request: { adviceRequestId: string; adviceType: string; assessmentId?: string; currentVersion?: number }): Record<string, unknown> {
  const at = dateFrom(form, 'at');
  const dated = at ? { at } : {};
  if (action === 'withdraw') {
    return { reason: String(form['reason'] ?? '').trim(), ...dated, ...(request.assessmentId ? { assessmentId: request.assessmentId } : {}) };
  }
  const sections = sectionsFrom(form);
  if (action === 'correct') {
    return {
      reason: String(form['reason'] ?? '').trim(), sections, ...dated,
      ...(request.currentVersion ? { correctsVersion: request.currentVersion } : {}), ...(request.assessmentId ? { assessmentId: request.assessmentId } : {}),
    };
  }
  return { adviceRequestId: request.adviceRequestId, adviceType: request.adviceType, sections, ...dated };
}

/** RFC 9457 Problem Details as the services answer them (libs/service-kit). */
export interface ProblemDetails {
  status?: number;
  code?: string;
  title?: string;
  detail?: string;
  errors?: Array<{ field: string; reasons: string[] }>;
}

const sectionNumber = (field: string) => Number(/^sections\[(\d+)\]/.exec(field)?.[1] ?? 0) + 1;

/** The form field an API field belongs to, and what to say about it. */
function fieldError(apiField: string, reasons: string[], action: AdviceAction): FieldError {
  const reason = reasons.join('; ');
  if (/^sections\[\d+\]\.heading$/.test(apiField)) {
    const n = sectionNumber(apiField);
    return { field: `section-${n}-heading`, text: /longer than or equal to 1|should not be empty|must be a string/.test(reason) ? `Enter a heading for section ${n}` : `The heading of section ${n} must be 200 characters or fewer` };
  }
  if (/^sections\[\d+\]\.text$/.test(apiField)) {
    const n = sectionNumber(apiField);
    return { field: `section-${n}-text`, text: /longer than or equal to 1|should not be empty|must be a string/.test(reason) ? `Enter the advice for section ${n}` : `The advice in section ${n} is too long` };
  }
  if (apiField === 'sections') return { field: 'section-1-heading', text: 'Enter at least one section of advice, with a heading and the advice' };
  if (apiField === 'at') {
    if (/future|after today/.test(reason)) return { field: 'at-day', text: `The date the advice was ${action === 'withdraw' ? 'withdrawn' : 'given'} must be today or in the past` };
    return { field: 'at-day', text: `The date the advice was ${action === 'withdraw' ? 'withdrawn' : 'given'} must be a real date, for example 27 3 2026` };
  }
  if (apiField === 'reason') {
    return { field: 'reason', text: /longer than or equal to 1|should not be empty|must be a string/.test(reason) ? (action === 'withdraw' ? 'Enter why the advice is withdrawn' : 'Enter why the advice is corrected') : 'The reason must be 2,000 characters or fewer' };
  }
  return { field: 'advice-form', text: `${apiField}: ${reason}` };
}

/**
 * The error summary of a refused command: each field the API named, on its form field (a date in the future is the
 * API's 422 `date-in-future`, with the field); a refusal about the advice as a whole (409: already answered, another
 * correction came first; 403) on the form itself, in the API's words.
 */
export function formErrors(problem: ProblemDetails, action: AdviceAction): FieldError[] {
  if (problem.errors?.length) {
    const seen = new Set<string>();
    return problem.errors.map((e) => fieldError(e.field, e.reasons, action)).filter((e) => !seen.has(e.field) && seen.add(e.field));
  }
  return [{ field: 'advice-form', text: problem.detail ?? problem.title ?? 'The advice could not be recorded. Try again.' }];
}
