import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FutureDateAllowed } from '@tio/contracts';
import { ISO_DATE } from '@tio/service-kit';
import { IsDefined, IsIn, IsISO8601, IsOptional, IsUUID, Matches, ValidateBy, ValidateIf } from 'class-validator';

/** Case ids follow the event store's stream-id grammar (a case's stream is `case-<caseId>`). */
export const CASE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;

export class CaseParams {
  @ApiProperty({ description: 'The case id (as in `metadata.caseId` of its events).', example: '7d0f6c3e-3a56-4c55-9a4e-1f3f3b2f0a11' })
  @Matches(CASE_ID, { message: 'caseId must be letters, digits, _ . : or - (up to 200), starting with a letter or digit' })
  caseId!: string;
}

export class EventParams extends CaseParams {
  @ApiProperty({ description: 'The event id (`metadata.eventId`).', format: 'uuid' })
  @IsUUID()
  eventId!: string;
}

export class HistoryQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json', description: 'csv: one row per event, for spreadsheets.' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';

  @ApiPropertyOptional({ description: 'Only events recorded at or before this instant (ISO 8601 with offset).', example: '2025-03-03T17:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @FutureDateAllowed('a read: the case as recorded by that instant; records nothing')
  at?: string;
}

const ONE_READING = 'give businessDate (YYYY-MM-DD: what was true on that day, as far as is known now) or recordedAt (an ISO 8601 instant: what had been recorded by then)';

/** The case as of a business date, or as recorded by an instant: exactly one of the two (`at` is the older name of `recordedAt`). */
export class AsOfQuery {
  @ApiPropertyOptional({ description: 'The business-date reading: what was true on this day (in England) as far as is known now. Every event recorded so far whose fact happened on or before it is replayed; the statutory clock is read on it.', format: 'date', example: '2025-11-07' })
  @ValidateIf((o: AsOfQuery) => o.businessDate !== undefined || (o.recordedAt === undefined && o.at === undefined))
  @IsDefined({ message: ONE_READING })
  @ValidateBy({ name: 'oneReading', validator: { validate: (_v, args) => { const o = args?.object as AsOfQuery; return o.recordedAt === undefined && o.at === undefined; }, defaultMessage: () => `give either businessDate or recordedAt, not both: ${ONE_READING}` } })
  @Matches(ISO_DATE, { message: '$property must be a date as YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: '$property must be a real calendar date (YYYY-MM-DD)' })
  @FutureDateAllowed('a read: what was true on that day as far as is known now; records nothing')
  businessDate?: string;

  @ApiPropertyOptional({ description: 'The recorded reading: what had been recorded by this instant (ISO 8601 with offset). Every event recorded at or before it is replayed, whatever day its fact happened.', format: 'date-time', example: '2025-03-03T17:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @ValidateBy({ name: 'oneRecordedInstant', validator: { validate: (_v, args) => (args?.object as AsOfQuery).at === undefined, defaultMessage: () => 'give recordedAt or its older name at, not both' } })
  @FutureDateAllowed('a read: the case as recorded by that instant; records nothing')
  recordedAt?: string;

  @ApiPropertyOptional({ description: 'The older name of `recordedAt` (same meaning).', format: 'date-time', example: '2025-03-03T17:00:00Z', deprecated: true })
  @IsOptional()
  @IsISO8601({ strict: true })
  @FutureDateAllowed('a read: the case as recorded by that instant; records nothing')
  at?: string;
}

export class OptionalAtQuery {
  @ApiPropertyOptional({ description: 'As-of instant for the summary (default: now).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @FutureDateAllowed('a read: the case as recorded by that instant; records nothing')
  at?: string;
}

export { AccessLogQuery } from '@tio/service-kit';
