import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PLAN_SECTIONS, PLAN_STAGES } from '@tio/ehc-domain';

const OBJECT = { type: 'object', additionalProperties: true } as const;
const CASE_ID = { format: 'uuid', example: '5b1c1c1e-2f4a-4c1d-9e55-3f0a7d2b0001' };

export class PlanVersionSummaryResponse {
  @ApiProperty({ type: 'integer', minimum: 1, example: 3 }) version!: number;
  @ApiProperty({ enum: PLAN_STAGES }) stage!: string;
  @ApiProperty({ format: 'date', example: '2026-04-20' }) recordedOn!: string;
  @ApiPropertyOptional() planId?: string;
  @ApiPropertyOptional() amendmentId?: string;
  @ApiProperty({ type: 'array', items: { type: 'string', enum: [...PLAN_SECTIONS] }, example: ['F', 'J'], description: 'Sections that differ from the previous version' })
  changedSections!: string[];
}

export class PlanVersionResponse extends PlanVersionSummaryResponse {
  @ApiProperty({ type: 'array', items: OBJECT, description: 'Sections A-K: { section, text?, items?: [{ itemId, text, needIds? }], settingRef?, settingType?, adviceIds? }; text reads "[erased]" after erasure' })
  sections!: unknown[];
}

/** GET /cases/:caseId/plan */
export class PlanResponse {
  @ApiProperty(CASE_ID) caseId!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) revision!: number;
  @ApiPropertyOptional({ type: PlanVersionResponse, description: 'The latest version (absent until contents are recorded)' }) current?: PlanVersionResponse;
  @ApiProperty({ type: [PlanVersionSummaryResponse] }) versions!: PlanVersionSummaryResponse[];
  @ApiProperty({ type: 'array', items: OBJECT, description: 'Each personal budget asked for: the request, the decision (parts, amounts, reasons) and its reviews' })
  personalBudgets!: unknown[];
}

/** GET /cases/:caseId/plan/versions/:version/changes */
export class PlanChangesResponse {
  @ApiProperty(CASE_ID) caseId!: string;
  @ApiProperty({ type: 'integer', minimum: 1, example: 3 }) version!: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, example: 2 }) previousVersion?: number;
  @ApiProperty({ enum: PLAN_STAGES }) stage!: string;
  @ApiProperty({ format: 'date' }) recordedOn!: string;
  @ApiPropertyOptional() amendmentId?: string;
  @ApiProperty({ type: 'array', items: { type: 'string', enum: [...PLAN_SECTIONS] }, example: ['F', 'J'] }) changedSections!: string[];
  @ApiProperty({
    type: 'array', items: OBJECT,
    description: 'Per changed section: { section, change: added | removed | changed, before?, after?, items: { added, removed, changed } (item ids) }',
  })
  changes!: unknown[];
}
