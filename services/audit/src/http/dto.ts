import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FutureDateAllowed } from '@tio/contracts';
import { IsIn, IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';

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

export class AsOfQuery {
  @ApiProperty({ description: 'The instant to show the case at (ISO 8601); events recorded at or before it are replayed.', example: '2025-03-03T17:00:00Z' })
  @IsISO8601({ strict: true })
  @FutureDateAllowed('a read: the case as recorded by that instant; records nothing')
  at!: string;
}

export class OptionalAtQuery {
  @ApiPropertyOptional({ description: 'As-of instant for the summary (default: now).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @FutureDateAllowed('a read: the case as recorded by that instant; records nothing')
  at?: string;
}

export { AccessLogQuery } from '@tio/service-kit';
