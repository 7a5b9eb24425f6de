import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// The bodies the audit routes answer with, as OpenAPI schemas (JSON; the CSV and HTML forms are documented by media type).

const CASE_ID = { format: 'uuid', example: '5b2f6a0e-8f7e-4a43-9c1d-2f0a6b7c8d9e' } as const;
const ANY_OBJECT = { type: 'object', additionalProperties: true } as const;
const COUNTS = { type: 'object', additionalProperties: { type: 'integer' } } as const;

export class CaseHistoryResponse {
  @ApiProperty(CASE_ID)
  caseId!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Only events recorded at or before this instant' })
  at?: string;
  @ApiProperty({ type: [String], description: 'The event stores read', example: ['case', 'education'] })
  stores!: string[];
  @ApiProperty({ type: 'integer', minimum: 0 })
  count!: number;
  @ApiProperty({ type: [String], example: ['recordedAt', 'source', 'globalPosition'] })
  order!: string[];
  @ApiProperty({ type: 'array', items: ANY_OBJECT, description: 'Every event of the case in the merged order' })
  entries!: unknown[];
}

export class WhyResponse {
  @ApiProperty(CASE_ID)
  caseId!: string;
  @ApiProperty({ format: 'uuid' })
  eventId!: string;
  @ApiProperty({ example: '6f1c0b9e-3d2a-4c55-9a57-1b2f0c7d8e90' })
  correlationId!: string;
  @ApiProperty({ type: 'array', items: ANY_OBJECT, description: 'From the event back to its root cause' })
  chain!: unknown[];
  @ApiProperty({ type: 'array', items: ANY_OBJECT, description: 'Every event of the case in the same correlation' })
  sameCorrelation!: unknown[];
}

export class AsOfResponse {
  @ApiProperty(CASE_ID)
  caseId!: string;
  @ApiProperty({ enum: ['recorded', 'business-date'], description: '`recorded`: what had been recorded by `recordedAt`. `business-date`: what was true on `businessDate` as far as is known now.' })
  reading!: string;
  @ApiProperty({ description: 'The reading in words, for a person', example: 'What was true on 2025-11-07 as far as is known now: …' })
  meaning!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'The instant asked about (`recorded` reading)' })
  recordedAt?: string;
  @ApiPropertyOptional({ format: 'date', description: 'The day asked about (`business-date` reading)' })
  businessDate?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: '`business-date`: events known now whose fact happened after that day, not replayed' })
  eventsAfterBusinessDate?: number;
  @ApiProperty({ format: 'date-time', description: 'The instant of knowledge: events recorded at or before it were read' })
  at!: string;
  @ApiProperty({ format: 'date', description: 'The day in England the statutory clock is read on' })
  asOfDate!: string;
  @ApiProperty({ type: 'integer', minimum: 0 })
  eventsReplayed!: number;
  @ApiPropertyOptional(ANY_OBJECT)
  lastEvent?: Record<string, unknown>;
  @ApiProperty(COUNTS)
  bySource!: Record<string, number>;
  @ApiProperty(COUNTS)
  byType!: Record<string, number>;
  @ApiProperty({ enum: ['ehc-domain'] })
  interpretedWith!: string;
  @ApiProperty({ ...ANY_OBJECT, description: 'The case as the EHC model and the statutory clock read it at `at`' })
  case!: Record<string, unknown>;
}

export class TransferAuditResponse {
  @ApiProperty(CASE_ID)
  caseId!: string;
  @ApiProperty({ format: 'date-time' })
  at!: string;
  @ApiProperty({ type: 'array', items: ANY_OBJECT, description: 'Each transfer with its steps, deadlines, responsibility and findings' })
  transfers!: unknown[];
}

export class IntegrityResponse {
  @ApiProperty({ format: 'date-time' })
  checkedAt!: string;
  @ApiProperty({ description: 'Every chain verified' })
  valid!: boolean;
  @ApiPropertyOptional(CASE_ID)
  caseId?: string;
  @ApiProperty({ type: 'array', items: ANY_OBJECT })
  stores!: unknown[];
  @ApiProperty({ type: 'array', items: ANY_OBJECT, description: 'The first break of each broken stream' })
  breaks!: unknown[];
}

export class DriftResponse {
  @ApiProperty(CASE_ID)
  caseId!: string;
  @ApiProperty({ format: 'date-time' })
  checkedAt!: string;
  @ApiProperty()
  inSync!: boolean;
  @ApiProperty({ type: 'integer', minimum: 0 })
  storeEvents!: number;
  @ApiProperty({ type: 'integer', minimum: 0 })
  timelineEntries!: number;
  @ApiProperty({ type: 'array', items: ANY_OBJECT })
  missing!: unknown[];
  @ApiProperty({ type: 'array', items: ANY_OBJECT })
  extra!: unknown[];
}

export class PerformanceReportResponse {
  @ApiProperty({ type: 'object', required: ['from', 'to'], properties: { from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' } } })
  period!: { from: string; to: string };
  @ApiProperty({ format: 'date' })
  asOf!: string;
  @ApiPropertyOptional({ example: 'E10000028' })
  localAuthority?: string;
  @ApiProperty({ type: 'integer', minimum: 0 })
  casesReplayed!: number;
  @ApiProperty({ ...ANY_OBJECT, description: 'reg 13(2): final plans within 20 weeks, overall and by LA' })
  finalPlansWithin20Weeks!: Record<string, unknown>;
  @ApiProperty({ ...ANY_OBJECT, description: 'reg 8: advice within 6 weeks' })
  adviceWithin6Weeks!: Record<string, unknown>;
}
