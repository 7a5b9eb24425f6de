import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ADVICE_TYPES, AGENCIES } from '@tio/ehc-domain';

// The bodies the advice routes answer with, as OpenAPI schemas (a generated client types them from these).

const CASE_ID = { format: 'uuid', example: '5b2f6a0e-8f7e-4a43-9c1d-2f0a6b7c8d9e' } as const;
const ANY_OBJECT = { type: 'object', additionalProperties: true } as const;

export class RecordedEvent {
  @ApiProperty({ format: 'uuid', example: '0b8f7c1e-2a3d-4e5f-8a9b-1c2d3e4f5a6b' })
  eventId!: string;
  @ApiProperty({ example: 'advice.submitted.v1' })
  type!: string;
}

export class AdviceCommandResponse {
  @ApiProperty(CASE_ID)
  caseId!: string;
  @ApiProperty({ format: 'uuid', example: '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6' })
  assessmentId!: string;
  @ApiProperty({ enum: AGENCIES, example: 'education' })
  agency!: string;
  @ApiProperty({ enum: ADVICE_TYPES, example: 'educational' })
  adviceType!: string;
  @ApiPropertyOptional({ format: 'uuid' })
  adviceRequestId?: string;
  @ApiPropertyOptional({ format: 'uuid' })
  adviceId?: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  version!: number;
  @ApiProperty({ enum: ['empty', 'submitted', 'withdrawn'], example: 'submitted' })
  status!: string;
  @ApiProperty({ type: [RecordedEvent], description: 'The events this command recorded (on a replay: those the first attempt recorded)' })
  recorded!: RecordedEvent[];
  @ApiProperty({ description: 'True when this answers a retry with the same Idempotency-Key: nothing new was recorded', example: false })
  replayed!: boolean;
}

export class AdviceRequestsResponse {
  @ApiProperty(CASE_ID)
  caseId!: string;
  @ApiProperty({ enum: AGENCIES, example: 'education' })
  agency!: string;
  @ApiProperty({
    type: 'array',
    items: { ...ANY_OBJECT, required: ['adviceRequestId', 'status', 'overdue'], properties: { adviceRequestId: { type: 'string', format: 'uuid' }, status: { type: 'string', enum: ['answered', 'open'] }, overdue: { type: 'boolean' }, dueOn: { type: 'string', format: 'date' } } },
    description: 'Each request with its due date (reg 8: 6 weeks), whether it is answered and overdue',
  })
  requests!: Array<Record<string, unknown>>;
}

export class CaseAdviceResponse {
  @ApiProperty(CASE_ID)
  caseId!: string;
  @ApiProperty({ type: 'array', items: ANY_OBJECT, description: 'Every agency’s advice: current version, headings, citations, versions, and where its history is' })
  advice!: Array<Record<string, unknown>>;
}

export class AdviceHistoryResponse {
  @ApiProperty(CASE_ID)
  caseId!: string;
  @ApiProperty({ format: 'uuid' })
  assessmentId!: string;
  @ApiProperty({ enum: AGENCIES, example: 'education' })
  agency!: string;
  @ApiProperty({ enum: ADVICE_TYPES, example: 'educational' })
  adviceType!: string;
  @ApiPropertyOptional({ format: 'uuid' })
  adviceRequestId?: string;
  @ApiProperty({ enum: ['empty', 'submitted', 'withdrawn'], example: 'submitted' })
  status!: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, example: 2 })
  currentVersion?: number;
  @ApiProperty({ type: 'array', items: ANY_OBJECT, description: 'Every version: who, when, why, and whether it is current, superseded or withdrawn' })
  versions!: Array<Record<string, unknown>>;
  @ApiProperty({ type: 'array', items: ANY_OBJECT })
  withdrawals!: Array<Record<string, unknown>>;
}

