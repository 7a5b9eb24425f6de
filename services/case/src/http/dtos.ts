import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FutureDateAllowed, isNotInFuture, NotInFuture } from '@tio/contracts';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsISO8601, Min, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateBy, ValidateNested } from 'class-validator';
import { ISO_DATE } from '@tio/service-kit';
import { PlanContentsDto } from '../plan/plan-contents.dto';
import {
  isValidNhsNumber,
  londonDateOf,
  ADVICE_TYPES,
  AGENCIES,
  AMENDMENT_TRIGGERS,
  APPEAL_OUTCOMES,
  APPEALABLE_DECISIONS,
  CESSATION_CONSULTEES,
  REASSESSMENT_DECISIONS,
  REASSESSMENT_REQUESTERS,
  type ReassessmentDecision,
  type ReassessmentRequester,
  MEDIATION_CHOICES,
  MEDIATION_OUTCOMES,
  type AppealableDecision,
  type AppealOutcome,
  type CessationConsultee,
  type MediationChoice,
  type MediationOutcome,
  CEASE_REASONS,
  CLOSED_SETTINGS,
  ERASURE_GROUNDS,
  EXCEPTION_LIMITS,
  EXCEPTION_REASONS,
  REQUEST_SOURCES,
  TRIBUNAL_ORDER_KINDS,
  TRIBUNAL_ORDER_REGULATIONS,
  PHASE_TRANSFER_KINDS,
  REVIEW_DECISIONS,
  type AdviceType,
  type Agency,
  type CeaseReason,
  type ClosedSetting,
  type ErasureGround,
  type ExceptionLimit,
  type ExceptionReason,
  type PhaseTransferKind,
  type RequestSource,
  type ReviewDecision,
  type TribunalOrderKind,
  type TribunalOrderRegulation,
} from '@tio/ehc-domain';

const REF = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const REF_MESSAGE = '$property must be an opaque reference (letters, digits and . _ : / -, at most 128), never a name';

/** Every step says the date it happened (the statutory clock runs on these dates); today when omitted. */
export class StepDto {
  @ApiPropertyOptional({ description: 'Date the step happened (YYYY-MM-DD, Europe/London); default today', example: '2026-01-05' })
  @IsOptional()
  @Matches(ISO_DATE, { message: '$property must be a date as YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: '$property must be a real calendar date' })
  @NotInFuture()
  at?: string;
}

export class RequesterDto {
  @ApiProperty({ example: 'parent' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  role!: string;

  @ApiPropertyOptional({ description: 'Opaque reference to the person (never a name)', example: 'person:8841' })
  @IsOptional()
  @Matches(REF, { message: REF_MESSAGE })
  personRef?: string;

  @ApiPropertyOptional({ example: 'urn:school:100001' })
  @IsOptional()
  @Matches(REF, { message: REF_MESSAGE })
  organisationRef?: string;
}

/** The child's personal details: stored only encrypted with the case's key (never in clear in events or logs). */
export class ChildDetailsDto {
  @ApiProperty({ description: "The child's date of birth (YYYY-MM-DD); retention runs from it", example: '2016-04-02' })
  @Matches(ISO_DATE, { message: '$property must be a date as YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: '$property must be a real calendar date' })
  @NotInFuture()
  dateOfBirth!: string;

  @ApiPropertyOptional({ description: "The child's name", example: 'Sam Example' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: 'NHS number: 10 digits with a valid check digit', example: '9434765919' })
  @IsOptional()
  @Matches(/^\d{10}$/, { message: '$property must be 10 digits' })
  @ValidateBy({
    name: 'isNhsNumber',
    validator: { validate: (v) => typeof v !== 'string' || !/^\d{10}$/.test(v) || isValidNhsNumber(v), defaultMessage: () => '$property must be an NHS number: 10 digits with a valid modulus 11 check digit' },
  })
  nhsNumber?: string;
}

export class ReceiveRequestDto extends StepDto {
  @ApiPropertyOptional({ description: 'Case id chosen by the caller (UUID); generated when omitted' })
  @IsOptional()
  @IsUUID()
  caseId?: string;

  @ApiProperty({ description: 'Opaque reference to the child; personal details stay out of events', example: 'child:5f2c91' })
  @Matches(REF, { message: REF_MESSAGE })
  childRef!: string;

  @ApiProperty({ description: 'The responsible local authority (GSS code or organisation id)', example: 'E10000028' })
  @Matches(REF, { message: REF_MESSAGE })
  localAuthority!: string;

  @ApiProperty({ enum: REQUEST_SOURCES })
  @IsIn(REQUEST_SOURCES)
  source!: RequestSource;

  @ApiProperty({ type: RequesterDto })
  @ValidateNested()
  @Type(() => RequesterDto)
  requestedBy!: RequesterDto;

  @ApiPropertyOptional({ type: ChildDetailsDto, description: "The child's personal details (encrypted with the case's key; erased by destroying it)" })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChildDetailsDto)
  @ValidateBy({
    name: 'bornByTheRequest',
    validator: {
      validate: (child: ChildDetailsDto | undefined, args) => {
        const born = child?.dateOfBirth;
        // a birth after today is the future-date rule's to report (422), not this one's
        return typeof born !== 'string' || !isNotInFuture(born) || born <= ((args?.object as ReceiveRequestDto).at ?? londonDateOf(new Date()));
      },
      defaultMessage: () => 'child.dateOfBirth must not be after the request',
    },
  })
  child?: ChildDetailsDto;
}

export class ErasureDto {
  @ApiProperty({ enum: ERASURE_GROUNDS, description: 'erasure-request: the data subject asked (UK GDPR art. 17); retention-period-ended: date of birth + N years has passed' })
  @IsIn(ERASURE_GROUNDS)
  ground!: ErasureGround;
}

export class DecideToAssessDto extends StepDto {
  @ApiPropertyOptional({ description: 'Assessment id (UUID); generated when omitted' })
  @IsOptional()
  @IsUUID()
  assessmentId?: string;
}

export class RequestAdviceDto extends StepDto {
  @ApiPropertyOptional({ description: 'Advice request id (UUID); generated when omitted' })
  @IsOptional()
  @IsUUID()
  adviceRequestId?: string;

  @ApiProperty({ enum: ADVICE_TYPES })
  @IsIn(ADVICE_TYPES)
  adviceType!: AdviceType;

  @ApiProperty({ enum: AGENCIES })
  @IsIn(AGENCIES)
  agency!: Agency;

  @ApiPropertyOptional({ description: 'The adviser or team asked (opaque reference)', example: 'urn:nhs:trust:RXK' })
  @IsOptional()
  @Matches(REF, { message: REF_MESSAGE })
  adviserRef?: string;
}

export class ReuseAgreementDto {
  @IsBoolean() adviser!: boolean;
  @IsBoolean() localAuthority!: boolean;
  @IsBoolean() parentOrYoungPerson!: boolean;
}

export class ReuseAdviceDto extends StepDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() reuseId?: string;
  @ApiProperty({ enum: ADVICE_TYPES }) @IsIn(ADVICE_TYPES) adviceType!: AdviceType;
  @ApiProperty({ enum: AGENCIES }) @IsIn(AGENCIES) agency!: Agency;
  @ApiProperty() @IsUUID() adviceId!: string;
  @ApiProperty({ minimum: 1 }) @IsInt({ message: '$property must be a version number from 1' }) @Min(1, { message: '$property must be a version number from 1' }) version!: number;
  @ApiPropertyOptional() @IsOptional() @IsUUID() adviceRequestId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() sourceCaseId?: string;
  @ApiProperty({ type: ReuseAgreementDto, description: 'reg 6(4): everyone agrees the existing advice is sufficient' })
  @ValidateNested()
  @Type(() => ReuseAgreementDto)
  agreement!: ReuseAgreementDto;
}

export class IssueDraftPlanDto extends StepDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() planId?: string;
  @ApiPropertyOptional({ type: PlanContentsDto, description: 'reg 12: the draft’s sections (may be partial; CFA 2014 s.38(5): no school or type in I)' })
  @IsOptional() @ValidateNested() @Type(() => PlanContentsDto) contents?: PlanContentsDto;
}

export class RecordFamilyResponseDto extends StepDto {
  @ApiPropertyOptional({ example: 'urn:school:100234' }) @IsOptional() @Matches(REF, { message: REF_MESSAGE }) preferredSettingRef?: string;
  @ApiPropertyOptional({ description: 'Reference to the comments document', example: 'doc:comments-17' }) @IsOptional() @Matches(REF, { message: REF_MESSAGE }) commentsRef?: string;
  @ApiPropertyOptional({ description: 'reg 13(1): the family say they have nothing more to say, so the final plan may follow before their 15 days end' })
  @IsOptional() @IsBoolean() nothingMoreToSay?: boolean;
}

export class ConsultSettingDto extends StepDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() consultationId?: string;
  @ApiProperty({ example: 'urn:school:100234' }) @Matches(REF, { message: REF_MESSAGE }) settingRef!: string;
}

export class RecordSettingResponseDto extends StepDto {
  @ApiProperty() @IsUUID() consultationId!: string;
  @ApiProperty() @IsBoolean() canMeetNeeds!: boolean;
}

export class IssueFinalPlanDto extends StepDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() planId?: string;
  @ApiPropertyOptional({ example: 'urn:school:100234' }) @IsOptional() @Matches(REF, { message: REF_MESSAGE }) namedSettingRef?: string;
  @ApiPropertyOptional({ type: PlanContentsDto, description: 'reg 12(1): every section A-K; absent: the draft’s contents carried forward' })
  @IsOptional() @ValidateNested() @Type(() => PlanContentsDto) contents?: PlanContentsDto;
}

export class ProposeAmendmentDto extends StepDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() amendmentId?: string;
  @ApiProperty({ enum: AMENDMENT_TRIGGERS }) @IsIn(AMENDMENT_TRIGGERS) trigger!: (typeof AMENDMENT_TRIGGERS)[number];
  @ApiPropertyOptional() @IsOptional() @IsUUID() reviewId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() phaseTransferId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() tribunalOrderId?: string;
  @ApiPropertyOptional({ description: 'With trigger reassessment: the reassessment the amended plan finishes (reg 27)' }) @IsOptional() @IsUUID() reassessmentId?: string;
}

export class AmendPlanDto extends StepDto {
  @ApiProperty() @IsUUID() amendmentId!: string;
  @ApiPropertyOptional() @IsOptional() @Matches(REF, { message: REF_MESSAGE }) namedSettingRef?: string;
  @ApiPropertyOptional({ type: PlanContentsDto, description: 'reg 12, 22: the sections this amendment changes (the others are carried forward)' })
  @IsOptional() @ValidateNested() @Type(() => PlanContentsDto) contents?: PlanContentsDto;
}

export class DecideNotToAmendDto extends StepDto {
  @ApiProperty() @IsUUID() amendmentId!: string;
}

export class ScheduleReviewDto extends StepDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() reviewId?: string;
  @ApiProperty({ example: '2027-01-20' }) @Matches(ISO_DATE, { message: '$property must be a date as YYYY-MM-DD' }) @FutureDateAllowed('a review meeting is arranged before the day it is held') meetingOn!: string;
}

export class ReviewStepDto extends StepDto {
  @ApiProperty() @IsUUID() reviewId!: string;
}

export class ReviewDecisionDto extends ReviewStepDto {
  @ApiProperty({ enum: REVIEW_DECISIONS }) @IsIn(REVIEW_DECISIONS) decision!: ReviewDecision;
}

export class SchedulePhaseTransferDto extends StepDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() phaseTransferId?: string;
  @ApiProperty({ enum: PHASE_TRANSFER_KINDS }) @IsIn(PHASE_TRANSFER_KINDS) kind!: PhaseTransferKind;
  @ApiProperty({ example: '2027-09-01' }) @Matches(ISO_DATE, { message: '$property must be a date as YYYY-MM-DD' }) @FutureDateAllowed('a phase transfer is planned ahead of the day it happens (reg 18)') transferOn!: string;
}

export class CeasePlanDto extends StepDto {
  @ApiPropertyOptional({ enum: CEASE_REASONS, description: 'Required only under a Tribunal order to cease made without a decision to cease (reg 44(2)); after a decision to cease, the decision’s reason applies' }) @IsOptional() @IsIn(CEASE_REASONS) reason?: CeaseReason;
}

export class RequestReassessmentDto extends StepDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() reassessmentId?: string;
  @ApiProperty({ enum: REASSESSMENT_REQUESTERS, description: 'Who asked (CFA 2014 s.44(2))' }) @IsIn(REASSESSMENT_REQUESTERS) requestedBy!: ReassessmentRequester;
}

export class DecideOnReassessmentDto extends StepDto {
  @ApiProperty({ enum: REASSESSMENT_DECISIONS }) @IsIn(REASSESSMENT_DECISIONS) decision!: ReassessmentDecision;
  @ApiPropertyOptional({ description: 'When reassessing: the reassessment’s own assessment id (default a new UUID); refused with a decision not to reassess' }) @IsOptional() @IsUUID() assessmentId?: string;
}

export class ProposeCessationDto extends StepDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() cessationId?: string;
  @ApiProperty({ enum: CEASE_REASONS }) @IsIn(CEASE_REASONS) reason!: CeaseReason;
}

export class CessationConsultationDto extends StepDto {
  @ApiProperty({ enum: CESSATION_CONSULTEES }) @IsIn(CESSATION_CONSULTEES) consultee!: CessationConsultee;
  @ApiPropertyOptional({ example: 'urn:100001' }) @IsOptional() @Matches(REF, { message: REF_MESSAGE }) institutionRef?: string;
}

/** What the notice of an appealable decision told the family: each must be true (regs 5(3), 10(3), 14, 22(4), 31). */
export class AppealNoticeContentsDto {
  @ApiProperty({ description: 'The right of appeal to the First-tier Tribunal (SEND)' }) @IsBoolean() rightOfAppeal!: boolean;
  @ApiProperty({ description: 'The requirement to consider mediation before appealing (CFA 2014 s.55)' }) @IsBoolean() mediation!: boolean;
  @ApiProperty({ description: 'The disagreement resolution arrangements (CFA 2014 s.57)' }) @IsBoolean() disagreementResolution!: boolean;
  @ApiProperty({ description: 'The information, advice and support service (CFA 2014 s.32)' }) @IsBoolean() informationAdviceSupport!: boolean;
}

export class NotifyAppealRightsDto extends StepDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() noticeId?: string;
  @ApiProperty({ enum: APPEALABLE_DECISIONS }) @IsIn(APPEALABLE_DECISIONS) decision!: AppealableDecision;
  @ApiPropertyOptional({ description: 'An amended plan’s contents, or a decision not to amend: the amendment' }) @IsOptional() @IsUUID() amendmentId?: string;
  @ApiPropertyOptional({ description: 'A decision to cease: the cessation' }) @IsOptional() @IsUUID() cessationId?: string;
  @ApiPropertyOptional({ description: 'A decision not to reassess: the request for reassessment' }) @IsOptional() @IsUUID() reassessmentId?: string;
  @ApiProperty({ type: AppealNoticeContentsDto }) @IsDefined() @ValidateNested() @Type(() => AppealNoticeContentsDto) includes!: AppealNoticeContentsDto;
}

export class MediationDecisionDto extends StepDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() mediationId?: string;
  @ApiProperty() @IsUUID() noticeId!: string;
  @ApiProperty({ description: 'The day the mediation adviser gave the family information and advice about mediation' })
  @Matches(ISO_DATE, { message: '$property must be a date as YYYY-MM-DD' }) @NotInFuture() adviceGivenOn!: string;
  @ApiProperty({ enum: MEDIATION_CHOICES }) @IsIn(MEDIATION_CHOICES) choice!: MediationChoice;
}

export class MediationHeldDto extends StepDto {
  @ApiProperty({ enum: MEDIATION_OUTCOMES }) @IsIn(MEDIATION_OUTCOMES) outcome!: MediationOutcome;
}

export class RegisterAppealDto extends StepDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() appealId?: string;
  @ApiProperty() @IsUUID() noticeId!: string;
  @ApiPropertyOptional({ description: 'The day of the hearing, when listed' })
  @IsOptional() @Matches(ISO_DATE, { message: '$property must be a date as YYYY-MM-DD' }) @FutureDateAllowed('a hearing is listed ahead of the day it is held') hearingOn?: string;
}

export class DecideAppealDto extends StepDto {
  @ApiProperty({ enum: APPEAL_OUTCOMES }) @IsIn(APPEAL_OUTCOMES) outcome!: AppealOutcome;
  @ApiPropertyOptional({ description: 'The day of the hearing (none for a decision on the papers, a withdrawal or a concession)' })
  @IsOptional() @Matches(ISO_DATE, { message: '$property must be a date as YYYY-MM-DD' }) @NotInFuture() hearingOn?: string;
}

export class RecordExceptionDto extends StepDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() exceptionId?: string;
  @ApiProperty({ enum: EXCEPTION_LIMITS }) @IsIn(EXCEPTION_LIMITS) limit!: ExceptionLimit;
  @ApiPropertyOptional() @IsOptional() @IsUUID() adviceRequestId?: string;
  @ApiPropertyOptional({ description: 'A tribunal exception (reg 44(3)): the order whose limits it applies to' }) @IsOptional() @IsUUID() tribunalOrderId?: string;
  @ApiProperty({ enum: EXCEPTION_REASONS }) @IsIn(EXCEPTION_REASONS) reason!: ExceptionReason;
  @ApiProperty() @Matches(ISO_DATE, { message: '$property must be a date as YYYY-MM-DD' }) @FutureDateAllowed('an exception may be known ahead, e.g. the family away from a given day (reg 5(4))') fromOn!: string;
  @ApiPropertyOptional({ description: 'Last day (inclusive) of the closure, absence or circumstances; a missed appointment’s rearranged day' }) @IsOptional() @Matches(ISO_DATE, { message: '$property must be a date as YYYY-MM-DD' }) @FutureDateAllowed('the end of the period the exception covers, often still ahead') toOn?: string;
  @ApiPropertyOptional({ enum: CLOSED_SETTINGS, description: 'School-closure limb: which setting closed (early years only for regs 10(4)(b) / 13(3)(b))' }) @IsOptional() @IsIn(CLOSED_SETTINGS) closedSetting?: ClosedSetting;
  @ApiPropertyOptional({ description: 'School-closure limb: the day the LA asked that setting for advice (between a week before the closure and a week before it re-opens)' })
  @IsOptional() @Matches(ISO_DATE, { message: '$property must be a date as YYYY-MM-DD' }) @NotInFuture() adviceRequestedOn?: string;
}

export class RecordTribunalOrderDto extends StepDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() orderId?: string;
  @ApiProperty({ enum: TRIBUNAL_ORDER_REGULATIONS }) @IsIn(TRIBUNAL_ORDER_REGULATIONS) regulation!: TribunalOrderRegulation;
  @ApiProperty({ enum: TRIBUNAL_ORDER_KINDS }) @IsIn(TRIBUNAL_ORDER_KINDS) kind!: TribunalOrderKind;
}

export class NotifyTransferDto extends StepDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() transferId?: string;
  @ApiProperty({ example: 'E10000016' }) @Matches(REF, { message: REF_MESSAGE }) toLocalAuthority!: string;
  @ApiProperty({ example: '2027-04-01' }) @Matches(ISO_DATE, { message: '$property must be a date as YYYY-MM-DD' }) @FutureDateAllowed('a family notifies its move before it happens (reg 15)') moveOn!: string;
}

export class ReassessmentDecisionDto extends StepDto {
  @ApiProperty() @IsBoolean() willReassess!: boolean;
}

export class StatusQueryDto {
  @ApiPropertyOptional({ description: 'Answer as on this date (YYYY-MM-DD); default today' })
  @IsOptional()
  @Matches(ISO_DATE, { message: '$property must be a date as YYYY-MM-DD' })
  @FutureDateAllowed('a read: what the clock will show on that day; records nothing')
  asOf?: string;
}

export class WithdrawAdviceDto extends StepDto {
  @ApiProperty() @IsUUID() adviceRequestId!: string;
  @ApiProperty() @IsUUID() adviceId!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}
