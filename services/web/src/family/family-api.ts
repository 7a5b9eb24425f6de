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

  /** One family action at the case service, with the form's Idempotency-Key (a double submit records once). */
  async act(path: string, body: Record<string, unknown>, accessToken: string, idempotencyKey: string = randomUUID()): Promise<FamilyAnswer> {
    if (!this.config.caseUrl) throw new TimelineRefused(503, 'This service is not connected to the case service (CASE_URL is not set), so it cannot send what you enter.');
    const { status, body: answer } = await this.call(this.config.caseUrl, 'council’s case service', path, accessToken, { method: 'POST', body: JSON.stringify(body), headers: { 'idempotency-key': idempotencyKey } });
    return status < 300 ? { ok: true, status, body: answer as Record<string, unknown> } : { ok: false, status, problem: answer as ProblemDetails };
  }
}
