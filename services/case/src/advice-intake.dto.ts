import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { WITHHOLDING_REASONS } from '@tio/advice-domain';
import { NotInFuture } from '@tio/contracts';
import { AGENCIES } from '@tio/ehc-domain';

/**
 * The fields of the agencies' published advice events (`advice.*.v1`, see @tio/contracts) that the case's advice
 * intake reads. Validated before anything is recorded; the events carry more (sections, citations ...), which the
 * case does not read, so these DTOs check their own fields only (EventHandlers `allowUnknownFields`).
 */
const DAY = /^\d{4}-\d{2}-\d{2}$/;

class AdviceFieldsDto {
  @IsUUID('all', { message: 'caseId must be the case id (a UUID)' })
  caseId!: string;

  @IsIn(AGENCIES)
  agency!: string;

  @IsString() @IsNotEmpty() @MaxLength(200)
  adviceRequestId!: string;

  @IsString() @IsNotEmpty() @MaxLength(200)
  adviceId!: string;

  @IsInt() @Min(1)
  version!: number;
}

/** The agency keeps this version from the family; the case keeps only that it does (never the reason). */
export class WithheldFromFamilyDto {
  @IsIn(WITHHOLDING_REASONS, { message: `withheldFromFamily.reason must be one of ${WITHHOLDING_REASONS.join(', ')}` })
  reason!: string;
}

export class AdviceSubmittedFieldsDto extends AdviceFieldsDto {
  @Matches(DAY, { message: 'submittedOn must be a date (YYYY-MM-DD)' })
  @NotInFuture()
  submittedOn!: string;

  @IsOptional() @IsObject() @ValidateNested() @Type(() => WithheldFromFamilyDto)
  withheldFromFamily?: WithheldFromFamilyDto;
}

export class AdviceCorrectedFieldsDto extends AdviceFieldsDto {
  @Matches(DAY, { message: 'correctedOn must be a date (YYYY-MM-DD)' })
  @NotInFuture()
  correctedOn!: string;

  @IsOptional() @IsObject() @ValidateNested() @Type(() => WithheldFromFamilyDto)
  withheldFromFamily?: WithheldFromFamilyDto;
}

export class AdviceWithdrawnFieldsDto extends AdviceFieldsDto {
  @Matches(DAY, { message: 'withdrawnOn must be a date (YYYY-MM-DD)' })
  @NotInFuture()
  withdrawnOn!: string;

  // the reason is encrypted at rest and on Kafka (an envelope object), so only its presence is checked
  @IsNotEmpty()
  reason!: unknown;
}
