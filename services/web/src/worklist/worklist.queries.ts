import { Inject } from '@nestjs/common';
import { Command, CommandHandler, Query, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import { AgencyApi, type AdviceAgency, type CaseAdviceRequest, type CommandAnswer, type WorklistItem } from './agency-api';

/** The practitioner's worklist: their organisation's requests at their agency's service, overdue first. */
export class WorklistQuery extends Query<{ asOf: string; organisationId: string; requests: WorklistItem[] }> {
  constructor(readonly accessToken: string, readonly agency: AdviceAgency, readonly all: boolean) {
    super();
  }
}

@QueryHandler(WorklistQuery)
export class WorklistHandler implements IQueryHandler<WorklistQuery> {
  constructor(@Inject(AgencyApi) private readonly api: AgencyApi) {}
  async execute({ accessToken, agency, all }: WorklistQuery) {
    const list = await this.api.worklist(agency, accessToken, all);
    // overdue first (most days overdue first), then by due date
    const requests = [...list.requests].sort((a, b) => Number(b.overdue) - Number(a.overdue) || b.daysOverdue - a.daysOverdue || String(a.dueOn ?? '9999').localeCompare(String(b.dueOn ?? '9999')));
    return { ...list, requests };
  }
}

/** One request of a case, as the agency service's case-scoped route answers it (its access rule and access log apply). */
export class AdviceRequestQuery extends Query<CaseAdviceRequest | undefined> {
  constructor(readonly accessToken: string, readonly agency: AdviceAgency, readonly caseId: string, readonly adviceRequestId: string) {
    super();
  }
}

@QueryHandler(AdviceRequestQuery)
export class AdviceRequestHandler implements IQueryHandler<AdviceRequestQuery> {
  constructor(@Inject(AgencyApi) private readonly api: AgencyApi) {}
  async execute({ accessToken, agency, caseId, adviceRequestId }: AdviceRequestQuery) {
    const { requests } = await this.api.caseRequests(agency, caseId, accessToken);
    return requests.find((r) => r.adviceRequestId === adviceRequestId);
  }
}

/** Give, correct or withdraw advice through the agency service's API. */
export class RecordAdviceCommand extends Command<CommandAnswer> {
  constructor(readonly accessToken: string, readonly agency: AdviceAgency, readonly path: string, readonly body: Record<string, unknown>, readonly idempotencyKey: string) {
    super();
  }
}

@CommandHandler(RecordAdviceCommand)
export class RecordAdviceHandler implements ICommandHandler<RecordAdviceCommand> {
  constructor(@Inject(AgencyApi) private readonly api: AgencyApi) {}
  execute({ accessToken, agency, path, body, idempotencyKey }: RecordAdviceCommand) {
    return this.api.command(agency, path, body, accessToken, idempotencyKey);
  }
}

export const WORKLIST_HANDLERS = [WorklistHandler, AdviceRequestHandler, RecordAdviceHandler];
