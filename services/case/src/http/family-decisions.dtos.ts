import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EARLY_REVIEW_REQUESTERS, type EarlyReviewRequester } from '@tio/ehc-domain';
import { FutureDateAllowed } from '@tio/contracts';
import { ISO_DATE } from '@tio/service-kit';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { StepDto } from './dtos';

const ANSWERS = ['agreed', 'declined'] as const;

/** A request for an early review the LA received (from the family by other means, the school or college, or itself). */
export class RequestEarlyReviewDto extends StepDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() earlyReviewRequestId?: string;
  @ApiProperty({ enum: EARLY_REVIEW_REQUESTERS, description: 'Who asked' }) @IsIn(EARLY_REVIEW_REQUESTERS) requestedBy!: EarlyReviewRequester;
}

/** The LA's answer to a request for an early review (CFA 2014 s.44(1); reg 20; CoP 9.176). */
export class AnswerEarlyReviewDto extends StepDto {
  @ApiProperty({ enum: ANSWERS, description: 'agreed: the review is scheduled as a reg 20 review (give meetingOn); declined: give reasons. No statutory time limit applies to this answer.' })
  @IsIn(ANSWERS)
  answer!: (typeof ANSWERS)[number];

  @ApiPropertyOptional({ example: '2026-02-16', description: 'agreed: the day of the review meeting (at least 2 weeks’ notice is due under reg 20(3))' })
  @ValidateIf((o: AnswerEarlyReviewDto) => o.answer === 'agreed' || o.meetingOn !== undefined)
  @Matches(ISO_DATE, { message: '$property must be a date as YYYY-MM-DD' })
  @FutureDateAllowed('an early review meeting is arranged before the day it is held')
  meetingOn?: string;

  @ApiPropertyOptional({ description: 'agreed: the review’s id (made from the Idempotency-Key when left out)' })
  @IsOptional()
  @IsUUID()
  reviewId?: string;

  @ApiPropertyOptional({ example: 'The plan was reviewed in November and nothing has changed since.', description: 'declined: why (personal data: stored and published only encrypted)' })
  @ValidateIf((o: AnswerEarlyReviewDto) => o.answer === 'declined' || o.reasons !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  reasons?: string;
}

/** The LA shares advice with the family before the draft (reg 13 shares it all with the draft). */
export class ShareAdviceWithFamilyDto extends StepDto {
  @ApiPropertyOptional({
    type: [String], example: ['ep-2025-0042'],
    description: 'The advice to share, by the ids its agencies gave it (the current version of each); leave out to share all advice received so far. Advice its agency marked not for sharing with the family stays withheld.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(128, { each: true })
  adviceIds?: string[];
}
