import { applyDecorators, type Type } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiPreferMinimalReturn } from '@tio/service-kit';

// The bodies the case routes answer with, as OpenAPI schemas: a generated client types `data` from these.

const CASE_ID = { format: 'uuid', example: '5b2f6a0e-8f7e-4a43-9c1d-2f0a6b7c8d9e', description: 'The case' } as const;
const ANY_OBJECT = { type: 'object', additionalProperties: true } as const;

/** One statutory deadline of the case (its other facts, e.g. exceptions and refs, come as further properties). */
export class DeadlineResponse {
  @ApiProperty({ example: 'final-plan', description: 'Stable id, e.g. `final-plan`, `advice:<adviceRequestId>`' })
  id!: string;
  @ApiProperty({ example: 'final-plan' })
  step!: string;
  @ApiProperty({ example: 'Issue the final EHC plan' })
  what!: string;
  @ApiProperty({ example: 'reg 13(2)' })
  regulation!: string;
  @ApiProperty({ example: 'local-authority', description: 'Who must act' })
  responsible!: string;
  @ApiProperty({ enum: ['time-limit', 'minimum-period', 'expectation'] })
  kind!: string;
  @ApiProperty({ format: 'date', example: '2026-01-05' })
  startsOn!: string;
  @ApiProperty({ format: 'date', example: '2026-05-25' })
  dueOn!: string;
  @ApiProperty({ example: 'open', description: 'open, met, late, overdue, lifted ...' })
  status!: string;
  @ApiPropertyOptional({ format: 'date' })
  metOn?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  daysLate?: number;
  @ApiProperty({ description: 'A lawful exception applies to this limit' })
  exceptionApplied!: boolean;
}

/** The statutory clock of a case on a day. */
export class StatutoryStatusResponse {
  @ApiProperty({ format: 'date', example: '2026-03-02', description: 'The day the clock is read on' })
  asOf!: string;
  @ApiProperty({ example: 'assessing', description: 'Where the case is (`none` before a request)' })
  caseStatus!: string;
  @ApiPropertyOptional({ example: 'E10000028' })
  localAuthority?: string;
  @ApiPropertyOptional({ format: 'date' })
  requestReceivedOn?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  daysSinceRequest?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  weekOfProcess?: number;
  @ApiProperty({ type: [DeadlineResponse], description: 'Every deadline started by `asOf`, by due date' })
  deadlines!: DeadlineResponse[];
  @ApiProperty({ type: [DeadlineResponse] })
  open!: DeadlineResponse[];
  @ApiProperty({ type: [DeadlineResponse] })
  overdue!: DeadlineResponse[];
  @ApiPropertyOptional({ type: DeadlineResponse, description: 'The open deadline due soonest' })
  next?: DeadlineResponse;
  @ApiProperty({ ...ANY_OBJECT, description: 'Overdue deadlines by who must act' })
  overdueByResponsible!: Record<string, unknown>;
  @ApiProperty({ type: 'array', items: ANY_OBJECT, description: 'Appealable decisions still without their notice of appeal rights' })
  decisionsWithoutAppealNotice!: unknown[];
}

export class RecordedEventResponse {
  @ApiProperty({ format: 'uuid', example: '0b8f7c1e-2a3d-4e5f-8a9b-1c2d3e4f5a6b' })
  eventId!: string;
  @ApiProperty({ example: 'ehc.request-received.v1' })
  type!: string;
}

/** What every case command answers: the events it recorded and the case's clock after them. */
export class CaseCommandResponse {
  @ApiProperty(CASE_ID)
  caseId!: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 0, description: 'The case stream’s revision after the command' })
  revision!: number;
  @ApiProperty({ type: [RecordedEventResponse], description: 'The events recorded (on a replay: those the first attempt recorded)' })
  recorded!: RecordedEventResponse[];
  @ApiProperty({ description: 'True when this answers a retry with the same Idempotency-Key: nothing new was recorded', example: false })
  replayed!: boolean;
  @ApiPropertyOptional({ type: StatutoryStatusResponse, description: 'The statutory clock after the step; left out when the request said `Prefer: return=minimal`' })
  status?: StatutoryStatusResponse;
}

/**
 * A case write's answer, documented with the `Prefer: return=minimal` it honours (runCaseCommand leaves the statutory
 * status out), so no route documents one without the other: 201 unless `ok` (a step answered 200).
 */
export function ApiCaseStepAnswer(options: { ok?: boolean; type?: Type<unknown>; description?: string } = {}): MethodDecorator {
  const response = { type: options.type ?? CaseCommandResponse, ...(options.description ? { description: options.description } : {}) };
  return applyDecorators(
    options.ok ? ApiOkResponse(response) : ApiCreatedResponse(response),
    ApiPreferMinimalReturn('`status`, the statutory clock after the step (read it with GET /cases/{caseId})'),
  );
}

/** A case as its events describe it. */
export class CaseResponse {
  @ApiProperty(CASE_ID)
  caseId!: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 3 })
  revision!: number;
  @ApiProperty({ ...ANY_OBJECT, description: 'The case state folded from its events (status, dates, advice, plan, reviews, ...)', example: { status: 'requested', localAuthority: 'E10000028' } })
  state!: Record<string, unknown>;
  @ApiProperty({ type: StatutoryStatusResponse })
  status!: StatutoryStatusResponse;
}

/** What a transfer step answers: its events, whether the case followed (reg 15), and the transfer as it now stands. */
export class TransferStepResponse {
  @ApiProperty(CASE_ID)
  caseId!: string;
  @ApiProperty({ format: 'uuid', example: '2c4e6a8b-1d3f-4a5b-9c7d-0e1f2a3b4c5d' })
  transferId!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'The transfer stream’s revision after the step' })
  revision!: number;
  @ApiProperty({ type: [RecordedEventResponse] })
  recorded!: RecordedEventResponse[];
  @ApiProperty({ description: 'True when this answers a retry with the same Idempotency-Key: nothing new was recorded', example: false })
  replayed!: boolean;
  @ApiProperty({ ...ANY_OBJECT, required: ['followed'], properties: { followed: { type: 'boolean' }, reason: { type: 'string' } }, description: 'Whether the case followed the step (an LA transfer moves the case, reg 15)' })
  case!: Record<string, unknown>;
  @ApiProperty({ ...ANY_OBJECT, description: 'The transfer now: kind, organisations, steps, deadlines' })
  transfer!: Record<string, unknown>;
}

/** The case's transfers and who is responsible as at a day. */
export class CaseTransfersResponse {
  @ApiProperty(CASE_ID)
  caseId!: string;
  @ApiProperty({ format: 'date', example: '2026-03-02' })
  asOf!: string;
  @ApiProperty({ example: 'E10000028' })
  caseLocalAuthority!: string;
  @ApiProperty({ ...ANY_OBJECT, description: 'The organisation responsible for each kind of transfer as at `asOf`' })
  responsibleAsOf!: Record<string, unknown>;
  @ApiProperty({ type: 'array', items: ANY_OBJECT, description: 'Each transfer with its steps and deadlines' })
  transfers!: unknown[];
}
