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

const FAMILY_DEADLINE = {
  type: 'object', additionalProperties: false, required: ['id', 'dueOn', 'responsible', 'who', 'status', 'text'],
  properties: {
    id: { type: 'string' }, dueOn: { type: 'string', format: 'date' }, responsible: { type: 'string', example: 'health' }, who: { type: 'string', example: 'The health service' },
    status: { type: 'string', example: 'overdue' }, daysLate: { type: 'integer', minimum: 0 }, text: { type: 'string', example: 'The health service should have done this by 2 March 2026: give their advice. They are 12 days late.' },
  },
} as Record<string, unknown>;

export class FamilyTimelineResponse {
  @ApiProperty(CASE_ID)
  caseId!: string;
  @ApiProperty({ format: 'date', description: 'The day the clock was evaluated on' })
  asOf!: string;
  @ApiProperty({ type: 'object', additionalProperties: false, required: ['status', 'text'], properties: { status: { type: 'string', example: 'assessing' }, text: { type: 'string', example: 'The council is assessing your child' } }, description: 'Where the process is' } as ApiPropertyOptions)
  stage!: Record<string, unknown>;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Week of the 20-week process, when it has started' })
  weekOfProcess!: number | null;
  @ApiProperty({ ...FAMILY_DEADLINE, nullable: true, description: 'What is due next' } as ApiPropertyOptions)
  next!: Record<string, unknown> | null;
  @ApiProperty({ type: 'array', items: FAMILY_DEADLINE, description: 'What is due (not late), soonest first' } as ApiPropertyOptions)
  due!: unknown[];
  @ApiProperty({ type: 'array', items: FAMILY_DEADLINE, description: 'What is late, who is responsible and by how many days' } as ApiPropertyOptions)
  late!: unknown[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: false, required: ['id', 'kind', 'on', 'date', 'who', 'text'], properties: { id: { type: 'string' }, kind: { type: 'string' }, on: { type: 'string', format: 'date-time' }, date: { type: 'string', example: '3 March 2026' }, who: { type: 'string', example: 'The council' }, text: { type: 'string', example: 'The council sent you a draft plan on 3 March 2026. Tell them what you think by 18 March 2026.' } } },
    description: 'The entries the family may see, in the case order, each as one plain-English sentence',
  } as ApiPropertyOptions)
  entries!: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: false, required: ['agency', 'who'], properties: { agency: { type: 'string' }, who: { type: 'string' } } }, description: 'The people involved' } as ApiPropertyOptions)
  people!: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: false, required: ['agency', 'name'], properties: { agency: { type: 'string' }, name: { type: 'string', example: 'Oakfield Primary School' } } }, description: 'The organisations involved, by name from the organisation directory (ORGANISATION_DIRECTORY), else by what they are ("A school"): never a code' } as ApiPropertyOptions)
  organisations!: unknown[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: false, required: ['requestedOn', 'status', 'text'], properties: { requestedOn: { type: 'string', format: 'date' }, status: { type: 'string', enum: ['waiting', 'agreed', 'declined'] }, text: { type: 'string', example: "You asked for an early review on 12 January 2026. We are waiting for the council's answer. The law sets no time limit for it." } } },
    description: "Each request for an early review of the plan and the council's answer (no statutory time limit applies to the answer, so none is shown)",
  } as ApiPropertyOptions)
  earlyReviews!: unknown[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: false, required: ['relationship', 'mayAct', 'why'], properties: { relationship: { type: 'string', nullable: true, example: 'parent' }, mayAct: { type: 'boolean' }, why: { type: 'string' } }, description: 'For a family member: their link and whether they may act (give views, respond, ask)' } as ApiPropertyOptions)
  you?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: false, required: ['entryId', 'title', 'why'], properties: { entryId: { type: 'string' }, title: { type: 'string' }, why: { type: 'string', enum: ['internal', 'withheld', 'before-draft'] }, reason: { type: 'string' } } },
    description: 'For a practitioner previewing the family view: what is held back from the family and why (never sent to a family member)',
  } as ApiPropertyOptions)
  heldBack?: unknown[];
}

export class FamilyCasesResponse {
  @ApiProperty({ format: 'date' })
  asOf!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: false, required: ['caseId', 'relationship', 'mayAct', 'stage', 'overdueCount'], properties: { caseId: { type: 'string', format: 'uuid' }, relationship: { type: 'string', nullable: true }, mayAct: { type: 'boolean' }, stage: { type: 'string' }, overdueCount: { type: 'integer', minimum: 0 } } },
    description: 'The cases the family member is linked to and may see today',
  } as ApiPropertyOptions)
  cases!: unknown[];
}
