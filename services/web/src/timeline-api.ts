import { Inject, Injectable } from '@nestjs/common';
import type { ApiCase } from './caseload/caseload';
import type { WebConfig } from './config';
import { WEB_CONFIG } from './tokens';

/** The timeline service answered something other than 200: its status and message, for the page to say. */
export class TimelineRefused extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** A timeline entry as `GET /cases/:id/timeline` answers it (the fields the case page shows). */
export interface ApiEntry {
  id: string;
  kind: string;
  title: string;
  summary: string;
  agency: string;
  occurredAt: string;
  recordedAt: string;
  who: { userId: string; organisationId: string; agency: string; role: string };
  details?: Record<string, unknown>;
  source?: { type?: string } & Record<string, unknown>;
}

/**
 * The timeline service's API, called with the signed-in user's access token: the API applies its own access rule
 * and access log to every read, exactly as for a system calling with a bearer token.
 */
@Injectable()
export class TimelineApi {
  constructor(@Inject(WEB_CONFIG) private readonly config: WebConfig) {}

  private async get<T>(path: string, accessToken: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.config.timelineUrl}${path}`, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' }, signal: AbortSignal.timeout(15_000) });
    } catch (err) {
      throw new TimelineRefused(503, `The timeline service could not be reached (${(err as Error).message}). Try again in a minute.`);
    }
    const body = (await res.json().catch(() => ({}))) as { message?: unknown; detail?: unknown };
    if (!res.ok) {
      const message = typeof body.detail === 'string' ? body.detail : Array.isArray(body.message) ? body.message.join('; ') : typeof body.message === 'string' ? body.message : res.statusText;
      throw new TimelineRefused(res.status, message);
    }
    return body as T;
  }

  /** Every case the caller may see (the API's pages of 200, followed to the end), the clocks evaluated on `asOf`. */
  async cases(accessToken: string, asOf?: string): Promise<{ asOf: string; cases: ApiCase[] }> {
    const cases: ApiCase[] = [];
    let after: string | null = null;
    let day = asOf ?? '';
    for (let page = 0; page < 100; page++) {
      const q = new URLSearchParams({ limit: '200', ...(after ? { after } : {}), ...(asOf ? { asOf } : {}) });
      const answer: { asOf: string; cases: ApiCase[]; nextCursor: string | null } = await this.get(`/cases?${q}`, accessToken);
      cases.push(...answer.cases);
      day = answer.asOf;
      after = answer.nextCursor;
      if (!after) break;
    }
    return { asOf: day, cases };
  }

  /** The case's entries; `before` (YYYY-MM-DD, exclusive) keeps those that happened before that day. */
  async timeline(accessToken: string, caseId: string, before?: string): Promise<{ entryCount: number; entries: ApiEntry[]; nextCursor: string | null; resumeToken?: string }> {
    return this.get(`/cases/${encodeURIComponent(caseId)}/timeline?limit=500${before ? `&to=${before}` : ''}`, accessToken);
  }

  /** The statutory clock on `asOf` (YYYY-MM-DD; today in England when omitted): facts dated after it are ignored. */
  async status(accessToken: string, caseId: string, asOf?: string): Promise<CaseStatusView> {
    return this.get(`/cases/${encodeURIComponent(caseId)}/status${asOf ? `?asOf=${asOf}` : ''}`, accessToken);
  }

  /** The case's live stream (Server-Sent Events), opened with the user's token in the header: the token stays here. */
  async stream(accessToken: string, caseId: string, lastEventId: string | undefined, signal: AbortSignal): Promise<globalThis.Response> {
    return fetch(`${this.config.timelineUrl}/cases/${encodeURIComponent(caseId)}/timeline/stream`, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      signal,
    });
  }
}

export interface StatusDeadline {
  id: string;
  startsOn?: string;
  what: string;
  regulation: string;
  responsible: string;
  kind: string;
  dueOn: string;
  status: string;
  metOn?: string;
  daysLate?: number;
  pastExpected?: boolean;
}

/** `GET /cases/:id/status` (the fields the case page shows). */
export interface CaseStatusView {
  asOf: string;
  caseStatus: string;
  localAuthority?: string;
  requestReceivedOn?: string;
  weekOfProcess?: number;
  deadlines: StatusDeadline[];
  overdue: StatusDeadline[];
  next?: StatusDeadline;
  finalPlan?: StatusDeadline;
  decisionWhetherToIssue?: StatusDeadline;
}
