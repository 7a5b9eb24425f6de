import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, Min, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { EARLY_REVIEW_REQUESTERS, FAMILY_RELATIONSHIPS, PARENT_ACCESS_CHOICES, PLAN_STAGES, UNLINK_REASONS, type FamilyRelationship, type ParentAccess, type UnlinkReason } from '@tio/ehc-domain';
import { ChildDetailsDto, StepDto } from '../http/dtos';
import { RecordedEventResponse, StatutoryStatusResponse } from '../http/responses';

const PHONE = /^\+?[0-9 ()-]{7,20}$/;
const REF = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

export class FamilyContactDto {
  @ApiProperty({ description: 'Their name, as the invitation greets them (personal: stored encrypted)', example: 'Jo Carter' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ description: 'Where the code is sent (personal: stored encrypted, never published)', example: 'jo.carter@example.org' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ description: 'A phone number for text messages (personal: stored encrypted, never published)', example: '07700 900123' })
  @IsOptional()
  @Matches(PHONE, { message: '$property must be a phone number' })
  phone?: string;
}

/** The LA invites a parent, carer or the young person to the case. */
export class InviteFamilyMemberDto extends StepDto {
  @ApiPropertyOptional({ description: 'Id of the invitation (UUID); generated when omitted' })
  @IsOptional()
  @IsUUID()
  invitationId?: string;

  @ApiProperty({ enum: FAMILY_RELATIONSHIPS, description: 'parent, carer (anyone who has care of the child) or the young person' })
  @IsIn(FAMILY_RELATIONSHIPS)
  relationship!: FamilyRelationship;

  @ApiPropertyOptional({ description: 'For a parent: whether they hold parental responsibility (Children Act 1989 s.3)', example: true })
  @IsOptional()
  @IsBoolean()
  parentalResponsibility?: boolean;

  @ApiProperty({ type: FamilyContactDto, description: 'How to reach them: a name and an email address or phone number' })
  @ValidateNested()
  @Type(() => FamilyContactDto)
  contact!: FamilyContactDto;
}

export class FamilyInvitationResponse {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;
  @ApiProperty({ format: 'uuid' })
  invitationId!: string;
  @ApiProperty({ description: 'The one-time code, given once, in this answer only (its digest is what the case keeps). Hand it to the person.', example: 'K7MX2-QF9RD-W4HPT' })
  code!: string;
  @ApiProperty({ format: 'date', description: 'The last day the code can be used (28 days)', example: '2026-02-02' })
  expiresOn!: string;
  @ApiProperty({ description: 'Where, on the web service, the person enters the code (after signing in)', example: '/family/join?invitation=0b6f3c1e-7d2a-4f8b-9c3e-5a1d2e3f4a5b' })
  invitationLinkPath!: string;
  @ApiProperty({ type: [RecordedEventResponse] })
  recorded!: RecordedEventResponse[];
}

export class AcceptInvitationDto {
  @ApiProperty({ description: 'The code from the invitation (spaces, hyphens and case do not matter)', example: 'K7MX2-QF9RD-W4HPT' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  code!: string;
}

export class AcceptedInvitationResponse {
  @ApiProperty({ format: 'uuid', description: 'The case you are now linked to' })
  caseId!: string;
  @ApiProperty({ enum: FAMILY_RELATIONSHIPS })
  relationship!: FamilyRelationship;
  @ApiProperty({ description: 'false when you had already used this code: nothing new was recorded' })
  linked!: boolean;
}

export class UnlinkFamilyMemberDto extends StepDto {
  @ApiProperty({ description: 'The family member (their sign-in subject)', example: 'family-jo' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  subject!: string;

  @ApiProperty({ enum: UNLINK_REASONS })
  @IsIn(UNLINK_REASONS)
  reason!: UnlinkReason;
}

export class RecordYoungPersonRightsDto extends StepDto {
  @ApiProperty({ description: 'CFA 2014 s.80: the young person (over compulsory school age) holds the rights to make requests and appeal', example: true })
  @IsBoolean()
  holdsRights!: boolean;

  @ApiPropertyOptional({ description: 'When over compulsory school age but not holding the rights: why (lacking capacity, Mental Capacity Act 2005). Personal: stored encrypted, never published.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  capacityException?: string;

  @ApiProperty({ enum: PARENT_ACCESS_CHOICES, description: 'The young person’s choice of what their parents may do while they hold the rights' })
  @IsIn(PARENT_ACCESS_CHOICES)
  parentAccess!: ParentAccess;
}

/** The young person, holding the rights, chooses what their parents may do. */
export class ParentAccessDto {
  @ApiProperty({ enum: PARENT_ACCESS_CHOICES, description: 'see-and-act: your parents see the case and act on it; see-only: they see it; none: they neither see nor act' })
  @IsIn(PARENT_ACCESS_CHOICES)
  parentAccess!: ParentAccess;
}

/** The family's response to the draft plan within their 15 days (reg 13(1); CFA 2014 s.38). */
export class FamilyDraftResponseDto extends StepDto {
  @ApiPropertyOptional({ description: 'Your comments on the draft plan, in your own words (personal: stored encrypted)', example: 'Please add speech and language therapy each week.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(20_000)
  comments?: string;

  @ApiPropertyOptional({ description: 'You would like to meet an officer of the council to talk about the draft', example: true })
  @IsOptional()
  @IsBoolean()
  meetingRequested?: boolean;

  @ApiPropertyOptional({ description: 'The school or college you want named in the plan (its URN or reference)', example: 'urn:school:124356' })
  @IsOptional()
  @Matches(REF, { message: '$property must be a school reference such as its URN (letters, digits and . _ : / -)' })
  preferredSettingRef?: string;

  @ApiPropertyOptional({ description: 'You have nothing more to say: the council may finish the plan before your 15 days end', example: false })
  @IsOptional()
  @IsBoolean()
  nothingMoreToSay?: boolean;
}

export class FamilyAdviceAskDto {
  @ApiProperty({ description: 'The name of the person you want the council to ask for advice (personal: stored encrypted)', example: 'Dr Ann Example' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  adviserName!: string;

  @ApiProperty({ description: 'What they do', example: 'speech and language therapist' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  adviserRole!: string;
}

/** A step with nothing to say but that it is asked for (reassessment, early review). */
export class FamilyRequestDto {}

export class FamilyViewsSectionDto {
  @ApiProperty({ example: 'What matters to us' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  heading!: string;

  @ApiProperty({ example: 'Sam loves trains and wants to stay at school with friends.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20_000)
  text!: string;
}

export class FamilyViewsDto extends StepDto {
  @ApiProperty({ type: [FamilyViewsSectionDto], description: 'Your views, interests and aspirations (Section A), section by section' })
  @ValidateNested({ each: true })
  @Type(() => FamilyViewsSectionDto)
  sections!: FamilyViewsSectionDto[];
}

export class FamilyViewsCorrectionDto extends FamilyViewsDto {
  @ApiProperty({ description: 'The version you are correcting (the latest)', example: 1, minimum: 1 })
  @IsInt()
  @Min(1)
  correctsVersion!: number;

  @ApiProperty({ description: 'Why you are changing it', example: 'We forgot to say Sam now walks to school.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}

export class FamilyViewsWithdrawalDto {
  @ApiProperty({ description: 'Why you are withdrawing your views', example: 'We sent them for the wrong child.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}

export class FamilyStepResponse {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;
  @ApiProperty({ type: 'integer' })
  revision!: number;
  @ApiProperty({ type: [RecordedEventResponse] })
  recorded!: RecordedEventResponse[];
  @ApiProperty()
  replayed!: boolean;
  @ApiProperty({ type: StatutoryStatusResponse })
  status!: StatutoryStatusResponse;
}

export class RequesterContactDto extends FamilyContactDto {
  @ApiProperty({ enum: ['parent', 'young-person'], description: 'Who is asking: a parent, or the young person themselves (16-25)' })
  @IsIn(['parent', 'young-person'])
  relationship!: 'parent' | 'young-person';
}

/** reg 3: a parent or young person asks for an EHC needs assessment without an account. */
export class PublicAssessmentRequestDto {
  @ApiProperty({ description: 'GSS code of your council (see the list of councils this service covers)', example: 'E10000028' })
  @Matches(/^E\d{8}$/, { message: '$property must be a GSS code such as E10000028' })
  localAuthority!: string;

  @ApiProperty({ type: ChildDetailsDto, description: 'The child or young person (personal: stored encrypted)' })
  @ValidateNested()
  @Type(() => ChildDetailsDto)
  child!: ChildDetailsDto;

  @ApiProperty({ type: RequesterContactDto, description: 'You: we send you an invitation to follow the request (an email address is needed)' })
  @ValidateNested()
  @Type(() => RequesterContactDto)
  requester!: RequesterContactDto;

  @ApiProperty({ description: 'The token from GET /family/assessment-requests/form-token, loaded with the form: each token sends one request, no sooner than a person can fill the form in and within 2 hours', example: 'v1.mbx3k2a0.Zq3...' })
  @IsString()
  @MaxLength(200)
  formToken!: string;

  @ApiPropertyOptional({ description: 'Leave empty. The form hides this field from people; automated form-fillers fill it in, and their request is refused (automated-request-refused).', example: '' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  website?: string;
}

export class ServedCouncilResponse {
  @ApiProperty({ description: 'GSS code', example: 'E10000028' })
  code!: string;
  @ApiProperty({ example: 'Staffordshire County Council' })
  name!: string;
}

export class PublicRequestFormResponse {
  @ApiProperty({ description: 'Send it back as formToken with the request (it sends one request)' })
  formToken!: string;
  @ApiProperty({ format: 'date-time', description: 'The earliest moment the form may be sent with this token (PUBLIC_REQUEST_MIN_FILL_SECONDS after it was issued)' })
  notBefore!: string;
  @ApiProperty({ format: 'date-time', description: 'The token ends 2 hours after it was issued' })
  expiresAt!: string;
  @ApiProperty({ type: [ServedCouncilResponse], description: 'The councils this service covers: a request may go to these only' })
  councils!: ServedCouncilResponse[];
}

export class PublicAssessmentRequestResponse {
  @ApiProperty({ description: 'Your reference for the request: quote it if you contact the council', example: 'REQ-7KM2-QF9R' })
  reference!: string;
  @ApiProperty({ description: 'What happens next', example: 'We have sent your request to the council. We have emailed you an invitation to follow it.' })
  message!: string;
  @ApiProperty({ description: 'true when this is the same request sent again (same Idempotency-Key, or the same child, council and email address within the duplicate window): nothing new was recorded or sent' })
  replayed!: boolean;
}

export class FamilyContributionResponse {
  @ApiProperty({ description: 'What was said or asked, in plain English', example: 'Responded to the draft plan' })
  what!: string;
  @ApiProperty({ format: 'date' })
  on!: string;
  @ApiProperty({ description: 'Who: you, another family member (by relationship), or the council on the family’s behalf', example: 'you' })
  by!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Details the family gave (e.g. the school asked for, a meeting asked for)' })
  details?: Record<string, unknown>;
}

export class FamilyContributionsResponse {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;
  @ApiProperty({ type: [FamilyContributionResponse] })
  contributions!: FamilyContributionResponse[];
}

export class NextStepResponse {
  @ApiProperty({ example: 'Issue the final EHC plan' })
  what!: string;
  @ApiProperty({ format: 'date', example: '2026-05-25' })
  dueOn!: string;
  @ApiProperty({ example: 'open', description: 'open, or overdue' })
  status!: string;
}

export class CasePersonResponse {
  @ApiProperty({ description: 'Who: a council, school, NHS body or agency (by its reference), or a family member (by relationship)', example: 'E10000028' })
  who!: string;
  @ApiProperty({ example: 'Council SEND team (responsible for the case)' })
  role!: string;
  @ApiProperty({ description: 'Whether they can see the case' })
  canSee!: boolean;
  @ApiPropertyOptional({ type: [NextStepResponse], description: 'What they must do next and by when' })
  mustActNext?: NextStepResponse[];
}

export class CasePeopleResponse {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;
  @ApiProperty({ type: [CasePersonResponse] })
  people!: CasePersonResponse[];
}

export class FamilyDraftWindowResponse {
  @ApiProperty({ format: 'date', example: '2026-03-16', description: 'The last day to comment on the draft and ask for a school (reg 13(1): 15 days beginning with the day it was issued)' })
  commentsDueOn!: string;
  @ApiProperty({ description: 'Whether today is on or before that day' })
  openForComments!: boolean;
  @ApiProperty({ description: 'Whether the family (you, another family member or the council for you) has replied to this draft' })
  responded!: boolean;
  @ApiPropertyOptional({ format: 'date' })
  respondedOn?: string;
}

export class FamilyPlanVersionResponse {
  @ApiProperty({ enum: PLAN_STAGES, description: 'draft: for your comments; final: the plan in force; amended: the plan as amended' })
  stage!: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'The version of the plan’s contents (absent for a draft issued without contents)' })
  version?: number;
  @ApiProperty({ format: 'date', example: '2026-03-02' })
  issuedOn!: string;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Sections A-K as the council recorded them: { section, text?, items?: [{ itemId, text, needIds? }], settingRef?, settingName?, settingType?, adviceIds? }; settingName is section I\'s school or college by name from ORGANISATION_DIRECTORY, else what it is with its reference ("a school (reference urn:school:100234)"); text reads "[erased]" after erasure' })
  sections!: unknown[];
  @ApiPropertyOptional({ type: FamilyDraftWindowResponse, description: 'For a draft: until when you may comment, and whether you have' })
  draft?: FamilyDraftWindowResponse;
}

export class FamilyPlanResponse {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;
  @ApiPropertyOptional({ type: FamilyPlanVersionResponse, description: 'The plan now (absent until a draft is issued)' })
  plan?: FamilyPlanVersionResponse;
}

export class FamilyEarlyReviewResponse {
  @ApiProperty({ format: 'uuid' })
  earlyReviewRequestId!: string;
  @ApiProperty({ enum: EARLY_REVIEW_REQUESTERS, description: 'Who asked: the parent or young person (you or another family member, or the council for you), the school or college, or the council' })
  requestedBy!: string;
  @ApiProperty({ format: 'date', example: '2026-05-04' })
  requestedOn!: string;
  @ApiProperty({ enum: ['waiting', 'agreed', 'declined'], description: 'waiting: the council has not answered (no statutory time limit applies to the answer); agreed: a review meeting is set; declined: with the council’s reasons' })
  status!: string;
  @ApiPropertyOptional({ format: 'date', description: 'The day the council answered' })
  answeredOn?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Agreed: the day of the review meeting (a review under reg 20)' })
  meetingOn?: string;
  @ApiPropertyOptional({ description: 'Declined: why, in the council’s words; "[erased]" after the case’s personal data was erased', example: 'The plan is five weeks old and nothing has changed.' })
  reasons?: string;
  @ApiPropertyOptional({ description: 'Declined: whether the reasons were erased with the case’s personal data' })
  reasonsErased?: boolean;
}

export class FamilyEarlyReviewsResponse {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;
  @ApiProperty({ type: [FamilyEarlyReviewResponse], description: 'Every request for an early review on the case, oldest first' })
  earlyReviews!: FamilyEarlyReviewResponse[];
}
