import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@tio/auth';
import { londonDateOf, statutoryStatus } from '@tio/ehc-domain';
import { CaseAccess, agencyGrantAgency, isAuditor } from '../access/access.service';
import { TimelineQueries, decodeCursor } from '../read-model/timeline.queries';
import type { CasesQueryDto, TimelineQueryDto } from './dto';

/** What the controllers answer; access checks and logging happen here, before any case data is read. */
@Injectable()
export class TimelineService {
  constructor(
    @Inject(TimelineQueries) private readonly queries: TimelineQueries,
    @Inject(CaseAccess) private readonly access: CaseAccess,
  ) {}

  async timeline(principal: Principal, caseId: string, q: TimelineQueryDto) {
    await this.access.authorise(principal, caseId, 'timeline', { query: { ...q } });
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    if (q.cursor && !after) throw new BadRequestException('cursor is not one this API issued');
    return this.queries.page(caseId, { agency: q.agency, kind: q.kind, from: q.from, to: q.to, after, limit: q.limit ?? 100 });
  }

  async status(principal: Principal, caseId: string, asOf?: string) {
    const day = asOfDay(asOf);
    await this.access.authorise(principal, caseId, 'status', { asOf: day });
    const events = (await this.queries.clockEvents([caseId])).get(caseId) ?? [];
    return { caseId, clockEvents: events.length, computedBy: COMPUTED_BY, ...statutoryStatus(events, day) };
  }

  async cases(principal: Principal, q: CasesQueryDto) {
    const day = asOfDay(q.asOf);
    const limit = q.limit ?? 50;
    const cases = await this.queries.casesFor(isAuditor(principal) ? null : principal.organisationId, limit + 1, q.after, agencyGrantAgency(principal));
    const page = cases.slice(0, limit);
    await this.access.log(principal, null, 'cases', 'allowed', { caseIds: page.map((c) => c.caseId), asOf: day });
    const byCase = await this.queries.clockEvents(page.map((c) => c.caseId));
    return {
      asOf: day,
      cases: page.map((c) => {
        const s = statutoryStatus(byCase.get(c.caseId) ?? [], day);
        return {
          caseId: c.caseId, entryCount: c.entryCount, lastActivityAt: c.lastOccurredAt.toISOString(), caseStatus: s.caseStatus, weekOfProcess: s.weekOfProcess ?? null,
          next: s.next ?? null, overdueCount: s.overdue.length, overdueByResponsible: s.overdueByResponsible,
        };
      }),
      nextCursor: cases.length > limit ? page[page.length - 1].caseId : null,
    };
  }
}

const COMPUTED_BY = '@tio/ehc-domain statutoryStatus over the case\'s ehc.* events';

/** The clock's date: as asked (YYYY-MM-DD, checked by the DTO), else today in England. */
function asOfDay(asOf: string | undefined): string {
  return asOf ?? londonDateOf(new Date());
}
