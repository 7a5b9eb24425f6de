import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FutureDateAllowed, NotInFuture } from '@tio/contracts';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { HEALTH_REQUESTS, TRANSFER_KINDS, type HealthRequest, type TransferKind } from '@tio/transfer-domain';
import { ISO_DATE } from '@tio/service-kit';

const REF = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const REF_MESSAGE = '$property must be an opaque reference (letters, digits and . _ : / -, at most 128), never a name';

export class TransferStepDto {
  @ApiPropertyOptional({ description: 'Day the step happened (YYYY-MM-DD, Europe/London); default today', example: '2026-04-14' })
  @IsOptional()
  @Matches(ISO_DATE, { message: '$property must be a date YYYY-MM-DD' })
  @NotInFuture()
  at?: string;
}

export class TransferredItemsDto {
  @ApiPropertyOptional({ description: 'The EHC plan that moves with the child' })
  @IsOptional()
  @Matches(REF, { message: REF_MESSAGE })
  planId?: string;

  @ApiPropertyOptional({ type: [String], description: 'Advice held for the child that moves with it' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @Matches(REF, { each: true, message: REF_MESSAGE })
  adviceIds?: string[];

  @ApiPropertyOptional({ description: 'The funding (e.g. high-needs top-up) that follows the child' })
  @IsOptional()
  @Matches(REF, { message: REF_MESSAGE })
  fundingRef?: string;
}

export class RequestServiceTransferDto extends TransferStepDto {
  @ApiPropertyOptional({ description: 'Client-chosen transfer id (UUID); generated when omitted' })
  @IsOptional()
  @IsUUID()
  transferId?: string;

  @ApiProperty({ enum: TRANSFER_KINDS })
  @IsIn(TRANSFER_KINDS as unknown as string[])
  kind!: TransferKind;

  @ApiProperty({ description: 'The receiving organisation (LA GSS code, school URN, NHS ODS code, adult social care id)', example: 'E08000026' })
  @Matches(REF, { message: REF_MESSAGE })
  toOrganisation!: string;

  @ApiPropertyOptional({ description: 'Day the sending side learned of the change (reg 15/16 clocks); default `at`' })
  @IsOptional()
  @Matches(ISO_DATE, { message: '$property must be a date YYYY-MM-DD' })
  @NotInFuture()
  learnedOn?: string;

  @ApiPropertyOptional({ description: 'Day responsibility is proposed to pass' })
  @IsOptional()
  @Matches(ISO_DATE, { message: '$property must be a date YYYY-MM-DD' })
  @FutureDateAllowed('the day responsibility is proposed to pass, usually ahead')
  proposedOn?: string;

  @ApiPropertyOptional({ description: 'local-authority: the day of the move (reg 15)' })
  @IsOptional()
  @Matches(ISO_DATE, { message: '$property must be a date YYYY-MM-DD' })
  @FutureDateAllowed('a family notifies its move before it happens (reg 15)')
  moveOn?: string;

  @ApiPropertyOptional({ description: 'local-authority: the last annual review (reg 15(5) review deadline); default: the last review held on the case' })
  @IsOptional()
  @Matches(ISO_DATE, { message: '$property must be a date YYYY-MM-DD' })
  @NotInFuture()
  lastReviewOn?: string;

  @ApiPropertyOptional({ description: 'local-authority: the day the plan was made (the reg 15(5) 12-month limb when it has not been reviewed); default: the case’s final plan' })
  @IsOptional()
  @Matches(ISO_DATE, { message: '$property must be a date YYYY-MM-DD' })
  @NotInFuture()
  planMadeOn?: string;

  @ApiPropertyOptional({ description: 'adult-services: the day the young person turns 18' })
  @IsOptional()
  @Matches(ISO_DATE, { message: '$property must be a date YYYY-MM-DD' })
  @FutureDateAllowed('the day the young person will turn 18')
  adulthoodOn?: string;

  @ApiPropertyOptional({ type: TransferredItemsDto, description: 'What moves with the child (plan, advice, funding); default for a local-authority transfer: the case’s plan and advice' })
  @IsOptional()
  @ValidateNested()
  @Type(() => TransferredItemsDto)
  moves?: TransferredItemsDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class AcceptServiceTransferDto extends TransferStepDto {
  @ApiPropertyOptional({ description: 'adult-services: the day of the transition assessment (required for that kind)' })
  @IsOptional()
  @Matches(ISO_DATE, { message: '$property must be a date YYYY-MM-DD' })
  @NotInFuture()
  transitionAssessedOn?: string;

  @ApiPropertyOptional({ enum: HEALTH_REQUESTS, description: 'nhs-body (reg 16(4)): instead of making the health provision in the plan, the new commissioning body asks the LA for an EHC needs assessment or a review (within 15 working days beginning with the notification)' })
  @IsOptional()
  @IsIn(HEALTH_REQUESTS as unknown as string[])
  asksLocalAuthorityFor?: HealthRequest;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class ReasonedTransferStepDto extends TransferStepDto {
  @ApiProperty({ description: 'Why' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}

export class CompleteServiceTransferDto extends TransferStepDto {
  @ApiPropertyOptional({ type: TransferredItemsDto, description: 'What actually moved; default what the request said' })
  @IsOptional()
  @ValidateNested()
  @Type(() => TransferredItemsDto)
  moved?: TransferredItemsDto;
}

export class ReassessmentDecisionDto extends TransferStepDto {
  @ApiProperty({ description: 'Will the new LA reassess? (reg 15: tell the family within 6 weeks of the transfer)' })
  @IsBoolean()
  willReassess!: boolean;

  @ApiPropertyOptional({ description: 'reg 15(4)(a): when the new LA will review the plan (no later than the reg 15(5) limit)', example: '2026-07-20' })
  @IsOptional()
  @Matches(ISO_DATE, { message: '$property must be a date YYYY-MM-DD' })
  @FutureDateAllowed('the day the new LA plans to review the plan, ahead of it')
  reviewOn?: string;
}

export class TransfersQueryDto {
  @ApiPropertyOptional({ description: 'Show deadlines and responsibility as at this day (default today)' })
  @IsOptional()
  @Matches(ISO_DATE, { message: '$property must be a date YYYY-MM-DD' })
  @FutureDateAllowed('a read: deadlines and responsibility as they will stand that day; records nothing')
  asOf?: string;
}
