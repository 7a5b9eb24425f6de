/**
 * The case officer's two forms on the case page: share advice with the family before the draft plan, and answer a
 * request for an early review. Pure: the case's timeline entries in, what each form may offer out; the posted form
 * in, the case service's command body (or the errors a form that cannot be sent has) out; the case service's Problem
 * Details in, the GOV.UK error summary and the message beside each field out. The case service stays the authority
 * on who may and on what it accepts: this only offers what it would, and says its reasons in words.
 */
import { displayDate } from '../render';
import type { ProblemDetails } from '../worklist/advice-form';
import { dateFrom } from '../worklist/advice-form';
import { AGENCY_NAMES, type TimelineEntry } from './entry-text';

export type CaseworkerForm = 'share-advice' | 'answer-early-review';

/** What a form posts: checkboxes of the same name arrive as a list. */
export type Posted = Record<string, string | string[] | undefined>;

export interface FieldError {
  field: string;
  text: string;
}

/** A piece of advice the council may share with the family now. */
export interface ShareableAdvice {
  adviceId: string;
  version: number;
  agency: string;
  adviceType: string;
  /** "Educational advice from Education, version 2, given on 3 March 2026" */
  label: string;
}

/** A request for an early review not answered yet. */
export interface OpenEarlyReview {
  earlyReviewRequestId: string;
  requestedBy: string;
  requestedOn: string;
  /** "Asked for by the parent or young person on 3 March 2026" */
  label: string;
}

const REQUESTERS: Record<string, string> = {
  'parent-or-young-person': 'the parent or young person',
  institution: 'the school or college',
  'local-authority': 'the local authority',
};

const typeOf = (e: TimelineEntry) => e.source?.type ?? e.sourceEventType ?? '';
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const typeLabel = (t: string) => {
  const words = t.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/**
 * The advice the share form lists: the current version of each piece of advice on the case (a withdrawn one is not
 * on the case any more), not yet shared with the family, and not marked by its agency as withheld from the family
 * (its latest version decides); advice re-used by agreement (reg 6(4)) too. The family's own views are theirs already, so
 * they are not offered.
 */
export function shareableAdvice(entries: readonly TimelineEntry[]): ShareableAdvice[] {
  const current = new Map<string, { version: number; agency: string; adviceType: string; on: string; withheld: boolean; reused?: boolean }>();
  const shared = new Set<string>();
  const ordered = [...entries].sort((a, b) => (a.occurredAt === b.occurredAt ? a.recordedAt.localeCompare(b.recordedAt) : a.occurredAt.localeCompare(b.occurredAt)));
  for (const e of ordered) {
    const type = typeOf(e);
    const d = e.details ?? {};
    if (type === 'ehc.advice-shared-with-family.v1') {
      for (const id of Array.isArray(d['adviceIds']) ? d['adviceIds'] : []) if (typeof id === 'string') shared.add(id);
      continue;
    }
    const adviceId = str(d['adviceId']);
    if (!adviceId) continue;
    const version = Number(d['version'] ?? 0);
    if (type === 'advice.submitted.v1' || type === 'advice.corrected.v1') {
      const seen = current.get(adviceId);
      if (seen && seen.version > version) continue;
      current.set(adviceId, {
        version, agency: str(d['agency']) ?? e.agency, adviceType: str(d['adviceType']) ?? 'advice',
        on: str(d['correctedOn']) ?? str(d['submittedOn']) ?? e.occurredAt.slice(0, 10), withheld: Boolean(d['withheldFromFamily']),
      });
    } else if (type === 'ehc.advice-reused.v1') {
      // advice re-used by agreement (reg 6(4)) is on the case too; whether it is withheld is its own entry's to say
      if (!current.has(adviceId)) current.set(adviceId, { version, agency: str(d['agency']) ?? e.agency, adviceType: str(d['adviceType']) ?? 'advice', on: str(d['agreedOn']) ?? e.occurredAt.slice(0, 10), withheld: false, reused: true });
    } else if (type === 'advice.withdrawn.v1') {
      const seen = current.get(adviceId);
      if (seen && seen.version <= version) current.delete(adviceId);
    }
  }
  return [...current.entries()]
    .filter(([id, a]) => !a.withheld && !shared.has(id) && a.adviceType !== 'parent-views')
    .map(([adviceId, a]) => ({
      adviceId, version: a.version, agency: a.agency, adviceType: a.adviceType,
      label: `${typeLabel(a.adviceType)} advice from ${AGENCY_NAMES[a.agency] ?? a.agency}, version ${a.version}, ${a.reused ? 're-used by agreement on' : 'given on'} ${displayDate(a.on)}`,
    }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

/** The day the draft plan was issued, if it was: from then the family sees all advice not withheld (reg 13), so nothing is shared early. */
export function draftIssuedOn(entries: readonly TimelineEntry[]): string | undefined {
  const draft = entries.find((e) => typeOf(e) === 'ehc.draft-plan-issued.v1');
  return draft ? (str(draft.details?.['issuedOn']) ?? draft.occurredAt.slice(0, 10)) : undefined;
}

/** The requests for an early review the answer form offers: asked for, not agreed or declined yet. */
export function openEarlyReviews(entries: readonly TimelineEntry[]): OpenEarlyReview[] {
  const asked = new Map<string, { requestedBy: string; requestedOn: string }>();
  const answered = new Set<string>();
  for (const e of entries) {
    const type = typeOf(e);
    const id = str(e.details?.['earlyReviewRequestId']);
    if (!id) continue;
    if (type === 'ehc.early-review-requested.v1') asked.set(id, { requestedBy: str(e.details?.['requestedBy']) ?? '', requestedOn: str(e.details?.['requestedOn']) ?? e.occurredAt.slice(0, 10) });
    if (type === 'ehc.early-review-agreed.v1' || type === 'ehc.early-review-declined.v1') answered.add(id);
  }
  return [...asked.entries()]
    .filter(([id]) => !answered.has(id))
    .map(([earlyReviewRequestId, r]) => ({ earlyReviewRequestId, ...r, label: `Asked for by ${REQUESTERS[r.requestedBy] ?? r.requestedBy} on ${displayDate(r.requestedOn)}` }))
    .sort((a, b) => a.requestedOn.localeCompare(b.requestedOn));
}

/** The values of a field that may be posted once or many times. */
export function listOf(value: string | string[] | undefined): string[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => String(v).trim()).filter(Boolean);
}

const one = (value: string | string[] | undefined) => String((Array.isArray(value) ? value[0] : value) ?? '').trim();

/**
 * The share form: the advice ticked, each of it among what may be shared now. Nothing ticked is refused here: the
 * case service reads no list as "share all advice received so far", which is not what an empty form means.
 */
export function shareRequest(form: Posted, shareable: readonly ShareableAdvice[]): { body: { adviceIds: string[] } } | { errors: FieldError[] } {
  const ticked = [...new Set(listOf(form['adviceIds']))];
  if (!ticked.length) return { errors: [{ field: 'adviceIds', text: 'Select the advice to share with the family' }] };
  const offered = new Set(shareable.map((a) => a.adviceId));
  const stale = ticked.filter((id) => !offered.has(id));
  if (stale.length) return { errors: [{ field: 'adviceIds', text: 'Some of the advice selected can no longer be shared (it was shared, withdrawn or withheld from the family since the page was shown): select again' }] };
  return { body: { adviceIds: ticked } };
}

/**
 * The answer form: agreed with the meeting date (the GOV.UK date input's three boxes as YYYY-MM-DD), or declined
 * with the reasons. What is typed is sent as typed, for the case service to check and refuse with its reasons; only
 * the answer's own fields are sent, so a date left in the boxes of the other choice is not.
 */
export function answerBody(form: Posted): Record<string, unknown> {
  const answer = one(form['answer']);
  const flat = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, one(v)]));
  if (answer === 'agreed') {
    const meetingOn = dateFrom(flat, 'meetingOn');
    return { answer, ...(meetingOn ? { meetingOn } : {}) };
  }
  if (answer === 'declined') return { answer, reasons: one(form['reasons']) };
  return { answer };
}

const EMPTY = /longer than or equal to 1|should not be empty|must be a string|must not be empty/;

function fieldError(apiField: string, reasons: string[], form: CaseworkerForm): FieldError {
  const reason = reasons.join('; ');
  const root = apiField.replace(/\[.*$/, '').replace(/\..*$/, '');
  if (root === 'adviceIds') return { field: 'adviceIds', text: /not on this case/i.test(reason) ? `The case service does not have this advice on the case: ${reason}` : 'Select the advice to share with the family' };
  if (root === 'answer') return { field: 'answer', text: 'Select whether you agree to the early review' };
  if (root === 'meetingOn') {
    if (/before|not be earlier|after/.test(reason) && !/YYYY-MM-DD|real|calendar/.test(reason)) return { field: 'meetingOn-day', text: 'The review meeting must be on or after the day the early review is agreed' };
    return { field: 'meetingOn-day', text: 'Enter the date of the review meeting as a real date, for example 16 2 2027' };
  }
  if (root === 'reasons') return { field: 'reasons', text: EMPTY.test(reason) ? 'Enter why the early review is declined' : 'The reasons must be 4,000 characters or fewer' };
  if (root === 'at') return { field: form, text: `The date of the answer: ${reason}` };
  return { field: form, text: `${apiField}: ${reason}` };
}

/**
 * The case service's refusal as an error summary: each field it names (class-validator's `errors`, or a domain
 * rule's `details.field`) on its form field; a refusal of the step as a whole (409: answered already; 403: not this
 * officer's to do) on the form, in the service's words.
 */
export function problemErrors(problem: ProblemDetails & { details?: Record<string, unknown> }, form: CaseworkerForm): FieldError[] {
  if (problem.errors?.length) {
    const seen = new Set<string>();
    return problem.errors.map((e) => fieldError(e.field, e.reasons, form)).filter((e) => !seen.has(e.field) && seen.add(e.field));
  }
  const detail = problem.detail ?? '';
  const field = str(problem.details?.['field']);
  if (field && ['meetingOn', 'reasons', 'answer', 'adviceIds'].includes(field)) return [fieldError(field, [detail], form)];
  if (Array.isArray(problem.details?.['adviceIds'])) return [fieldError('adviceIds', [detail], form)];
  if (/before the day the early review was agreed/.test(detail)) return [fieldError('meetingOn', [detail], form)];
  if (problem.status === 403) return [{ field: form, text: `You cannot do this on this case. ${detail || 'Only a case officer of the local authority responsible for it can.'}` }];
  return [{ field: form, text: problem.detail ?? problem.title ?? 'That could not be recorded. Try again.' }];
}

/** What the forms show after a refused post: which form, what was typed, and the errors. */
export interface FormState {
  form: CaseworkerForm;
  values: Posted;
  errors: FieldError[];
}

export interface ActionsView {
  /** Before the draft plan only (reg 13 shares the advice with the draft). */
  share?: { items: Array<{ value: string; text: string; checked: boolean }>; formAction: string; idempotencyKey: string };
  /** The oldest request not answered (one form at a time: the page's field ids stay unique); how many more wait. */
  review?: { request: OpenEarlyReview; others: number; formAction: string; idempotencyKey: string; values: Record<string, string> };
  /** The draft plan's day of issue, once issued: the share form is not offered after it. */
  draftIssuedOn?: string;
  /** Each field's message, by the form field's id. */
  byField: Record<string, string>;
}

/** The forms as the case page shows them to a case officer of the local authority responsible (never to anyone else). */
export function actionsView(caseId: string, actions: { shareable: ShareableAdvice[]; earlyReviews: OpenEarlyReview[]; draftIssuedOn?: string }, state: FormState | undefined, newKey: () => string): ActionsView {
  const values = state?.values ?? {};
  const ticked = new Set(state?.form === 'share-advice' ? listOf(values['adviceIds']) : []);
  const request = actions.earlyReviews[0];
  const typed = state?.form === 'answer-early-review' ? Object.fromEntries(Object.entries(values).filter(([k]) => k !== 'csrf').map(([k, v]) => [k, one(v)])) : {};
  return {
    ...(actions.draftIssuedOn ? {} : {
      share: {
        items: actions.shareable.map((a) => ({ value: a.adviceId, text: a.label, checked: ticked.has(a.adviceId) })),
        formAction: `/cases/${caseId}/advice-shares`, idempotencyKey: newKey(),
      },
    }),
    ...(actions.draftIssuedOn ? { draftIssuedOn: actions.draftIssuedOn } : {}),
    ...(request ? {
      review: {
        request, others: actions.earlyReviews.length - 1, values: typed, idempotencyKey: newKey(),
        formAction: `/cases/${caseId}/early-review-requests/${request.earlyReviewRequestId}/answer`,
      },
    } : {}),
    byField: Object.fromEntries((state?.errors ?? []).map((e) => [e.field, e.text])),
  };
}
