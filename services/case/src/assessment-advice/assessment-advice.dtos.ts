import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import {
  ADVICE_NOT_AWAITED_REASONS, FAMILY_ADVICE_DECLINE_REASONS, FAMILY_INVOLVEMENT_KINDS, FAMILY_MEMBERS, INVOLVEMENT_METHODS, INVOLVEMENT_PROVIDERS,
  type AdviceNotAwaitedReason, type FamilyAdviceDeclineReason, type FamilyInvolvementKind, type FamilyMember, type InvolvementMethod, type InvolvementProvider,
} from '@tio/ehc-domain';
import { RecordedEventResponse } from '../http/responses';
import { StepDto } from '../http/dtos';

const REF = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const REF_MESSAGE = '$property must be an opaque reference (letters, digits and . _ : / -, at most 128), never a name';

/** reg 6(1)(g), 6(1)(b) with 6(2): what this assessment's advice must cover. */
export class RecordAdviceScopeDto extends StepDto {
  @ApiPropertyOptional({ description: 'reg 6(1)(g): the child or young person is in or beyond year 9. Omit to derive it from the date of birth on the case (refused with 409 year-group-unknown when there is none).', example: false })
  @IsOptional()
  @IsBoolean()
  inOrBeyondYear9?: boolean;

  @ApiProperty({ description: 'reg 6(1)(b), 6(2): vision or hearing impaired (or both): the advice of a qualified teacher of the impairment is then required', example: false })
  @IsBoolean()
  visionOrHearingImpaired!: boolean;
}

/** reg 6(1)(h): the family asked the LA to seek advice from a person. */
export class RecordFamilyAdviceRequestDto extends StepDto {
  @ApiPropertyOptional({ description: 'Id of the family’s request (UUID); generated when omitted' })
  @IsOptional()
  @IsUUID()
  familyRequestId?: string;

  @ApiProperty({ description: 'The person the family named (opaque reference, never a name)', example: 'slt:nhs:RXK:4471' })
  @Matches(REF, { message: REF_MESSAGE })
  adviserRef!: string;

  @ApiProperty({ description: 'Whether the LA finds the request reasonable (the advice is then required before the draft)', example: true })
  @IsBoolean()
  reasonable!: boolean;

  @ApiPropertyOptional({ enum: FAMILY_ADVICE_DECLINE_REASONS, description: 'Required when not reasonable; absent otherwise' })
  @IsOptional()
  @IsIn(FAMILY_ADVICE_DECLINE_REASONS)
  declineReason?: FamilyAdviceDeclineReason;
}

/** The LA goes on without advice it sought and has not received (after the adviser's 6 weeks, reg 8(1)). */
export class ProceedWithoutAdviceDto extends StepDto {
  @ApiProperty({ type: [String], description: 'The advice requests (UUIDs) the LA goes on without' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  adviceRequestIds!: string[];

  @ApiProperty({ enum: ADVICE_NOT_AWAITED_REASONS, description: 'adviser-did-not-respond (only after the 6 weeks, reg 8(1)); appointment-not-kept (reg 8(2)(c)); family-declined-to-give-views (reg 6(1)(a))' })
  @IsIn(ADVICE_NOT_AWAITED_REASONS)
  reason!: AdviceNotAwaitedReason;
}

/** regs 7 and 9: the family consulted, or given information, advice and support. */
export class RecordFamilyInvolvementDto extends StepDto {
  @ApiPropertyOptional({ description: 'Id (UUID); generated when omitted' })
  @IsOptional()
  @IsUUID()
  involvementId?: string;

  @ApiProperty({ enum: FAMILY_INVOLVEMENT_KINDS, description: 'consulted (reg 7(a)) or information-advice-support (reg 9)' })
  @IsIn(FAMILY_INVOLVEMENT_KINDS)
  kind!: FamilyInvolvementKind;

  @ApiProperty({ enum: FAMILY_MEMBERS, isArray: true, description: 'Who was consulted or supported', example: ['child', 'parent'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(FAMILY_MEMBERS, { each: true })
  who!: FamilyMember[];

  @ApiProperty({ enum: INVOLVEMENT_PROVIDERS })
  @IsIn(INVOLVEMENT_PROVIDERS)
  providedBy!: InvolvementProvider;

  @ApiProperty({ enum: INVOLVEMENT_METHODS })
  @IsIn(INVOLVEMENT_METHODS)
  method!: InvolvementMethod;
}

/** What a step on the case answers (the case API's command result). */
export class CaseStepResponse {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ description: 'The case stream’s revision after the step' }) revision!: number;
  @ApiProperty({ type: [RecordedEventResponse], description: 'The events this step recorded', example: [{ eventId: '0b8f7c1e-2a3d-4e5f-8a9b-1c2d3e4f5a6b', type: 'ehc.advice-scope-recorded.v1' }] }) recorded!: Array<{ eventId: string; type: string }>;
  @ApiProperty({ description: 'True for a retry with the same Idempotency-Key (nothing recorded twice)' }) replayed!: boolean;
  @ApiPropertyOptional({ description: 'The statutory status as of today (deadlines, week of the process); left out when the request said `Prefer: return=minimal`', type: 'object', additionalProperties: true }) status?: Record<string, unknown>;
}

/** The advice checklist of a case (reg 6(1)): item by item, and what a draft still lacks. */
export class AdviceChecklistResponse {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({
    type: 'object', additionalProperties: true,
    description: 'assessmentId; scope (inOrBeyondYear9, yearGroupFrom, visionOrHearingImpaired, recordedOn); items (adviceType, regulation, required, status: not-required | not-sought | awaited | received | reused | not-awaited, adviceRequestIds, reuseIds, dueOn); familyRequests; familyAsksAwaitingFinding (the family’s own reg 6(1)(h) requests the LA has not yet found reasonable or declined: familyRequestId, askedOn, adviser); missing (item, regulation, problem: scope-not-recorded | not-sought | not-received | finding-not-recorded); consultations (reg 7); informationAdviceSupport (reg 9)',
  })
  checklist!: Record<string, unknown>;
}
