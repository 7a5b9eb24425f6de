import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@tio/auth';
import { CaseAccess, isAuditor } from '../access/access.service';
import { TimelineQueries, decodeCursor, encodeCursor, toView } from '../read-model/timeline.queries';
import { statutoryStatus, type StatusEntry } from '../status/statutory';
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
    const limit = q.limit ?? 100;
    // read the resume token first: entries stored after it are then sent by the stream, never missed
    const [kase, generation] = await Promise.all([this.queries.caseInfo(caseId), this.queries.generation()]);
    const rows = await this.queries.entries(caseId, { agency: q.agency, kind: q.kind, from: q.from, to: q.to, after, limit: limit + 1 });
    const entries = rows.slice(0, limit).map(toView);
    return {
      caseId,
      entryCount: kase?.entryCount ?? 0,
      resumeToken: `${generation}-${kase?.entryCount ?? 0}`,
      entries,
      nextCursor: rows.length > limit ? encodeCursor(entries[entries.length - 1]) : null,
    };
  }

  async status(principal: Principal, caseId: string, at?: string) {
    await this.access.authorise(principal, caseId, 'status', at ? { at } : {});
    const entries = (await this.queries.statusEntries([caseId])).get(caseId) ?? [];
    return { caseId, ...statutoryStatus(entries as StatusEntry[], at ? new Date(at) : new Date()) };
  }

  async cases(principal: Principal, q: CasesQueryDto) {
    const limit = q.limit ?? 50;
    const cases = await this.queries.casesFor(isAuditor(principal) ? null : principal.organisationId, limit + 1, q.after);
    const page = cases.slice(0, limit);
    await this.access.log(principal, null, 'cases', 'allowed', { caseIds: page.map((c) => c.caseId) });
    const byCase = await this.queries.statusEntries(page.map((c) => c.caseId));
    const at = q.at ? new Date(q.at) : new Date();
    return {
      cases: page.map((c) => {
        const s = statutoryStatus((byCase.get(c.caseId) ?? []) as StatusEntry[], at);
        return {
          caseId: c.caseId, entryCount: c.entryCount, lastActivityAt: c.lastOccurredAt.toISOString(), stage: s.stage, week: s.week,
          nextDeadline: s.nextDeadline, overdueCount: s.overdueCount, overdueByAgency: s.overdueByAgency,
        };
      }),
      nextCursor: cases.length > limit ? page[page.length - 1].caseId : null,
    };
  }
}
