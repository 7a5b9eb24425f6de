import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { WebConfig } from '../config';
import { TimelineApi, TimelineRefused, type CaseStatusView } from '../timeline-api';
import { WEB_CONFIG } from '../tokens';
import { endOfLondonDay, nextDay, type Reading } from './as-at';
import { responsibleClock, stageClock, type AssessmentMove, type ClockStatus, type ResponsibleClock, type StageClock } from './clock';
import { draftIssuedOn, openEarlyReviews, shareableAdvice, type OpenEarlyReview, type ShareableAdvice } from './caseworker-forms';
import { assessmentMoves, readableEntries, type ReadableEntry, type TimelineEntry } from './entry-text';

export interface CasePage {
  entries: ReadableEntry[];
  entryCount: number;
  more: boolean;
  status: CaseStatusView;
  clock: ResponsibleClock;
  stage: StageClock;
  /** The reading shown, when the page is "as at" a day. */
  asAt?: { date: string; reading: Reading; eventsReplayed?: number; meaning?: string };
  /** The live stream's resume token, for the page's enhancement to start from (no entry missed in between). */
  resumeToken?: string;
  /** Now (not as at a day): the advice the council may share with the family, and the requests for an early review not answered. */
  actions?: { shareable: ShareableAdvice[]; earlyReviews: OpenEarlyReview[]; draftIssuedOn?: string };
}

/** The case page: its entries as they read, the clock of the authority responsible, now or as at a day. */
export class CaseViewQuery extends Query<CasePage> {
  constructor(readonly accessToken: string, readonly caseId: string, readonly asAt?: { date: string; reading: Reading }) {
    super();
  }
}

/** The audit service's `GET /cases/:id/as-of` (the fields the page shows). */
interface AuditAsOf {
  meaning: string;
  eventsReplayed: number;
  asOfDate: string;
  statutory?: CaseStatusView;
  case: { status: string; responsibleLocalAuthority?: string };
}

@QueryHandler(CaseViewQuery)
export class CaseViewHandler implements IQueryHandler<CaseViewQuery> {
  constructor(
    @Inject(TimelineApi) private readonly api: TimelineApi,
    @Inject(WEB_CONFIG) private readonly config: WebConfig,
  ) {}

  async execute({ accessToken, caseId, asAt }: CaseViewQuery): Promise<CasePage> {
    // the timeline first: its access check answers 403 for a case the caller's organisation is not involved in
    const business = asAt?.reading === 'business' ? asAt.date : undefined;
    const timeline = await this.api.timeline(accessToken, caseId, business ? nextDay(business) : undefined);
    let entries = timeline.entries as unknown as TimelineEntry[];
    let status: CaseStatusView;
    let recorded: { eventsReplayed: number; meaning: string } | undefined;
    if (asAt?.reading === 'recorded') {
      const until = endOfLondonDay(asAt.date);
      const audit = await this.auditAsOf(accessToken, caseId, until);
      recorded = { eventsReplayed: audit.eventsReplayed, meaning: audit.meaning };
      status = audit.statutory ?? { asOf: audit.asOfDate, caseStatus: audit.case.status, localAuthority: audit.case.responsibleLocalAuthority, deadlines: [], overdue: [] };
      entries = entries.filter((e) => e.recordedAt < until);
    } else {
      status = await this.api.status(accessToken, caseId, business);
    }
    const moves = assessmentMoves(entries) as AssessmentMove[];
    const clock = responsibleClock(status as unknown as ClockStatus, moves);
    return {
      entries: readableEntries(entries),
      entryCount: asAt ? entries.length : timeline.entryCount,
      more: timeline.nextCursor !== null,
      status,
      clock,
      stage: stageClock(status.caseStatus, status.weekOfProcess, status.asOf, clock.move),
      ...(asAt ? { asAt: { ...asAt, ...(recorded ?? {}) } } : { resumeToken: timeline.resumeToken, actions: { shareable: shareableAdvice(entries), earlyReviews: openEarlyReviews(entries), draftIssuedOn: draftIssuedOn(entries) } }),
    };
  }

  private async auditAsOf(accessToken: string, caseId: string, recordedAt: string): Promise<AuditAsOf> {
    if (!this.config.auditUrl) throw new TimelineRefused(503, 'This service is not connected to the audit service (AUDIT_URL), so the as-recorded reading is not available.');
    let res: Response;
    try {
      res = await fetch(`${this.config.auditUrl}/cases/${encodeURIComponent(caseId)}/as-of?recordedAt=${encodeURIComponent(recordedAt)}`, {
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' }, signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new TimelineRefused(503, `The audit service could not be reached (${(err as Error).message}).`);
    }
    const body = (await res.json().catch(() => ({}))) as AuditAsOf & { detail?: string };
    if (!res.ok) throw new TimelineRefused(res.status, body.detail ?? res.statusText);
    return body;
  }
}
