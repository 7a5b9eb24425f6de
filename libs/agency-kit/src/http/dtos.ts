import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NotInFuture } from '@tio/contracts';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Min, ValidateNested } from 'class-validator';
import { ADVICE_TYPES, AGENCIES, type AdviceType, type Agency } from '@tio/ehc-domain';
import { WITHHOLDING_REASONS, WITHHOLDING_REASON_LABELS, type WithholdingReason } from '@tio/advice-domain';
import { ISO_DATE } from '@tio/service-kit';


export class AdviceSectionDto {
  @ApiProperty({ example: 'Communication and interaction', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  heading!: string;

  @ApiProperty({ example: 'Speech is understood by familiar adults; uses a visual timetable.', maxLength: 50_000 })
  @IsString()
  @Length(1, 50_000)
  text!: string;
}

export class CitationDto {
  @ApiProperty({ description: 'The advice cited (id from GET /cases/:caseId/advice), instead of copying it' })
  @IsUUID()
  adviceId!: string;

  @ApiPropertyOptional({ description: 'The version cited; the current one when omitted', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @ApiPropertyOptional({ enum: AGENCIES, description: 'The agency that gave it (checked against what the service has seen)' })
  @IsOptional()
  @IsIn(AGENCIES)
  agency?: Agency;
}

export class WithheldFromFamilyDto {
  @ApiProperty({
    enum: WITHHOLDING_REASONS,
    description: `The lawful ground for keeping this advice from the family's view (Data Protection Act 2018, Sch 3): ${WITHHOLDING_REASONS.map((r) => `\`${r}\`: ${WITHHOLDING_REASON_LABELS[r]}`).join('; ')}`,
  })
  @IsIn(WITHHOLDING_REASONS as unknown as string[], { message: `$property must be one of ${WITHHOLDING_REASONS.join(', ')}` })
  reason!: WithholdingReason;
}

class DatedDto {
  @ApiPropertyOptional({ description: 'Date it was given (YYYY-MM-DD, Europe/London); default today', example: '2026-02-16' })
  @IsOptional()
  @Matches(ISO_DATE, { message: '$property must be a date as YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: '$property must be a real calendar date' })
  @NotInFuture()
  at?: string;
}

class ContentDto extends DatedDto {
  @ApiProperty({ type: [AdviceSectionDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AdviceSectionDto)
  sections!: AdviceSectionDto[];

  @ApiPropertyOptional({ type: [CitationDto], description: "Other advice this advice relies on, by reference (tell it once: cite, don't copy)" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CitationDto)
  citations?: CitationDto[];

  @ApiPropertyOptional({ type: WithheldFromFamilyDto, description: "Keep this advice out of the family's view, with the lawful ground (kept for practitioners). Omit it and the family sees the advice with the draft plan (reg 13)." })
  @IsOptional()
  @ValidateNested()
  @Type(() => WithheldFromFamilyDto)
  withheldFromFamily?: WithheldFromFamilyDto;
}

export class SubmitAdviceDto extends ContentDto {
  @ApiProperty({ description: 'The case’s request this advice answers (GET /cases/:caseId/advice-requests)' })
  @IsUUID()
  adviceRequestId!: string;

  @ApiProperty({ enum: ADVICE_TYPES })
  @IsIn(ADVICE_TYPES)
  adviceType!: AdviceType;
}

export class CorrectAdviceDto extends ContentDto {
  @ApiProperty({ description: 'Why the advice changes (kept in the history)', example: 'Wrong medication named' })
  @IsString()
  @Length(1, 2000)
  reason!: string;

  @ApiPropertyOptional({ description: 'The version being corrected: refused with 409 if another correction came first', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  correctsVersion?: number;

  @ApiPropertyOptional({ description: 'The assessment; the latest request of this type when omitted' })
  @IsOptional()
  @IsUUID()
  assessmentId?: string;
}

export class WithdrawAdviceDto extends DatedDto {
  @ApiProperty({ example: 'Given for the wrong child' })
  @IsString()
  @Length(1, 2000)
  reason!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  assessmentId?: string;
}

export class HistoryQueryDto {
  @ApiPropertyOptional({ description: 'The assessment; the latest request of this type when omitted' })
  @IsOptional()
  @IsUUID()
  assessmentId?: string;
}

export class AdviceTypeParamDto {
  @IsIn(ADVICE_TYPES)
  adviceType!: AdviceType;
}
