import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import {
  BUDGET_ARRANGEMENTS, DIRECT_PAYMENT_REFUSAL_GROUNDS, PERSONAL_BUDGET_DECISIONS, PERSONAL_BUDGET_REQUESTERS, PERSONAL_BUDGET_REVIEW_OUTCOMES,
  type BudgetArrangement, type DirectPaymentRefusalGround, type PersonalBudgetDecision, type PersonalBudgetRequester, type PersonalBudgetReviewOutcome,
} from '@tio/ehc-domain';
import { StepDto } from '../http/dtos';
import { TEXT_MAX } from './plan-contents.dto';

const REF = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const REF_MESSAGE = '$property must be an opaque reference (letters, digits and . _ : / -, at most 128), never a name';

export class RequestPersonalBudgetDto extends StepDto {
  @ApiPropertyOptional({ description: 'Generated when absent' }) @IsOptional() @IsUUID() personalBudgetId?: string;
  @ApiProperty({ enum: PERSONAL_BUDGET_REQUESTERS, description: 'CFA 2014 s.49(1): the parent or the young person' })
  @IsIn(PERSONAL_BUDGET_REQUESTERS) requestedBy!: PersonalBudgetRequester;
  @ApiPropertyOptional({ description: 'Asked at this annual review (the plan is in force)' }) @IsOptional() @IsUUID() reviewId?: string;
  @ApiPropertyOptional({ description: 'Asked at this reassessment (the plan is in force)' }) @IsOptional() @IsUUID() reassessmentId?: string;
  @ApiPropertyOptional({ description: 'Direct payments are also asked for' }) @IsOptional() @IsBoolean() directPaymentRequested?: boolean;
}

export class BudgetPartDto {
  @ApiProperty({ enum: BUDGET_ARRANGEMENTS, description: 'How this part is held (CoP 9.101)' }) @IsIn(BUDGET_ARRANGEMENTS) arrangement!: BudgetArrangement;
  @ApiProperty({ description: 'The yearly amount in pence', example: 120000 }) @IsInt() @Min(1) @Max(100_000_000) annualAmountPence!: number;
  @ApiPropertyOptional({ type: [String], description: 'The provision (item ids in F, G, H1, H2) it pays for', example: ['prov-1'] })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @Matches(REF, { each: true, message: REF_MESSAGE }) provisionItemIds?: string[];
}

export class DirectPaymentRefusalDto {
  @ApiProperty({ enum: DIRECT_PAYMENT_REFUSAL_GROUNDS, description: 'Personal Budgets Regulations reg 5 and the Schedule, reg 6' })
  @IsIn(DIRECT_PAYMENT_REFUSAL_GROUNDS) ground!: DirectPaymentRefusalGround;
  @ApiProperty({ description: 'The reasons given to the family (personal data: stored encrypted)' }) @IsString() @IsNotEmpty() @MaxLength(TEXT_MAX) reasons!: string;
}

export class DecidePersonalBudgetDto extends StepDto {
  @ApiProperty({ enum: PERSONAL_BUDGET_DECISIONS }) @IsIn(PERSONAL_BUDGET_DECISIONS) decision!: PersonalBudgetDecision;
  @ApiPropertyOptional({ type: [BudgetPartDto], description: 'Agreed: the parts of the budget' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => BudgetPartDto) parts?: BudgetPartDto[];
  @ApiPropertyOptional({ description: 'Refused: the reasons (required then; personal data: stored encrypted)' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(TEXT_MAX) reasons?: string;
  @ApiPropertyOptional({ type: DirectPaymentRefusalDto, description: 'Direct payments were asked for and none is agreed: the ground and reasons' })
  @IsOptional() @ValidateNested() @Type(() => DirectPaymentRefusalDto) directPaymentRefusal?: DirectPaymentRefusalDto;
}

export class ReviewPersonalBudgetDto extends StepDto {
  @ApiProperty({ description: 'The annual review (held) the budget is reviewed at' }) @IsUUID() reviewId!: string;
  @ApiProperty({ enum: PERSONAL_BUDGET_REVIEW_OUTCOMES }) @IsIn(PERSONAL_BUDGET_REVIEW_OUTCOMES) outcome!: PersonalBudgetReviewOutcome;
  @ApiPropertyOptional({ type: [BudgetPartDto], description: 'Changed: the parts from now on' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => BudgetPartDto) parts?: BudgetPartDto[];
  @ApiPropertyOptional({ description: 'Why it was reduced or ended (required then; personal data: stored encrypted)' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(TEXT_MAX) reasons?: string;
}

export const budgetPartsOf = (parts: BudgetPartDto[] | undefined) =>
  parts?.map((p) => ({ arrangement: p.arrangement, annualAmountPence: p.annualAmountPence, ...(p.provisionItemIds ? { provisionItemIds: [...p.provisionItemIds] } : {}) }));
