import type { IsoDate } from '../calendar';

/**
 * The family on the case (issue #21): the LA invites a parent, carer or the young person with a one-time code; the
 * person who signs in with that code is linked to the case; the LA may unlink them; and the case records whether the
 * young person holds the rights to make requests and appeal (CFA 2014 s.80) and what their parents may then do.
 * Family members are named by the citizen identity provider's `sub` (an opaque id). The invitation's `contact` is
 * personal data (encrypted with the case key); neither it nor the code's digest is published on Kafka.
 * Also the family's request for an early review (CFA 2014 s.44(1), reg 20; CoP 9.176), which had no event before, the
 * LA's answer to it, and the LA's decision to share advice with the family before the draft.
 */

export const FAMILY_RELATIONSHIPS = ['parent', 'carer', 'young-person'] as const;
/** A parent (with or without parental responsibility), a carer (Education Act 1996 s.576: anyone who has care of the child) or the young person. */
export type FamilyRelationship = (typeof FAMILY_RELATIONSHIPS)[number];

export const PARENT_ACCESS_CHOICES = ['see-and-act', 'see-only', 'none'] as const;
/** Once the young person holds the rights: what their parents (and carers) may do on the case, by the young person's choice. */
export type ParentAccess = (typeof PARENT_ACCESS_CHOICES)[number];

export const UNLINK_REASONS = ['linked-in-error', 'no-longer-involved', 'young-person-asked', 'court-order', 'other'] as const;
export type UnlinkReason = (typeof UNLINK_REASONS)[number];

/** How to reach an invited family member. Personal data: stored only encrypted with the case key, never published. */
export interface FamilyContact {
  name: string;
  email?: string;
  phone?: string;
}

export interface FamilyMemberInvitedV1 {
  caseId: string;
  invitationId: string;
  relationship: FamilyRelationship;
  /** For a parent: whether they hold parental responsibility (Children Act 1989 s.3). */
  parentalResponsibility?: boolean;
  /** Personal: encrypted in the store, left out of the published event. */
  contact: FamilyContact;
  /** SHA-256 (hex) of the one-time code; the code itself is never stored. Left out of the published event. */
  codeDigest: string;
  /** The last day the code can be used (28 days from the invitation). */
  expiresOn: IsoDate;
  invitedOn: IsoDate;
  invitedBy: { userId: string; organisationId: string };
}

/** The published form of the invitation: no contact, no code digest. */
export type FamilyMemberInvitedPublishedV1 = Omit<FamilyMemberInvitedV1, 'contact' | 'codeDigest'>;

export interface FamilyMemberLinkedV1 {
  caseId: string;
  invitationId: string;
  /** The family member's subject at the citizen identity provider (`sub`). */
  subject: string;
  relationship: FamilyRelationship;
  linkedOn: IsoDate;
}

export interface FamilyMemberUnlinkedV1 {
  caseId: string;
  subject: string;
  reason: UnlinkReason;
  unlinkedOn: IsoDate;
}

export interface YoungPersonRightsRecordedV1 {
  caseId: string;
  /** CFA 2014 s.80: the young person (over compulsory school age) makes the requests and decisions themselves. */
  holdsRights: boolean;
  /** Why not, when over compulsory school age: lacking capacity (Mental Capacity Act 2005; SEND Regs 2014 Part 5, reg 64). */
  capacityException?: string;
  /** The young person's choice of what their parents may do while they hold the rights. */
  parentAccess: ParentAccess;
  recordedOn: IsoDate;
}

export const EARLY_REVIEW_REQUESTERS = ['parent-or-young-person', 'institution', 'local-authority'] as const;
export type EarlyReviewRequester = (typeof EARLY_REVIEW_REQUESTERS)[number];

/** Someone asked the LA to review the plan before its annual review is due (CFA 2014 s.44(1); reg 20; CoP 9.176). */
export interface EarlyReviewRequestedV1 {
  caseId: string;
  earlyReviewRequestId: string;
  requestedBy: EarlyReviewRequester;
  requestedOn: IsoDate;
}

/**
 * The LA agreed to review the plan early. The review is a review under reg 20 like any other: the same command also
 * records `ehc.review-meeting-scheduled.v1` with the same `reviewId`, so its notice, papers, report and decision
 * follow the annual review's rules and clocks.
 */
export interface EarlyReviewAgreedV1 {
  caseId: string;
  earlyReviewRequestId: string;
  reviewId: string;
  meetingOn: IsoDate;
  agreedOn: IsoDate;
}

/**
 * The LA declined to review the plan early, with its reasons. No statutory time limit applies to this answer (neither
 * CFA 2014 s.44 nor reg 20 sets one), so the clock has no deadline for it. The reasons are the LA's own words about the
 * child: personal data, stored and published only encrypted.
 */
export interface EarlyReviewDeclinedV1 {
  caseId: string;
  earlyReviewRequestId: string;
  reasons: string;
  declinedOn: IsoDate;
}

export const ADVICE_SHARE_SCOPES = ['listed', 'all-received'] as const;
/** `listed`: the advice the LA named; `all-received`: every piece of advice on the case that day (its ids are listed too). */
export type AdviceShareScope = (typeof ADVICE_SHARE_SCOPES)[number];

/**
 * The LA shared advice with the family before the draft plan (reg 13 makes it share all of it with the draft; it may
 * share earlier: CoP 9.77 and the "tell it once" principle). From then on the family sees that advice. Advice its
 * agency marked not for sharing with the family stays withheld: the timeline's rule decides that, not this event.
 */
export interface AdviceSharedWithFamilyV1 {
  caseId: string;
  shareId: string;
  scope: AdviceShareScope;
  /** The advice shared (the ids its agencies gave it); for `all-received`, every advice on the case that day. */
  adviceIds: string[];
  sharedBy: { userId: string; organisationId: string };
  sharedOn: IsoDate;
}

/**
 * reg 6(1)(h): the parent or young person asked the LA to seek advice from a person they name. The LA then finds the
 * request reasonable or not (`ehc.family-advice-request-recorded.v1`, same `familyRequestId`). The adviser's name is
 * personal data (encrypted with the case key).
 */
export interface FamilyAdviceAskedV1 {
  caseId: string;
  assessmentId: string;
  familyRequestId: string;
  adviser: { name: string; role: string };
  askedOn: IsoDate;
}

export interface FamilyEventDataMap {
  'ehc.family-advice-asked.v1': FamilyAdviceAskedV1;
  'ehc.family-member-invited.v1': FamilyMemberInvitedV1;
  'ehc.family-member-linked.v1': FamilyMemberLinkedV1;
  'ehc.family-member-unlinked.v1': FamilyMemberUnlinkedV1;
  'ehc.young-person-rights-recorded.v1': YoungPersonRightsRecordedV1;
  'ehc.early-review-requested.v1': EarlyReviewRequestedV1;
  'ehc.early-review-agreed.v1': EarlyReviewAgreedV1;
  'ehc.early-review-declined.v1': EarlyReviewDeclinedV1;
  'ehc.advice-shared-with-family.v1': AdviceSharedWithFamilyV1;
}

export const FAMILY_EVENT_TYPES = [
  {
    type: 'ehc.family-member-invited.v1',
    summary: 'The LA invited a parent, carer or the young person to follow and take part in the case, with a one-time code valid for 28 days (published without the contact details and the code’s digest).',
    regulation: 'CFA 2014 s.19; CoP 9.21-9.22',
  },
  {
    type: 'ehc.family-member-linked.v1',
    summary: 'A family member signed in and used their invitation code: they are linked to the case with their relationship.',
    regulation: 'CFA 2014 s.19',
  },
  {
    type: 'ehc.family-member-unlinked.v1',
    summary: 'The LA unlinked a family member from the case, with the reason; they no longer see or act on it.',
    regulation: 'CFA 2014 s.19; UK GDPR art. 5(1)(f)',
  },
  {
    type: 'ehc.young-person-rights-recorded.v1',
    summary: 'The case records whether the young person (over compulsory school age) holds the rights to make requests and appeal, or why not (lacking capacity), and what their parents may see or do.',
    regulation: 'CFA 2014 s.80, s.83(2); Mental Capacity Act 2005; SEND Regs 2014 reg 64; CoP 8.13-8.15',
  },
  {
    type: 'ehc.family-advice-asked.v1',
    summary: 'The parent or young person asked the LA to seek advice from a person they name; the LA then records whether the request is reasonable.',
    regulation: 'reg 6(1)(h)',
  },
  {
    type: 'ehc.early-review-requested.v1',
    summary: 'The family (or the school or the LA) asked for the plan to be reviewed before its annual review is due.',
    regulation: 'CFA 2014 s.44(1); reg 20; CoP 9.176',
  },
  {
    type: 'ehc.early-review-agreed.v1',
    summary: 'The LA agreed to review the plan early, with the date of the review meeting; the review meeting is recorded as scheduled (same reviewId) and follows the reg 20 rules.',
    regulation: 'CFA 2014 s.44(1); reg 20; CoP 9.176',
  },
  {
    type: 'ehc.early-review-declined.v1',
    summary: 'The LA declined to review the plan early, with its reasons (encrypted). No statutory time limit applies to this answer.',
    regulation: 'CFA 2014 s.44(1); CoP 9.176',
  },
  {
    type: 'ehc.advice-shared-with-family.v1',
    summary: 'The LA shared advice with the family before the draft plan (named advice, or all received so far); advice marked not for sharing with the family stays withheld.',
    regulation: 'reg 13; CoP 9.77',
  },
] as const;
