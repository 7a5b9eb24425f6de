import { addDays, isIsoDate } from '../../calendar';
import * as E from '../errors';
import type { EhcEvent } from '../events';
import { compulsorySchoolAgeEnds, overCompulsorySchoolAge } from '../family-access';
import type {
  AcceptFamilyInvitation, AnswerEarlyReviewRequest, AskForAdvice, InviteFamilyMember, RecordYoungPersonRights, RequestEarlyReview, ShareAdviceWithFamily, UnlinkFamilyMember,
} from '../family-commands';
import * as F from '../family-errors';
import { EARLY_REVIEW_REQUESTERS, FAMILY_RELATIONSHIPS, PARENT_ACCESS_CHOICES, UNLINK_REASONS } from '../family-events';
import { emptyFamily } from '../family-state';
import type { EhcCaseState } from '../state';
import { assessmentUnderWay } from './assessment-advice';
import { adviceOnCase } from './plan-contents';
import { scheduleReviewMeeting } from './reviews-and-amendments';
import { assertPlanInForce, fail, notBefore, requireDate, requireOneOf, requireText, unique } from './guards';

/** How long an invitation code can be used: 28 days from the invitation, the last day included. */
export const INVITATION_DAYS = 28;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const familyOf = (state: EhcCaseState) => state.family ?? emptyFamily();

export function inviteFamilyMember(command: InviteFamilyMember, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  unique(familyOf(state).invitations, command.invitationId, 'invitationId');
  requireOneOf(command.relationship, FAMILY_RELATIONSHIPS, 'relationship');
  if (command.parentalResponsibility !== undefined && command.relationship !== 'parent') {
    fail(E.InvalidCommandError, 'parentalResponsibility is said of a parent only', { field: 'parentalResponsibility' });
  }
  requireText(command.contact?.name, 'contact.name');
  if (command.contact.email !== undefined && !EMAIL.test(command.contact.email)) fail(E.InvalidCommandError, 'contact.email must be an email address', { field: 'contact.email' });
  if (command.contact.email === undefined && command.contact.phone === undefined) {
    fail(E.InvalidCommandError, 'contact: an email address or a phone number is needed to send the code', { field: 'contact' });
  }
  if (!SHA256_HEX.test(command.codeDigest ?? '')) fail(E.InvalidCommandError, 'codeDigest must be a SHA-256 digest (64 lower-case hex digits)', { field: 'codeDigest' });
  requireText(command.invitedBy?.userId, 'invitedBy.userId');
  requireText(command.invitedBy?.organisationId, 'invitedBy.organisationId');
  const contact = {
    name: command.contact.name.trim(),
    ...(command.contact.email !== undefined ? { email: command.contact.email.trim() } : {}),
    ...(command.contact.phone !== undefined ? { phone: command.contact.phone.trim() } : {}),
  };
  return [{
    type: 'ehc.family-member-invited.v1',
    data: {
      caseId, invitationId: command.invitationId, relationship: command.relationship,
      ...(command.parentalResponsibility === undefined ? {} : { parentalResponsibility: command.parentalResponsibility }),
      contact, codeDigest: command.codeDigest, expiresOn: addDays(at, INVITATION_DAYS), invitedOn: at,
      invitedBy: { userId: command.invitedBy.userId, organisationId: command.invitedBy.organisationId },
    },
  }];
}

/**
 * The code links the person who signed in with it, once, within its 28 days. The same person using it again records
 * nothing (a retry); anyone else gets `invitation-used`. Unknown id and wrong code are the same refusal.
 */
export function acceptFamilyInvitation(command: AcceptFamilyInvitation, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  requireText(command.subject, 'subject');
  const family = familyOf(state);
  const invitation = Object.hasOwn(family.invitations, command.invitationId) ? family.invitations[command.invitationId] : undefined;
  if (!invitation || invitation.codeDigest !== command.codeDigest) return fail(F.InvitationNotFoundError, 'No invitation matches this code');
  if (invitation.linkedSubject === command.subject) return [];
  if (invitation.linkedSubject) return fail(F.InvitationUsedError, 'This invitation code has already been used');
  if (at > invitation.expiresOn) return fail(F.InvitationExpiredError, `This invitation code could be used until ${invitation.expiresOn}`, { expiresOn: invitation.expiresOn });
  if (Object.hasOwn(family.members, command.subject)) return fail(F.FamilyMemberAlreadyLinkedError, 'You are already linked to this case');
  return [{ type: 'ehc.family-member-linked.v1', data: { caseId, invitationId: command.invitationId, subject: command.subject, relationship: invitation.relationship, linkedOn: at } }];
}

export function unlinkFamilyMember(command: UnlinkFamilyMember, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  requireOneOf(command.reason, UNLINK_REASONS, 'reason');
  const member = familyOf(state).members[command.subject];
  if (!member) return fail(F.FamilyMemberNotLinkedError, `${command.subject} is not linked to this case`, { subject: command.subject });
  if (at < member.linkedOn) fail(E.ChronologyError, `${at} is before the member was linked (${member.linkedOn})`);
  return [{ type: 'ehc.family-member-unlinked.v1', data: { caseId, subject: command.subject, reason: command.reason, unlinkedOn: at } }];
}

/**
 * CFA 2014 s.80 and s.83(2): the rights pass to the young person once over compulsory school age. With a date of
 * birth on the case: holding the rights is refused before then, and after then not holding them needs the capacity
 * exception (Mental Capacity Act 2005) with its reason; a capacity exception is refused before then. Without a date
 * of birth the LA's record stands.
 */
export function recordYoungPersonRights(command: RecordYoungPersonRights, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  if (typeof command.holdsRights !== 'boolean') fail(E.InvalidCommandError, 'holdsRights must be true or false', { field: 'holdsRights' });
  requireOneOf(command.parentAccess, PARENT_ACCESS_CHOICES, 'parentAccess');
  const reason = command.capacityException?.trim();
  if (command.capacityException !== undefined && !reason) fail(E.InvalidCommandError, 'capacityException must say why', { field: 'capacityException' });
  if (reason && command.holdsRights) fail(E.InvalidCommandError, 'capacityException: a young person who holds the rights has no capacity exception', { field: 'capacityException' });
  const dob = state.child?.dateOfBirth;
  if (isIsoDate(dob)) {
    const over = overCompulsorySchoolAge(dob, at);
    const ends = compulsorySchoolAgeEnds(dob);
    if (!over && (command.holdsRights || reason)) {
      fail(F.YoungPersonRightsNotApplicableError, `The child is of compulsory school age until ${ends}: their parent holds the rights until then (CFA 2014 s.80, s.83(2))`, { compulsorySchoolAgeEnds: ends });
    }
    if (over && !command.holdsRights && !reason) {
      fail(F.YoungPersonRightsNotApplicableError, `Over compulsory school age since ${ends}, the young person holds the rights unless they lack capacity: give capacityException (Mental Capacity Act 2005)`, { field: 'capacityException' });
    }
  }
  return [{
    type: 'ehc.young-person-rights-recorded.v1',
    data: { caseId, holdsRights: command.holdsRights, ...(reason ? { capacityException: reason } : {}), parentAccess: command.parentAccess, recordedOn: at },
  }];
}

/** CFA 2014 s.44(1), reg 20; CoP 9.176: a review before the annual one is due, asked for while a plan is in force. */
export function requestEarlyReview(command: RequestEarlyReview, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  assertPlanInForce(state, 'Asking for an early review');
  unique(familyOf(state).earlyReviewRequests, command.earlyReviewRequestId, 'earlyReviewRequestId');
  requireOneOf(command.requestedBy, EARLY_REVIEW_REQUESTERS, 'requestedBy');
  return [{ type: 'ehc.early-review-requested.v1', data: { caseId, earlyReviewRequestId: command.earlyReviewRequestId, requestedBy: command.requestedBy, requestedOn: at } }];
}

/** reg 6(1)(h): during an assessment (or reassessment) the family ask the LA to seek advice from a person they name. */
export function askForAdvice(command: AskForAdvice, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  const assessmentId = assessmentUnderWay(state, 'Asking for advice from a person you name');
  unique({ ...(state.familyAdviceRequests ?? {}), ...familyOf(state).adviceAsked }, command.familyRequestId, 'familyRequestId');
  requireText(command.adviser?.name, 'adviser.name');
  requireText(command.adviser?.role, 'adviser.role');
  return [{
    type: 'ehc.family-advice-asked.v1',
    data: { caseId, assessmentId, familyRequestId: command.familyRequestId, adviser: { name: command.adviser.name.trim(), role: command.adviser.role.trim() }, askedOn: at },
  }];
}

/**
 * The LA's answer to a request for an early review, once: agreed, with the meeting date, which schedules the review as
 * any reg 20 review (`ScheduleReviewMeeting`: 2 weeks' notice, papers 2 weeks before, report and decision after); or
 * declined, with its reasons. No statutory time limit applies to the answer (CFA 2014 s.44, reg 20 and CoP 9.176 set
 * none), so nothing here sets one.
 */
export function answerEarlyReviewRequest(command: AnswerEarlyReviewRequest, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, earlyReviewRequestId } = command;
  assertPlanInForce(state, 'Answering a request for an early review');
  const request = Object.hasOwn(familyOf(state).earlyReviewRequests, earlyReviewRequestId) ? familyOf(state).earlyReviewRequests[earlyReviewRequestId] : undefined;
  if (!request) return fail(F.EarlyReviewRequestNotFoundError, `No request for an early review ${earlyReviewRequestId} on this case`);
  if (request.answer) return fail(F.EarlyReviewAlreadyAnsweredError, `The request for an early review was answered (${request.answer.answer}) on ${request.answer.on}`);
  notBefore(at, request.requestedOn, 'the request for an early review');
  requireOneOf(command.answer, ['agreed', 'declined'] as const, 'answer');
  if (command.answer === 'declined') {
    if (command.reviewId !== undefined || command.meetingOn !== undefined) fail(E.InvalidCommandError, 'A declined request has no review meeting', { field: 'meetingOn' });
    requireText(command.reasons, 'reasons');
    return [{ type: 'ehc.early-review-declined.v1', data: { caseId, earlyReviewRequestId, reasons: (command.reasons as string).trim(), declinedOn: at } }];
  }
  if (command.reasons !== undefined) fail(E.InvalidCommandError, 'An agreed request has no reasons for declining', { field: 'reasons' });
  requireText(command.reviewId, 'reviewId');
  const meetingOn = requireDate(command.meetingOn, 'meetingOn');
  notBefore(meetingOn, at, 'the day the early review was agreed');
  const reviewId = command.reviewId as string;
  const scheduled = scheduleReviewMeeting({ type: 'ScheduleReviewMeeting', caseId, at, reviewId, meetingOn }, state);
  return [{ type: 'ehc.early-review-agreed.v1', data: { caseId, earlyReviewRequestId, reviewId, meetingOn, agreedOn: at } }, ...scheduled];
}

/**
 * The LA shares advice with the family before the draft (reg 13 makes it share it all with the draft). Named advice
 * must be on the case (its current version's id, or re-used advice); without ids, everything on the case that day is
 * shared, and the event lists it, so advice that arrives later is not shared by this decision.
 */
export function shareAdviceWithFamily(command: ShareAdviceWithFamily, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  unique(familyOf(state).adviceShares ?? {}, command.shareId, 'shareId');
  requireText(command.sharedBy?.userId, 'sharedBy.userId');
  requireText(command.sharedBy?.organisationId, 'sharedBy.organisationId');
  const onCase = adviceOnCase(state);
  if (command.adviceIds !== undefined && (!Array.isArray(command.adviceIds) || command.adviceIds.length === 0)) {
    fail(E.InvalidCommandError, 'adviceIds: name at least one piece of advice, or leave it out to share all advice received so far', { field: 'adviceIds' });
  }
  const named = command.adviceIds ? [...new Set(command.adviceIds)] : undefined;
  const missing = (named ?? []).filter((id) => !onCase.has(id));
  if (missing.length) fail(F.AdviceNotOnCaseError, `Advice not on this case: ${missing.join(', ')}`, { adviceIds: missing });
  const adviceIds = named ?? [...onCase].sort();
  if (adviceIds.length === 0) fail(F.AdviceNotOnCaseError, 'No advice has been received on this case yet');
  return [{
    type: 'ehc.advice-shared-with-family.v1',
    data: { caseId, shareId: command.shareId, scope: named ? 'listed' : 'all-received', adviceIds, sharedBy: { userId: command.sharedBy.userId, organisationId: command.sharedBy.organisationId }, sharedOn: at },
  }];
}
