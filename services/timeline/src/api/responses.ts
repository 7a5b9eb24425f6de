import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { ACCESS_LOG_VERIFICATION_SCHEMA } from '@tio/service-kit';

// The bodies the timeline routes answer with, as OpenAPI schemas.

const CASE_ID = { format: 'uuid', example: '5b2f6a0e-8f7e-4a43-9c1d-2f0a6b7c8d9e' } as const;
const ANY_OBJECT = { type: 'object', additionalProperties: true } as const;
const DEADLINE = { type: 'object' as const, additionalProperties: true, required: ['id', 'dueOn'], properties: { id: { type: 'string' }, dueOn: { type: 'string', format: 'date' }, responsible: { type: 'string' } } } as ApiPropertyOptions;

export class CaseSummaryResponse {
  @ApiProperty(CASE_ID)
  caseId!: string;
  @ApiProperty({ type: 'integer', minimum: 0 })
  entryCount!: number;
  @ApiProperty({ format: 'date-time' })
  lastActivityAt!: string;
  @ApiProperty({ example: 'assessing' })
  caseStatus!: string;
  @ApiProperty({ type: 'integer', nullable: true })
  weekOfProcess!: number | null;
  @ApiProperty({ ...DEADLINE, nullable: true, description: 'The open deadline due soonest' } as ApiPropertyOptions)
  next!: Record<string, unknown> | null;
  @ApiProperty({ type: 'integer', minimum: 0 })
  overdueCount!: number;
  @ApiProperty({ ...ANY_OBJECT, description: 'Overdue deadlines by who must act' })
  overdueByResponsible!: Record<string, unknown>;
}

export class CasesPageResponse {
  @ApiProperty({ format: 'date', example: '2026-03-02' })
  asOf!: string;
  @ApiProperty({ type: [CaseSummaryResponse] })
  cases!: CaseSummaryResponse[];
  @ApiProperty({ type: 'string', nullable: true, description: 'The `after` of the next page; null on the last' })
  nextCursor!: string | null;
}

export class TimelinePageResponse {
  @ApiProperty(CASE_ID)
  caseId!: string;
  @ApiProperty({ type: 'integer', minimum: 0 })
  entryCount!: number;
  @ApiProperty({ example: '1-12', description: 'The Last-Event-ID to follow the live stream from this read' })
  resumeToken!: string;
  @ApiProperty({
    type: 'array',
    items: { ...ANY_OBJECT, required: ['seq', 'id', 'kind', 'title', 'agency', 'occurredAt', 'recordedAt'], properties: { seq: { type: 'integer' }, id: { type: 'string' }, kind: { type: 'string' }, title: { type: 'string' }, summary: { type: 'string' }, agency: { type: 'string' }, who: ANY_OBJECT, occurredAt: { type: 'string', format: 'date-time' }, recordedAt: { type: 'string', format: 'date-time' }, details: ANY_OBJECT, source: ANY_OBJECT } },
    description: 'The entries in the case order',
  })
  entries!: Array<Record<string, unknown>>;
  @ApiProperty({ type: 'string', nullable: true, description: 'The `cursor` of the next page; null on the last' })
  nextCursor!: string | null;
}

export class CaseStatusResponse {
  @ApiProperty(CASE_ID)
  caseId!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'How many of the case’s events the clock was computed from' })
  clockEvents!: number;
  @ApiProperty({ example: '@tio/ehc-domain statutoryStatus' })
  computedBy!: string;
  @ApiProperty({ format: 'date' })
  asOf!: string;
  @ApiProperty({ example: 'assessing' })
  caseStatus!: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  weekOfProcess?: number;
  @ApiProperty({ type: 'array', items: DEADLINE as object })
  deadlines!: unknown[];
  @ApiProperty({ type: 'array', items: DEADLINE as object })
  open!: unknown[];
  @ApiProperty({ type: 'array', items: DEADLINE as object })
  overdue!: unknown[];
  @ApiPropertyOptional(DEADLINE)
  next?: Record<string, unknown>;
  @ApiProperty(ANY_OBJECT)
  overdueByResponsible!: Record<string, unknown>;
}

export class TimelineAccessLogResponse {
  @ApiProperty(CASE_ID)
  caseId!: string;
  @ApiProperty({
    type: 'array',
    items: { ...ANY_OBJECT, required: ['id', 'at', 'who', 'action', 'hash'], properties: { id: { type: 'string' }, at: { type: 'string' }, who: ANY_OBJECT, action: { type: 'string' }, outcome: { type: 'string' }, previousHash: { type: 'string', nullable: true }, hash: { type: 'string' } } },
    description: 'Who read the case, when and what; newest first',
  })
  entries!: Array<Record<string, unknown>>;
  @ApiProperty({ type: 'string', nullable: true, description: 'The `before` of the next page; null on the last' })
  nextCursor!: string | null;
  @ApiProperty(ACCESS_LOG_VERIFICATION_SCHEMA)
  verification!: Record<string, unknown>;
}
