import type { EhcEvent } from '../events';
import * as E from '../errors';
import type { DecidePersonalBudget, RequestPersonalBudget, ReviewPersonalBudget } from '../plan-commands';
import {
  PersonalBudgetNotAgreedError, PersonalBudgetNotFoundError, PersonalBudgetRequestNotAllowedError, PlanContentsInvalidError, ReasonsRequiredError,
} from '../plan-errors';
import {
  BUDGET_ARRANGEMENTS, DIRECT_PAYMENT_REFUSAL_GROUNDS, PERSONAL_BUDGET_DECISIONS, PERSONAL_BUDGET_REQUESTERS, PERSONAL_BUDGET_REVIEW_OUTCOMES,
  PROVISION_SECTIONS, type BudgetPart, type PersonalBudgetOccasion,
} from '../plan-events';
import type { PersonalBudgetState } from '../plan-state';
import type { EhcCaseState } from '../state';
import { fail, notBefore, requireOneOf, unique } from './guards';
import { latestPlanVersion } from './plan-contents';

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const total = (parts: readonly BudgetPart[]) => parts.reduce((sum, p) => sum + p.annualAmountPence, 0);

/**
 * Personal Budgets Regulations reg 4: the parent or young person may ask for a personal budget once the LA has
 * assessed and is preparing the plan (here: a draft is out), or while the plan is reviewed or the child reassessed.
 */
function occasionOf(command: RequestPersonalBudget, state: EhcCaseState): PersonalBudgetOccasion {
  if (command.reviewId) {
    const review = state.reviews[command.reviewId] ?? fail(E.ReviewNotScheduledError, `No review ${command.reviewId}`);
    if (review.decision) fail(PersonalBudgetRequestNotAllowedError, `Review ${command.reviewId} was decided on ${review.decision.decidedOn}; ask at the next review`);
    return 'review';
  }
  if (command.reassessmentId) {
    const r = state.reassessments?.[command.reassessmentId];
    if (r?.decision !== 'reassess') return fail(E.ReassessmentNotFoundError, `No decision to reassess ${command.reassessmentId} on this case`);
    if (r.amendmentId && state.amendments[r.amendmentId]?.amendedOn) fail(PersonalBudgetRequestNotAllowedError, `Reassessment ${r.reassessmentId} has finished`);
    return 'reassessment';
  }
  if (state.status === 'draft-issued') return 'plan-preparation';
  return fail(
    PersonalBudgetRequestNotAllowedError,
    `Personal Budgets Regulations reg 4: a personal budget is asked for while the plan is prepared (a draft is out), at a review (reviewId) or at a reassessment (reassessmentId); status ${state.status}`,
  );
}

export function requestPersonalBudget(command: RequestPersonalBudget, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  unique(state.personalBudgets ?? {}, command.personalBudgetId, 'personalBudgetId');
  requireOneOf(command.requestedBy, PERSONAL_BUDGET_REQUESTERS, 'requestedBy');
  const open = Object.values(state.personalBudgets ?? {}).find((b) => !b.decision);
  if (open) fail(E.AlreadyRecordedError, `Personal budget request ${open.personalBudgetId} of ${open.requestedOn} is not decided yet`);
  const occasion = occasionOf(command, state);
  return [{
    type: 'ehc.personal-budget-requested.v1',
    data: {
      caseId, personalBudgetId: command.personalBudgetId, requestedBy: command.requestedBy, requestedOn: at, occasion,
      ...(command.reviewId ? { reviewId: command.reviewId } : {}), ...(command.reassessmentId ? { reassessmentId: command.reassessmentId } : {}),
      directPaymentRequested: command.directPaymentRequested === true,
    },
  }];
}

/** The parts are well formed and pay for provision the plan specifies (F, G, H1, H2 items of the latest version, when there is one). */
function checkedParts(parts: unknown, state: EhcCaseState, directPaymentRequested: boolean): BudgetPart[] {
  if (!Array.isArray(parts) || parts.length === 0) return fail(E.InvalidCommandError, 'An agreed personal budget has at least one part', { field: 'parts' });
  const latest = latestPlanVersion(state);
  const provision = new Set((latest?.sections ?? []).filter((s) => PROVISION_SECTIONS.includes(s.section)).flatMap((s) => (s.items ?? []).map((i) => i.itemId)));
  for (const p of parts as BudgetPart[]) {
    requireOneOf(p?.arrangement, BUDGET_ARRANGEMENTS, 'parts.arrangement');
    if (!Number.isInteger(p.annualAmountPence) || p.annualAmountPence <= 0) fail(E.InvalidCommandError, 'parts.annualAmountPence must be a positive whole number of pence', { field: 'parts.annualAmountPence' });
    for (const id of p.provisionItemIds ?? []) {
      if (latest && !provision.has(id)) fail(PlanContentsInvalidError, `Provision ${id} is not in sections F, G, H1 or H2 of plan version ${latest.version}`, { defects: [`unknown provision ${id}`] });
    }
    if (p.arrangement === 'direct-payment' && !directPaymentRequested) {
      fail(E.InvalidCommandError, 'Direct payments are made only when the parent or young person asked for them (Personal Budgets Regulations reg 4-5)', { field: 'parts.arrangement' });
    }
  }
  return (parts as BudgetPart[]).map((p) => ({ arrangement: p.arrangement, annualAmountPence: p.annualAmountPence, ...(p.provisionItemIds?.length ? { provisionItemIds: [...p.provisionItemIds] } : {}) }));
}

function requested(state: EhcCaseState, personalBudgetId: string): PersonalBudgetState {
  return state.personalBudgets?.[personalBudgetId] ?? fail(PersonalBudgetNotFoundError, `No personal budget request ${personalBudgetId}`);
}

/**
 * CFA 2014 s.49(1): the LA must prepare a personal budget when asked; where it cannot (e.g. the provision is bought
 * in a block contract it cannot disaggregate) it refuses with its reasons. A direct payment asked for and not agreed
 * names its ground under the Personal Budgets Regulations (reg 5 and the Schedule, reg 6) and the reasons.
 */
export function decidePersonalBudget(command: DecidePersonalBudget, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  const b = requested(state, command.personalBudgetId);
  if (b.decision) fail(E.AlreadyRecordedError, `Personal budget ${b.personalBudgetId} was decided on ${b.decision.decidedOn}`);
  notBefore(at, b.requestedOn, 'the request for the personal budget');
  requireOneOf(command.decision, PERSONAL_BUDGET_DECISIONS, 'decision');
  const base = { caseId, personalBudgetId: b.personalBudgetId, decidedOn: at };
  if (command.decision === 'refused') {
    if (!isText(command.reasons)) fail(ReasonsRequiredError, 'A personal budget refused gives the family the LA’s reasons (CFA 2014 s.49; CoP 9.101)', { field: 'reasons' });
    if (command.parts?.length) fail(E.InvalidCommandError, 'A refused personal budget has no parts', { field: 'parts' });
    return [{ type: 'ehc.personal-budget-decided.v1', data: { ...base, decision: 'refused', reasons: command.reasons as string } }];
  }
  const parts = checkedParts(command.parts, state, b.directPaymentRequested);
  const directPayment = parts.some((p) => p.arrangement === 'direct-payment');
  const refusal = command.directPaymentRefusal;
  if (b.directPaymentRequested && !directPayment) {
    if (!refusal) fail(ReasonsRequiredError, 'Direct payments were asked for: agree one (a direct-payment part) or give the ground and reasons for refusing (Personal Budgets Regulations reg 5-6)', { field: 'directPaymentRefusal' });
    requireOneOf(refusal?.ground, DIRECT_PAYMENT_REFUSAL_GROUNDS, 'directPaymentRefusal.ground');
    if (!isText(refusal?.reasons)) fail(ReasonsRequiredError, 'A direct payment refused gives the reasons', { field: 'directPaymentRefusal.reasons' });
  } else if (refusal) {
    fail(E.InvalidCommandError, 'directPaymentRefusal applies only when direct payments were asked for and none is agreed', { field: 'directPaymentRefusal' });
  }
  return [{
    type: 'ehc.personal-budget-decided.v1',
    data: {
      ...base, decision: 'agreed', parts, annualAmountPence: total(parts),
      ...(refusal && !directPayment ? { directPaymentRefusal: { ground: refusal.ground, reasons: refusal.reasons } } : {}),
    },
  }];
}

/**
 * Personal Budgets Regulations reg 11: the budget and its direct payments are reviewed with the plan at the annual
 * review; a reduction or an end gives reasons (reg 12, 14; numbering from secondary sources).
 */
export function reviewPersonalBudget(command: ReviewPersonalBudget, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  const b = requested(state, command.personalBudgetId);
  if (b.decision?.decision !== 'agreed' || b.endedOn) fail(PersonalBudgetNotAgreedError, `Personal budget ${b.personalBudgetId} is not an agreed budget in force`);
  const review = state.reviews[command.reviewId] ?? fail(E.ReviewNotScheduledError, `No review ${command.reviewId}`);
  if (!review.heldOn) fail(E.ReviewNotHeldError, `Review ${command.reviewId} has not been held; the budget is reviewed with the plan (reg 11)`);
  if (b.reviews.some((r) => r.reviewId === command.reviewId)) fail(E.AlreadyRecordedError, `Personal budget ${b.personalBudgetId} was already reviewed at review ${command.reviewId}`);
  notBefore(at, review.heldOn, 'the review meeting');
  requireOneOf(command.outcome, PERSONAL_BUDGET_REVIEW_OUTCOMES, 'outcome');
  const parts = command.outcome === 'changed' ? checkedParts(command.parts, state, b.directPaymentRequested) : undefined;
  const reduced = command.outcome === 'ended' || (parts !== undefined && total(parts) < total(b.parts));
  if (reduced && !isText(command.reasons)) fail(ReasonsRequiredError, 'A budget reduced or ended gives the reasons (Personal Budgets Regulations reg 12, 14)', { field: 'reasons' });
  return [{
    type: 'ehc.personal-budget-reviewed.v1',
    data: {
      caseId, personalBudgetId: b.personalBudgetId, reviewId: command.reviewId, reviewedOn: at, outcome: command.outcome,
      ...(parts ? { parts, annualAmountPence: total(parts) } : {}), ...(isText(command.reasons) ? { reasons: command.reasons } : {}),
    },
  }];
}
