import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FutureDateAllowed } from '@tio/contracts';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsISO8601, ValidateBy, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { ACTOR_AGENCIES } from '@tio/kernel';
import { isIsoDate } from '@tio/ehc-domain';
import { ENTRY_KINDS, type EntryKind } from '../read-model/entities';

/** A real calendar day, YYYY-MM-DD (what the domain clock takes). */
function IsIsoDay() {
  return ValidateBy({ name: 'isIsoDay', validator: { validate: (v: unknown) => isIsoDate(v), defaultMessage: () => '$property must be a calendar date YYYY-MM-DD' } });
}

/** The agencies an entry can be about: the token agencies and the domain's `other` adviser. */
export const ENTRY_AGENCIES = [...ACTOR_AGENCIES, 'other'] as string[];

const list = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : value);

/** A calendar date or a date-time; partial ISO forms like `2025` or `2025-06` are refused (PostgreSQL cannot read them). */
const FULL_DATE = /^\d{4}-\d{2}-\d{2}(T.+)?$/;

export class CaseIdParam {
  @ApiProperty({ format: 'uuid', description: 'The case', example: '5b2f6a0e-8f7e-4a43-9c1d-2f0a6b7c8d9e' })
  @IsUUID() caseId!: string;
}

export class TimelineQueryDto {
  @ApiPropertyOptional({ description: 'Only entries about these agencies (comma-separated)', example: ['health', 'education'], enum: ENTRY_AGENCIES, isArray: true })
  @IsOptional() @Transform(list) @IsIn(ENTRY_AGENCIES, { each: true })
  agency?: string[];

  @ApiPropertyOptional({ description: 'Only these entry kinds (comma-separated)', example: ['advice-requested', 'advice'], enum: ENTRY_KINDS, isArray: true })
  @IsOptional() @Transform(list) @IsIn(ENTRY_KINDS as unknown as string[], { each: true })
  kind?: EntryKind[];

  @ApiPropertyOptional({ description: 'Entries that happened at or after this time (ISO 8601)', example: '2025-01-01' })
  @IsOptional() @IsISO8601({ strict: true }) @Matches(FULL_DATE, { message: '$property must be a date (YYYY-MM-DD) or a date-time' })
  @FutureDateAllowed('a filter of a read')
  from?: string;

  @ApiPropertyOptional({ description: 'Entries that happened before this time (ISO 8601)', example: '2025-06-01' })
  @IsOptional() @IsISO8601({ strict: true }) @Matches(FULL_DATE, { message: '$property must be a date (YYYY-MM-DD) or a date-time' })
  @FutureDateAllowed('a filter of a read')
  to?: string;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page (`nextCursor`); stable when late entries are inserted' })
  @IsOptional() @IsString() @MaxLength(1000)
  cursor?: string;

  @ApiPropertyOptional({ description: 'Page size', default: 100, minimum: 1, maximum: 500 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;
}

export class StatusQueryDto {
  @ApiPropertyOptional({ description: 'Evaluate the statutory clock on this day (YYYY-MM-DD; default today in Europe/London)', example: '2025-04-01' })
  @IsOptional() @IsIsoDay()
  @FutureDateAllowed('a read: what the clock will show on that day; records nothing')
  asOf?: string;
}

export class StreamQueryDto {
  @ApiPropertyOptional({
    description: 'The JWT, for EventSource clients that cannot send an Authorization header. Only accepted on this route: URLs end up in logs and history, so prefer the header; tokens should be short-lived.',
  })
  @IsOptional() @IsString() @MaxLength(8000)
  access_token?: string;

  @ApiPropertyOptional({ description: 'Resume token when the Last-Event-ID header cannot be set (same format: `<generation>-<arrival>`)', example: '1-12' })
  @IsOptional() @Matches(/^\d+-\d+$/)
  lastEventId?: string;
}

export class CasesQueryDto {
  @ApiPropertyOptional({ description: 'Page size', default: 50, minimum: 1, maximum: 200 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Cases after this case id (cursor from `nextCursor`)' })
  @IsOptional() @IsUUID()
  after?: string;

  @ApiPropertyOptional({ description: 'Evaluate the statutory clocks on this day (YYYY-MM-DD; default today in Europe/London)', example: '2025-04-01' })
  @IsOptional() @IsIsoDay()
  @FutureDateAllowed('a read: what the clock will show on that day; records nothing')
  asOf?: string;
}

export class AccessLogQueryDto {
  @ApiProperty({ format: 'uuid', description: 'The case whose access log to read (required)', example: '5b2f6a0e-8f7e-4a43-9c1d-2f0a6b7c8d9e' })
  @IsUUID()
  caseId!: string;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'Rows older than this id (cursor)' })
  @IsOptional() @Matches(/^\d{1,15}$/, { message: 'before must be an entry id from a previous page (digits)' })
  before?: string;
}
