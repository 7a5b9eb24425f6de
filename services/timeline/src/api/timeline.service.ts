import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { isFamilyPrincipal, type Principal } from '@tio/auth';
import { londonDateOf, statutoryStatus } from '@tio/ehc-domain';
import { familyAccessFromLinks } from '../family/family-access';
import { familyTimeline } from '../family/family-timeline';
import { OrganisationDirectory } from '@tio/service-kit';
import { FAMILY_STAGES } from '../family/family-text';
import { CaseAccess, agencyGrantAgency, isAuditor } from '../access/access.service';
import { TimelineQueries, decodeCursor } from '../read-model/timeline.queries';
import type { CasesQueryDto, TimelineQueryDto } from './dto';

/**
 * What the controllers answer; access checks and logging happen here, before any case data is returned (a page is
 * read while its reader is checked and logged: CaseAccess.authorisedRead).
 */
@Injectable()
export class TimelineService {
  constructor(
    @Inject(TimelineQueries) private readonly queries: TimelineQueries,
    @Inject(CaseAccess) private readonly access: CaseAccess,
    @Inject(OrganisationDirectory) private readonly organisations: OrganisationDirectory,
  ) {}

  async timeline(principal: Principal, caseId: string, q: TimelineQueryDto) {
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const detail = { query: { ...q } };
    if (q.cursor && !after) {
      await this.access.authorise(principal, caseId, 'timeline', detail);
      throw new BadRequestException('cursor is not one this API issued');
    }
    return this.access.authorisedRead(principal, caseId, 'timeline', detail, () =>
      this.queries.page(caseId, { agency: q.agency, kind: q.kind, from: q.from, to: q.to, after, limit: q.limit ?? 100 }));
  }

  async status(principal: Principal, caseId: string, asOf?: string) {
    const day = asOfDay(asOf);
    const clock = await this.access.authorisedRead(principal, caseId, 'status', { asOf: day }, () => this.queries.clockEvents([caseId]));
    const events = clock.get(caseId) ?? [];
    return { caseId, clockEvents: events.length, computedBy: COMPUTED_BY, ...statutoryStatus(events, day) };
  }

  /**
   * The case as its family sees it: the entries the family rule lets them see, in plain English, and the same
   * statutory clock as the practitioners' status. A practitioner involved in the case may preview it, and sees what
   * is held back from the family and why (`heldBack`); a family member never does.
   */
  async familyTimeline(principal: Principal, caseId: string, asOf?: string) {
    const day = asOfDay(asOf);
    await this.access.authorise(principal, caseId, 'family-timeline', { asOf: day });
    const [page, clock, members] = await Promise.all([this.queries.entries(caseId, { limit: 100_000 }), this.queries.clockEvents([caseId]), this.queries.members(caseId)]);
    const entries = page.map((r) => r.view);
    const { view, decisions } = familyTimeline(caseId, entries, statutoryStatus(clock.get(caseId) ?? [], day), this.organisations, members);
    if (isFamilyPrincipal(principal)) {
      const access = familyAccessFromLinks(await this.queries.familyLinks(caseId), principal.userId, day);
      return { ...view, you: { relationship: access.relationship ?? null, mayAct: access.act, why: access.why } };
    }
    const heldBack = entries.flatMap((e) => {
      const d = decisions.get(e.id);
      return d && !d.show ? [{ entryId: e.id, title: e.title, why: d.why, ...(d.reason ? { reason: d.reason } : {}) }] : [];
    });
    return { ...view, heldBack };
  }

  /** A family member's cases: those they are linked to and may see today, each with where it is. Logged as `family-cases`. */
  async familyCases(principal: Principal) {
    const day = londonDateOf(new Date());
    const linked = await this.queries.familyCaseIds(principal.userId);
    const visible: Array<{ caseId: string; relationship: string | null; mayAct: boolean }> = [];
    for (const caseId of linked) {
      const access = familyAccessFromLinks(await this.queries.familyLinks(caseId), principal.userId, day);
      if (access.see) visible.push({ caseId, relationship: access.relationship ?? null, mayAct: access.act });
    }
    await this.access.log(principal, null, 'family-cases', 'allowed', { caseIds: visible.map((c) => c.caseId) });
    const clocks = await this.queries.clockEvents(visible.map((c) => c.caseId));
    return {
      asOf: day,
      cases: visible.map((c) => {
        const s = statutoryStatus(clocks.get(c.caseId) ?? [], day);
        return { ...c, stage: FAMILY_STAGES[s.caseStatus] ?? FAMILY_STAGES['none'], overdueCount: s.overdue.length };
      }),
    };
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
