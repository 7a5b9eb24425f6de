/**
 * The family's forms: what each posts to the case service, and the case service's Problem Details turned into an
 * error summary in plain words on the right field. Pure.
 */
import type { ProblemDetails } from '../worklist/advice-form';

export type Posted = Record<string, string | undefined>;
export interface FieldError { field: string; text: string }

export type FamilyAction = 'views' | 'draft-response' | 'ask-advice' | 'ask-review';

/** The three questions of the family's views (Section A of the plan). */
export const VIEWS_QUESTIONS = [
  { id: 'views-1', heading: 'What matters to your child', hint: 'What they like, what they are good at, what makes a good day' },
  { id: 'views-2', heading: 'What you hope for', hint: 'For now and for the future: school, friends, health, home' },
  { id: 'views-3', heading: 'How best to help', hint: 'What works well, and what does not' },
] as const;

const text = (form: Posted, name: string) => String(form[name] ?? '').trim();

/** The case service's route and body for a posted form; an error list when the form itself is not complete. */
export function familyRequest(action: FamilyAction, caseId: string, form: Posted): { path: string; body: Record<string, unknown> } | { errors: FieldError[] } {
  const base = `/cases/${encodeURIComponent(caseId)}/family`;
  if (action === 'views') {
    const sections = VIEWS_QUESTIONS.map((q) => ({ heading: q.heading, text: text(form, q.id) })).filter((s) => s.text);
    if (!sections.length) return { errors: [{ field: 'views-1', text: 'Tell us what matters to your child, or answer one of the other questions' }] };
    return { path: `${base}/views`, body: { sections } };
  }
  if (action === 'draft-response') {
    const comments = text(form, 'comments');
    const school = text(form, 'school');
    const meeting = form['meeting'] === 'yes';
    const nothingMore = form['nothing-more'] === 'yes';
    if (!comments && !school && !meeting && !nothingMore) return { errors: [{ field: 'comments', text: 'Enter your comments on the draft plan, or choose one of the options' }] };
    return { path: `${base}/draft-response`, body: { ...(comments ? { comments } : {}), ...(school ? { preferredSettingRef: school } : {}), ...(meeting ? { meetingRequested: true } : {}), ...(nothingMore ? { nothingMoreToSay: true } : {}) } };
  }
  if (action === 'ask-advice') {
    const errors: FieldError[] = [];
    if (!text(form, 'adviser-name')) errors.push({ field: 'adviser-name', text: 'Enter the name of the person you want the council to ask' });
    if (!text(form, 'adviser-role')) errors.push({ field: 'adviser-role', text: 'Enter what they do, for example speech and language therapist' });
    if (errors.length) return { errors };
    return { path: `${base}/advice-requests`, body: { adviserName: text(form, 'adviser-name'), adviserRole: text(form, 'adviser-role') } };
  }
  const kind = form['kind'];
  if (kind === 'reassessment') return { path: `${base}/reassessment-requests`, body: {} };
  if (kind === 'early-review') return { path: `${base}/early-review-requests`, body: {} };
  return { errors: [{ field: 'kind', text: 'Choose what you want to ask for' }] };
}

const FIELDS: Record<string, string> = {
  sections: 'views-1', comments: 'comments', preferredSettingRef: 'school', adviserName: 'adviser-name', adviserRole: 'adviser-role', code: 'code',
};

/** The case service's refusal as an error summary: a field it names on that field, anything else on the form. */
export function problemErrors(problem: ProblemDetails, formId: string): FieldError[] {
  if (problem.errors?.length) {
    return problem.errors.map((e) => {
      const root = e.field.replace(/\[.*$/, '').replace(/\..*$/, '');
      const field = FIELDS[root] ?? formId;
      if (field === 'school') return { field, text: 'Enter the school’s reference, for example its URN from Get information about schools' };
      if (field === 'code') return { field, text: 'Enter the code from your invitation, for example K7MX2-QF9RD-W4HPT' };
      return { field, text: e.reasons.some((r) => /longer|too long|shorter/.test(r)) ? 'That is too long: please shorten it' : `Check this answer: ${e.reasons.join('; ')}` };
    });
  }
  return [{ field: formId, text: problem.detail ?? problem.title ?? 'That did not work. Try again.' }];
}
