import { Controller, Get, Inject, Query as QueryParams } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { AGENCIES, londonDateOf, type Agency } from '@tio/ehc-domain';
import { ApiAuthenticatedProblems, ApiProblems, PG_POOL } from '@tio/service-kit';
import { IsIn, IsOptional } from 'class-validator';
import type { Pool } from 'pg';
import { AGENCY_OPTIONS, AGENCY_READ_MODEL, type AdviceKitOptions } from './options';

/**
 * An agency practitioner's worklist: the advice requests of this service's agency that the caller's organisation
 * may see under the service's involvement rule (InvolvedOrganisationsAccess), across cases: a request naming the
 * organisation as adviser, a request of the caller's agency naming no adviser and unanswered (the agency decides who
 * answers), or a request the organisation already answered. The grounds are the same SQL the case-scoped routes use,
 * so the list never shows a case those routes would refuse.
 */
export interface WorklistItem {
  adviceRequestId: string;
  caseId: string;
  assessmentId: string;
  agency: string;
  adviceType: string;
  adviserRef?: string;
  requestedOn?: string;
  dueOn?: string;
  status: 'open' | 'answered' | 'withdrawn';
  overdue: boolean;
  /** Days past the due date while open (0 when not overdue). */
  daysOverdue: number;
  ground: 'named-adviser' | 'agency-advice-request' | 'advice-author';
  advice?: { adviceId: string; version: number; status: 'current' | 'withdrawn'; on: string };
}

export interface WorklistView {
  asOf: string;
  agency: Agency;
  organisationId: string;
  requests: WorklistItem[];
}

export const WORKLIST_STATUSES = ['open', 'all'] as const;

export class WorklistQueryDto {
  @ApiPropertyOptional({ enum: WORKLIST_STATUSES, default: 'open', description: '`open`: requests still waiting for advice (default); `all`: also those answered or withdrawn' })
  @IsOptional()
  @IsIn(WORKLIST_STATUSES, { message: 'status must be one of open, all' })
  status?: (typeof WORKLIST_STATUSES)[number];
}

export class GetWorklistQuery extends Query<WorklistView> {
  constructor(readonly caller: Principal, readonly status: (typeof WORKLIST_STATUSES)[number]) {
    super();
  }
}

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

@QueryHandler(GetWorklistQuery)
export class GetWorklistHandler implements IQueryHandler<GetWorklistQuery, WorklistView> {
  constructor(
    @Inject(AGENCY_OPTIONS) private readonly options: AdviceKitOptions,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(AGENCY_READ_MODEL) _readModel: unknown,
  ) {}

  async execute({ caller, status }: GetWorklistQuery): Promise<WorklistView> {
    const { rows } = await this.pool.query<{
      adviceRequestId: string; caseId: string; assessmentId: string; agency: string; adviceType: string; adviserRef: string | null; requestedOn: string | null; dueOn: string | null;
      adviceId: string | null; version: number | null; kind: string | null; on: string | null; authoredHere: boolean;
    }>(
      `WITH latest AS (
         SELECT DISTINCT ON (advice_request_id) advice_request_id, advice_id, version, kind, on_date
           FROM agency_kit.advice_versions WHERE advice_request_id IS NOT NULL
          ORDER BY advice_request_id, version DESC, CASE kind WHEN 'withdrawn' THEN 0 ELSE 1 END)
       SELECT r.advice_request_id AS "adviceRequestId", r.case_id AS "caseId", r.assessment_id AS "assessmentId", r.agency, r.advice_type AS "adviceType",
              r.adviser_ref AS "adviserRef", r.requested_on AS "requestedOn", r.due_on AS "dueOn",
              l.advice_id AS "adviceId", l.version, l.kind, l.on_date AS "on",
              EXISTS (SELECT 1 FROM agency_kit.advice_versions v WHERE v.advice_request_id = r.advice_request_id AND v.organisation_ref = $1) AS "authoredHere"
         FROM agency_kit.advice_requests r LEFT JOIN latest l ON l.advice_request_id = r.advice_request_id
        WHERE r.agency = $3
          AND (r.adviser_ref = $1
               OR EXISTS (SELECT 1 FROM agency_kit.advice_versions v WHERE v.advice_request_id = r.advice_request_id AND v.organisation_ref = $1)
               OR (r.adviser_ref IS NULL AND $2 = r.agency
                   AND NOT EXISTS (SELECT 1 FROM agency_kit.advice_versions v WHERE v.advice_request_id = r.advice_request_id AND v.kind <> 'withdrawn')))
        ORDER BY r.due_on NULLS LAST, r.requested_on, r.advice_request_id`,
      [caller.organisationId, caller.agency, this.options.agency],
    );
    const today = londonDateOf(new Date());
    const requests = rows.map((r): WorklistItem => {
      const state: WorklistItem['status'] = !r.kind ? 'open' : r.kind === 'withdrawn' ? 'withdrawn' : 'answered';
      // a withdrawn answer opens the request again (the timeline says so too)
      const waiting = state !== 'answered';
      const overdue = waiting && !!r.dueOn && r.dueOn < today;
      return {
        adviceRequestId: r.adviceRequestId, caseId: r.caseId, assessmentId: r.assessmentId, agency: r.agency, adviceType: r.adviceType,
        ...(r.adviserRef ? { adviserRef: r.adviserRef } : {}), ...(r.requestedOn ? { requestedOn: r.requestedOn } : {}), ...(r.dueOn ? { dueOn: r.dueOn } : {}),
        status: state, overdue, daysOverdue: overdue ? daysBetween(r.dueOn as string, today) : 0,
        ground: r.adviserRef === caller.organisationId ? 'named-adviser' : r.authoredHere ? 'advice-author' : 'agency-advice-request',
        ...(r.adviceId ? { advice: { adviceId: r.adviceId, version: r.version as number, status: r.kind === 'withdrawn' ? 'withdrawn' : 'current', on: r.on as string } } : {}),
      };
    });
    return {
      asOf: today,
      agency: this.options.agency as Agency,
      organisationId: caller.organisationId,
      requests: status === 'all' ? requests : requests.filter((r) => r.status !== 'answered'),
    };
  }
}

class WorklistItemResponse {
  @ApiProperty({ format: 'uuid' }) adviceRequestId!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ format: 'uuid' }) assessmentId!: string;
  @ApiProperty({ enum: AGENCIES, example: 'education' }) agency!: string;
  @ApiProperty({ example: 'educational' }) adviceType!: string;
  @ApiPropertyOptional({ example: 'urn:school:124356' }) adviserRef?: string;
  @ApiPropertyOptional({ format: 'date' }) requestedOn?: string;
  @ApiPropertyOptional({ format: 'date', description: 'reg 8: 6 weeks from the request' }) dueOn?: string;
  @ApiProperty({ enum: ['open', 'answered', 'withdrawn'], description: '`withdrawn`: the advice given was withdrawn, so the request is open again' }) status!: string;
  @ApiProperty() overdue!: boolean;
  @ApiProperty({ type: 'integer', minimum: 0 }) daysOverdue!: number;
  @ApiProperty({ enum: ['named-adviser', 'agency-advice-request', 'advice-author'], description: 'Why the organisation sees it (the service’s involvement rule)' }) ground!: string;
  @ApiPropertyOptional({
    type: 'object', additionalProperties: false, required: ['adviceId', 'version', 'status', 'on'],
    properties: { adviceId: { type: 'string', format: 'uuid' }, version: { type: 'integer', minimum: 1 }, status: { type: 'string', enum: ['current', 'withdrawn'] }, on: { type: 'string', format: 'date' } },
  })
  advice?: Record<string, unknown>;
}

export class WorklistResponse {
  @ApiProperty({ format: 'date', description: 'The day overdue is judged on (Europe/London)' }) asOf!: string;
  @ApiProperty({ enum: AGENCIES, example: 'education' }) agency!: string;
  @ApiProperty({ example: 'urn:school:124356' }) organisationId!: string;
  @ApiProperty({ type: [WorklistItemResponse] }) requests!: WorklistItemResponse[];
}

/** The worklist route: not case-scoped (it lists cases), so the rule is applied in its query, not by CASE_SCOPE_CHECK. */
@ApiTags('advice')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@RequireRoles('practitioner')
@Controller('advice-requests')
export class WorklistController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ operationId: 'listMyAdviceRequests', summary: "The caller's organisation's worklist: this agency's advice requests it may answer, due dates (reg 8) and overdue flags, across cases" })
  @ApiOkResponse({ type: WorklistResponse })
  @ApiProblems(400)
  list(@QueryParams() q: WorklistQueryDto, @CurrentPrincipal() p: Principal) {
    return this.queries.execute(new GetWorklistQuery(p, q.status ?? 'open'));
  }
}
