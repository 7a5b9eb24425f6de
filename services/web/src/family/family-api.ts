import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { WebConfig } from '../config';
import { TimelineRefused } from '../timeline-api';
import { WEB_CONFIG } from '../tokens';
import type { ProblemDetails } from '../worklist/advice-form';

export interface FamilyDeadline { id: string; dueOn: string; responsible: string; who: string; status: string; daysLate?: number; text: string }

/** `GET /cases/:caseId/family-timeline` of the timeline service. */
export interface FamilyTimelineView {
  caseId: string;
  asOf: string;
  stage: { status: string; text: string };
  weekOfProcess: number | null;
  next: FamilyDeadline | null;
  due: FamilyDeadline[];
  late: FamilyDeadline[];
  entries: Array<{ id: string; kind: string; on: string; date: string; who: string; text: string }>;
  people: Array<{ agency: string; who: string }>;
  organisations?: Array<{ agency: string; name: string }>;
  earlyReviews?: Array<{ requestedOn: string; status: string; text: string }>;
  you?: { relationship: string | null; mayAct: boolean; why: string };
}

export interface FamilyPlanSection {
  section: string;
  text?: string;
  items?: Array<{ itemId: string; text: string; needIds?: string[] }>;
  settingRef?: string;
  /** Section I's school or college by name (ORGANISATION_DIRECTORY), else "a school (reference ...)": the case service words it. */
  settingName?: string;
  settingType?: string;
  adviceIds?: string[];
}

/** `GET /cases/:caseId/family/plan` of the case service. */
export interface FamilyPlanAnswer {
  caseId: string;
  plan?: {
    stage: 'draft' | 'final' | 'amended';
    version?: number;
    issuedOn: string;
    sections: FamilyPlanSection[];
    draft?: { commentsDueOn: string; openForComments: boolean; responded: boolean; respondedOn?: string };
  };
}

/** One piece of advice as an advice service's `GET /cases/:caseId/family/advice` answers it (libs/agency-kit). */
export interface FamilyAdviceItem {
  adviceId: string;
  agency: string;
  adviceType: string;
  organisationName: string;
  byFamily?: boolean;
  givenOn: string;
  version: number;
  status: 'given' | 'corrected' | 'withdrawn';
  updatedOn: string;
  withdrawnOn?: string;
  sections: Array<{ heading: string; text: string }>;
  shownBecause: 'family-views' | 'advice-with-draft' | 'advice-shared-early';
}

/** What one advice service answered: its advice, or why it could not say (refused, or not reached). */
export type FamilyAdviceSource = { source: string; ok: true; advice: FamilyAdviceItem[] } | { source: string; ok: false; status: number };

/** `GET /cases/:caseId/family/early-review-requests` of the case service: each request and the council's answer. */
export interface FamilyEarlyReviewsAnswer {
  caseId: string;
  earlyReviews: Array<{
    earlyReviewRequestId: string;
    requestedBy: string;
    requestedOn: string;
    status: 'waiting' | 'agreed' | 'declined';
    answeredOn?: string;
    meetingOn?: string;
    reasons?: string;
    reasonsErased?: boolean;
  }>;
}

export interface FamilyCase { caseId: string; relationship: string | null; mayAct: boolean; stage: string; overdueCount: number }

export type FamilyAnswer = { ok: true; status: number; body: Record<string, unknown> } | { ok: false; status: number; problem: ProblemDetails };

/**
 * The family's reads (the timeline service's family routes) and actions (the case service's family routes), called
 * with the signed-in family member's access token: each service's own rule decides what they may see and do.
 */
@Injectable()
export class FamilyApi {
  constructor(@Inject(WEB_CONFIG) private readonly config: WebConfig) {}

  get canAct(): boolean {
    return Boolean(this.config.caseUrl);
  }

  /** Whether any service that holds advice is connected (the case service, or an agency service). */
  get canReadAdvice(): boolean {
    return Boolean(this.config.caseUrl) || Object.keys(this.config.agencyUrls).length > 0;
  }

  private async call(base: string, what: string, path: string, accessToken: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) },
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      throw new TimelineRefused(503, `The ${what} could not be reached (${(err as Error).message}). Try again in a minute.`);
    }
    return { status: res.status, body: await res.json().catch(() => ({})) };
  }

  private async read<T>(path: string, accessToken: string, base = this.config.timelineUrl, what = 'case record'): Promise<T> {
    const { status, body } = await this.call(base, what, path, accessToken);
    if (status !== 200) {
      const p = body as ProblemDetails;
      throw new TimelineRefused(status, p.detail ?? p.title ?? `The case record answered ${status}`);
    }
    return body as T;
  }

  cases(accessToken: string): Promise<{ asOf: string; cases: FamilyCase[] }> {
    return this.read('/family/cases', accessToken);
  }

  timeline(accessToken: string, caseId: string): Promise<FamilyTimelineView> {
    return this.read(`/cases/${encodeURIComponent(caseId)}/family-timeline`, accessToken);
  }

  /** The plan now (`GET /cases/:caseId/family/plan` of the case service): the draft while they comment, then the final plan. */
  plan(accessToken: string, caseId: string): Promise<FamilyPlanAnswer> {
    if (!this.config.caseUrl) throw new TimelineRefused(503, 'This service is not connected to the case service (CASE_URL is not set), so it cannot show the plan.');
    return this.read(`/cases/${encodeURIComponent(caseId)}/family/plan`, accessToken, this.config.caseUrl, 'council’s case service');
  }

  /**
   * The advice the family may read now, from every service that holds advice (`GET /cases/:caseId/family/advice`):
   * the case service (the family's own views) and each agency service (education, health, social care). Each service
   * decides by its own rule; one that refuses or cannot be reached is reported, the others still shown. When every
   * service refuses, the member is not linked to the case (or may no longer see it): a refusal.
   */
  async advice(accessToken: string, caseId: string): Promise<FamilyAdviceSource[]> {
    const bases: Array<[string, string]> = [
      ...(this.config.caseUrl ? [['local-authority', this.config.caseUrl] as [string, string]] : []),
      ...(Object.entries(this.config.agencyUrls) as Array<[string, string]>),
    ];
    if (!bases.length) throw new TimelineRefused(503, 'This service is not connected to the services that hold the advice, so it cannot show it.');
    const path = `/cases/${encodeURIComponent(caseId)}/family/advice`;
    const answers = await Promise.all(bases.map(async ([source, base]): Promise<FamilyAdviceSource> => {
      try {
        const { status, body } = await this.call(base, 'advice service', path, accessToken);
        if (status === 200) return { source, ok: true, advice: (body as { advice?: FamilyAdviceItem[] }).advice ?? [] };
        return { source, ok: false, status };
      } catch (err) {
        return { source, ok: false, status: err instanceof TimelineRefused ? err.status : 503 };
      }
    }));
    const statuses = answers.map((a) => (a.ok ? 200 : a.status));
    if (statuses.every((s) => s === 401 || s === 403)) {
      throw new TimelineRefused(statuses.includes(401) ? 401 : 403, 'You are not linked to this case, or may no longer see it. Ask the council’s SEND team to invite you.');
    }
    return answers;
  }

  /** The requests for an early review and the council's answers, with its reasons when it said no (the case service). */
  earlyReviews(accessToken: string, caseId: string): Promise<FamilyEarlyReviewsAnswer> {
    if (!this.config.caseUrl) throw new TimelineRefused(503, 'This service is not connected to the case service (CASE_URL is not set), so it cannot show the council’s answers.');
    return this.read(`/cases/${encodeURIComponent(caseId)}/family/early-review-requests`, accessToken, this.config.caseUrl, 'council’s case service');
  }

  /** One family action at the case service, with the form's Idempotency-Key (a double submit records once). */
  async act(path: string, body: Record<string, unknown>, accessToken: string, idempotencyKey: string = randomUUID()): Promise<FamilyAnswer> {
    if (!this.config.caseUrl) throw new TimelineRefused(503, 'This service is not connected to the case service (CASE_URL is not set), so it cannot send what you enter.');
    const { status, body: answer } = await this.call(this.config.caseUrl, 'council’s case service', path, accessToken, { method: 'POST', body: JSON.stringify(body), headers: { 'idempotency-key': idempotencyKey } });
    return status < 300 ? { ok: true, status, body: answer as Record<string, unknown> } : { ok: false, status, problem: answer as ProblemDetails };
  }
}
