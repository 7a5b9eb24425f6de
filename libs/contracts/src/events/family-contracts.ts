import {
  ADVICE_SHARE_SCOPES, EARLY_REVIEW_REQUESTERS, FAMILY_RELATIONSHIPS, PARENT_ACCESS_CHOICES, UNLINK_REASONS,
  type EhcEventDataMap, type FamilyEventDataMap, type FamilyMemberInvitedPublishedV1, type YoungPersonRightsRecordedV1,
} from '@tio/ehc-domain';
import type { JsonSchema } from '../json-schema';
import { arrayOf, bool, ENCRYPTED, id, isoDate, oneOf, opt, req, shapeOf, str } from '../schema-helpers';

/**
 * The contracts of the family on the case (issue #21), merged into CASE_EVENT_CONTRACTS. Two events are published
 * in a shape other than the stored one (`toPayload`): the invitation without the contact details and the code's
 * digest, and the young person's rights with `lacksCapacity` instead of the capacity reason. Nothing a family member
 * wrote or could be reached by is on Kafka; consumers learn who is linked (an opaque `subject`) and what they may do.
 *
 * For consumers granting family members access (the timeline): fold these events into an `EhcCaseState`-shaped
 * `family` (or your own table) and ask `familyAccessOf(state, subject, today)` from `@tio/ehc-domain`; it needs the
 * published fields only, plus the child's date of birth when it is to tell that a young person is over compulsory
 * school age without a recorded `ehc.young-person-rights-recorded.v1` (without it the parent acts until the LA records
 * the rights). A family principal's token: roles ['family'], agency 'family', org 'family', sub = the member's subject;
 * the AuthGuard lets it reach only routes that list the role `family` in @RequireRoles.
 */

/** The published payload of `ehc.young-person-rights-recorded.v1`. */
export type YoungPersonRightsRecordedPublishedV1 = Omit<YoungPersonRightsRecordedV1, 'capacityException'> & {
  /** The young person is over compulsory school age but lacks capacity: the parent acts for them (the reason stays in the case service). */
  lacksCapacity?: boolean;
};

/** What each family event type is published as. */
export interface FamilyPublishedDataMap {
  'ehc.family-advice-asked.v1': EhcEventDataMap['ehc.family-advice-asked.v1'];
  'ehc.family-member-invited.v1': FamilyMemberInvitedPublishedV1;
  'ehc.family-member-linked.v1': EhcEventDataMap['ehc.family-member-linked.v1'];
  'ehc.family-member-unlinked.v1': EhcEventDataMap['ehc.family-member-unlinked.v1'];
  'ehc.young-person-rights-recorded.v1': YoungPersonRightsRecordedPublishedV1;
  'ehc.early-review-requested.v1': EhcEventDataMap['ehc.early-review-requested.v1'];
  'ehc.early-review-agreed.v1': EhcEventDataMap['ehc.early-review-agreed.v1'];
  'ehc.early-review-declined.v1': EhcEventDataMap['ehc.early-review-declined.v1'];
  'ehc.advice-shared-with-family.v1': EhcEventDataMap['ehc.advice-shared-with-family.v1'];
}

type Contracts = {
  readonly [K in keyof FamilyEventDataMap]: {
    /** The published payload's schema. */
    schema: JsonSchema;
    example: FamilyPublishedDataMap[K];
    /** Stored data -> published payload, where they differ. */
    toPayload?: (stored: FamilyEventDataMap[K]) => FamilyPublishedDataMap[K];
  }
};

const caseId = req(id('The EHC case (a UUID assigned by the case service); equal to the Kafka key and the CloudEvents subject.'));
const invitationId = req(id('The invitation (a UUID).'));
const subject = req(id('The family member: their subject (`sub`) at the citizen identity provider, an opaque id.'));
const relationship = req(oneOf(FAMILY_RELATIONSHIPS, 'parent, carer (anyone who has care of the child: Education Act 1996 s.576) or the young person.'));
const C = '5b1c1c1e-2f4a-4c1d-9e55-3f0a7d2b0001';
const INV = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b0030';

export const FAMILY_CONTRACTS: Contracts = {
  'ehc.family-member-invited.v1': {
    schema: shapeOf<FamilyMemberInvitedPublishedV1>({
      caseId, invitationId, relationship,
      parentalResponsibility: opt(bool('For a parent: whether they hold parental responsibility (Children Act 1989 s.3).')),
      expiresOn: req(isoDate('The last day the one-time code can be used (28 days from the invitation).')),
      invitedOn: req(isoDate('The day the LA invited them.')),
      invitedBy: req(shapeOf<FamilyMemberInvitedPublishedV1['invitedBy']>({
        userId: req(id('The case officer who invited them.')),
        organisationId: req(id('Their organisation (the responsible LA, GSS code).')),
      }, 'Who invited them.')),
    }, 'Published without the contact details (personal data, kept encrypted in the case service) and without the digest of the one-time code.'),
    example: { caseId: C, invitationId: INV, relationship: 'parent', parentalResponsibility: true, expiresOn: '2025-02-03', invitedOn: '2025-01-06', invitedBy: { userId: 'caseworker-priya', organisationId: 'E10000028' } },
    toPayload: ({ contact: _contact, codeDigest: _codeDigest, ...published }) => published,
  },
  'ehc.family-member-linked.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.family-member-linked.v1']>({
      caseId, invitationId, subject, relationship,
      linkedOn: req(isoDate('The day they used the code.')),
    }),
    example: { caseId: C, invitationId: INV, subject: 'family-jo', relationship: 'parent', linkedOn: '2025-01-08' },
  },
  'ehc.family-member-unlinked.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.family-member-unlinked.v1']>({
      caseId, subject,
      reason: req(oneOf(UNLINK_REASONS, 'Why the LA unlinked them.')),
      unlinkedOn: req(isoDate('The day; from then on they neither see nor act on the case.')),
    }),
    example: { caseId: C, subject: 'family-jo', reason: 'linked-in-error', unlinkedOn: '2025-01-09' },
  },
  'ehc.young-person-rights-recorded.v1': {
    schema: shapeOf<YoungPersonRightsRecordedPublishedV1>({
      caseId,
      holdsRights: req(bool('CFA 2014 s.80: the young person (over compulsory school age) makes the requests and decisions.')),
      lacksCapacity: opt(bool('Over compulsory school age but lacking capacity (Mental Capacity Act 2005): the parent acts for them. The reason is personal and stays in the case service.')),
      parentAccess: req(oneOf(PARENT_ACCESS_CHOICES, 'The young person’s choice of what their parents may do while they hold the rights.')),
      recordedOn: req(isoDate('The day it was recorded.')),
    }),
    example: { caseId: C, holdsRights: true, parentAccess: 'see-only', recordedOn: '2031-07-01' },
    toPayload: ({ capacityException, ...rest }) => ({ ...rest, ...(capacityException ? { lacksCapacity: true } : {}) }),
  },
  'ehc.family-advice-asked.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.family-advice-asked.v1']>({
      caseId,
      assessmentId: req(id('The EHC needs assessment (or reassessment) under way.')),
      familyRequestId: req(id('The family’s request; the LA’s finding (ehc.family-advice-request-recorded.v1) carries the same id.')),
      adviser: req(shapeOf<EhcEventDataMap['ehc.family-advice-asked.v1']['adviser']>({
        name: req(str(`The person the family named ${ENCRYPTED}`)),
        role: req(id('What they do, e.g. "speech and language therapist".')),
      }, 'Who the family asked the LA to seek advice from.')),
      askedOn: req(isoDate('The day the family asked.')),
    }),
    example: {
      caseId: C, assessmentId: '7e0d4c8a-1b2c-4d3e-8f40-5a6b7c8d0002', familyRequestId: 'c3d4e5f6-a7b8-4c9d-8e0f-2a3b4c5d0032',
      adviser: { name: '$enc:tio-aes-256-gcm/v1:k1:aXY:Y3Q:dGFn', role: 'speech and language therapist' }, askedOn: '2025-02-10',
    },
  },
  'ehc.early-review-requested.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.early-review-requested.v1']>({
      caseId,
      earlyReviewRequestId: req(id('The request (a UUID).')),
      requestedBy: req(oneOf(EARLY_REVIEW_REQUESTERS, 'Who asked.')),
      requestedOn: req(isoDate('The day the LA received the request.')),
    }),
    example: { caseId: C, earlyReviewRequestId: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c0031', requestedBy: 'parent-or-young-person', requestedOn: '2026-01-12' },
  },
  'ehc.early-review-agreed.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.early-review-agreed.v1']>({
      caseId,
      earlyReviewRequestId: req(id('The request for an early review this answers.')),
      reviewId: req(id('The review (reg 20) it schedules: ehc.review-meeting-scheduled.v1 with the same reviewId follows.')),
      meetingOn: req(isoDate('The day of the review meeting.')),
      agreedOn: req(isoDate('The day the LA agreed.')),
    }),
    example: { caseId: C, earlyReviewRequestId: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c0031', reviewId: 'e4f5a6b7-c8d9-4e0f-8a1b-2c3d4e5f0033', meetingOn: '2026-02-16', agreedOn: '2026-01-19' },
  },
  'ehc.early-review-declined.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.early-review-declined.v1']>({
      caseId,
      earlyReviewRequestId: req(id('The request for an early review this answers.')),
      reasons: req(str(`Why the LA declined ${ENCRYPTED}`)),
      declinedOn: req(isoDate('The day the LA declined (no statutory time limit applies to this answer).')),
    }),
    example: { caseId: C, earlyReviewRequestId: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c0031', reasons: '$enc:tio-aes-256-gcm/v1:k1:aXY:Y3Q:dGFn', declinedOn: '2026-01-19' },
  },
  'ehc.advice-shared-with-family.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.advice-shared-with-family.v1']>({
      caseId,
      shareId: req(id('This decision to share (a UUID).')),
      scope: req(oneOf(ADVICE_SHARE_SCOPES, 'listed: the advice the LA named; all-received: every advice on the case that day (listed in adviceIds).')),
      adviceIds: req(arrayOf(id('An advice id as its agency gave it.'), 'The advice shared with the family from this day. Advice its agency marked not for sharing with the family stays withheld.', 1)),
      sharedBy: req(shapeOf<EhcEventDataMap['ehc.advice-shared-with-family.v1']['sharedBy']>({
        userId: req(id('The case officer who shared it.')),
        organisationId: req(id('Their organisation (the responsible LA, GSS code).')),
      }, 'Who shared it.')),
      sharedOn: req(isoDate('The day the LA shared it.')),
    }),
    example: {
      caseId: C, shareId: 'f5a6b7c8-d9e0-4f1a-8b2c-3d4e5f6a0034', scope: 'listed', adviceIds: ['ep-2025-0042'],
      sharedBy: { userId: 'caseworker-priya', organisationId: 'E10000028' }, sharedOn: '2025-03-14',
    },
  },
};
