import { ApiPropertyOptional } from '@nestjs/swagger';
import { FutureDateAllowed } from '@tio/contracts';
import { IsIn, IsOptional, Matches } from 'class-validator';

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_MESSAGE = 'must be a calendar date YYYY-MM-DD';
const PERIOD_YEARS = ['calendar', 'financial'] as const;
type PeriodYear = (typeof PERIOD_YEARS)[number];

export class PerformanceQuery {
  @ApiPropertyOptional({ description: 'First day of the period (inclusive, English calendar date). Default: 1 January of the current calendar year (SEN2’s period), or 1 April with year=financial.', example: '2024-01-01' })
  @IsOptional()
  @Matches(DATE, { message: `from ${DATE_MESSAGE}` })
  @FutureDateAllowed('a reporting period of a read')
  from?: string;

  @ApiPropertyOptional({ description: 'Last day of the period (inclusive). Default: 31 December of that calendar year, or 31 March with year=financial.', example: '2024-12-31' })
  @IsOptional()
  @Matches(DATE, { message: `to ${DATE_MESSAGE}` })
  @FutureDateAllowed('a reporting period of a read')
  to?: string;

  @ApiPropertyOptional({ description: 'Only items attributed to this local authority (GSS code, e.g. E10000028 for Staffordshire).', example: 'E08000025' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,49}$/, { message: 'localAuthority must be a GSS code or similar reference' })
  localAuthority?: string;

  @ApiPropertyOptional({ description: 'Evaluate the statutory clock on this day (default: today in England). Facts dated after it are ignored.', example: '2025-04-30' })
  @IsOptional()
  @Matches(DATE, { message: `asOf ${DATE_MESSAGE}` })
  @FutureDateAllowed('a read: performance as it will stand that day; records nothing')
  asOf?: string;

  @ApiPropertyOptional({ enum: PERIOD_YEARS, default: 'calendar', description: 'The year a missing from/to defaults to: calendar (SEN2, and the national 46.4% for 2024) or financial (1 April to 31 March).' })
  @IsOptional()
  @IsIn(PERIOD_YEARS, { message: `year must be one of ${PERIOD_YEARS.join(', ')}` })
  year?: PeriodYear;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json', description: 'csv: one row per figure (measure, breakdown, group, metric, value).' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class PerformancePageQuery {
  @ApiPropertyOptional({ example: '2024-01-01' })
  @IsOptional()
  @Matches(DATE, { message: `from ${DATE_MESSAGE}` })
  @FutureDateAllowed('a reporting period of a read')
  from?: string;

  @ApiPropertyOptional({ example: '2024-12-31' })
  @IsOptional()
  @Matches(DATE, { message: `to ${DATE_MESSAGE}` })
  @FutureDateAllowed('a reporting period of a read')
  to?: string;

  @ApiPropertyOptional({ description: 'Only items attributed to this local authority.' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,49}$/, { message: 'localAuthority must be a GSS code or similar reference' })
  localAuthority?: string;

  @ApiPropertyOptional({ enum: PERIOD_YEARS, default: 'calendar', description: 'The year a missing from/to defaults to (calendar, as SEN2; or financial).' })
  @IsOptional()
  @IsIn(PERIOD_YEARS, { message: `year must be one of ${PERIOD_YEARS.join(', ')}` })
  year?: PeriodYear;

  @ApiPropertyOptional({ description: 'Evaluate the statutory clock on this day (default: today).' })
  @IsOptional()
  @Matches(DATE, { message: `asOf ${DATE_MESSAGE}` })
  @FutureDateAllowed('a read: performance as it will stand that day; records nothing')
  asOf?: string;

  @ApiPropertyOptional({ description: 'An auditor JWT, for opening the page from a link (a browser cannot send an Authorization header on navigation). Prefer the header where possible.' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/, { message: 'token must be a JWT' })
  token?: string;
}
