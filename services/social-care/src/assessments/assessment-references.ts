import { DomainError, isIsoDate, type IsoDate } from '@tio/ehc-domain';
import type { Decider } from '@tio/event-sourcing';
import type { Author } from '@tio/advice-domain';

/**
 * The social care assessments behind the social care advice on a case (reg 6(1)(e)), by reference to the social
 * care system: the assessment itself stays there; the case carries which one, of what kind, and when.
 */
export const SOCIAL_CARE_ASSESSMENT_KINDS = ['child-in-need', 'child-protection', 'looked-after-child', 'disabled-children', 'transition-to-adult', 'carers'] as const;
export type SocialCareAssessmentKind = (typeof SOCIAL_CARE_ASSESSMENT_KINDS)[number];

export interface AssessmentReferencedV1 {
  caseId: string;
  assessmentRef: string;
  kind: SocialCareAssessmentKind;
  completedOn?: IsoDate;
  by: Author;
}
export type SocialCareEvent = { type: 'social-care.assessment-referenced.v1'; data: AssessmentReferencedV1 };
export interface ReferenceAssessment {
  type: 'ReferenceAssessment';
  caseId: string;
  assessmentRef: string;
  kind: SocialCareAssessmentKind;
  completedOn?: IsoDate;
  today: IsoDate;
  by: Author;
}
export interface AssessmentsState {
  assessments: AssessmentReferencedV1[];
}

export class AssessmentAlreadyReferencedError extends DomainError {
  readonly code = 'assessment-already-referenced';
}
export class InvalidAssessmentReferenceError extends DomainError {
  readonly code = 'invalid-assessment-reference';
}

export const assessmentsStream = (caseId: string) => `social_care-${caseId}`;

export const assessmentsDecider: Decider<AssessmentsState, ReferenceAssessment, SocialCareEvent> = {
  initialState: () => ({ assessments: [] }),
  evolve: (s, e) => ({ assessments: [...s.assessments, e.data] }),
  decide: (c, s) => {
    if (c.completedOn !== undefined && (!isIsoDate(c.completedOn) || c.completedOn > c.today)) {
      throw new InvalidAssessmentReferenceError(`completedOn must be a date no later than today (${c.today})`);
    }
    if (s.assessments.some((a) => a.assessmentRef === c.assessmentRef)) {
      throw new AssessmentAlreadyReferencedError(`assessment ${c.assessmentRef} is already referenced on case ${c.caseId}`, { assessmentRef: c.assessmentRef });
    }
    return [{ type: 'social-care.assessment-referenced.v1', data: { caseId: c.caseId, assessmentRef: c.assessmentRef, kind: c.kind, completedOn: c.completedOn, by: c.by } }];
  },
};
