import type { IsoDate } from '../calendar';
import type {
  AdviceNotAwaitedReason, FamilyAdviceDeclineReason, FamilyInvolvementKind, FamilyMember, InvolvementMethod, InvolvementProvider,
} from './assessment-advice-events';

interface Base {
  caseId: string;
  at: IsoDate;
}

/** reg 6(1)(g), 6(2): what this assessment's advice must cover; year 9 is derived from the date of birth when omitted. */
export interface RecordAdviceScope extends Base {
  type: 'RecordAdviceScope';
  inOrBeyondYear9?: boolean;
  visionOrHearingImpaired: boolean;
}
/** reg 6(1)(h): the family asked the LA to seek advice from a person; the LA decides whether the request is reasonable. */
export interface RecordFamilyAdviceRequest extends Base {
  type: 'RecordFamilyAdviceRequest';
  familyRequestId: string;
  adviserRef: string;
  reasonable: boolean;
  declineReason?: FamilyAdviceDeclineReason;
}
/** The LA goes on to the draft without advice it sought and has not received, once the adviser's 6 weeks are over (reg 8(1)). */
export interface ProceedWithoutAdvice extends Base {
  type: 'ProceedWithoutAdvice';
  adviceRequestIds: string[];
  reason: AdviceNotAwaitedReason;
}
/** regs 7, 9: the family consulted, or given information, advice and support. */
export interface RecordFamilyInvolvement extends Base {
  type: 'RecordFamilyInvolvement';
  involvementId: string;
  kind: FamilyInvolvementKind;
  who: FamilyMember[];
  providedBy: InvolvementProvider;
  method: InvolvementMethod;
}

export type AssessmentAdviceCommand = RecordAdviceScope | RecordFamilyAdviceRequest | ProceedWithoutAdvice | RecordFamilyInvolvement;
