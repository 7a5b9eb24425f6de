import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { WebConfig } from '../config';
import { TimelineRefused } from '../timeline-api';
import { WEB_CONFIG } from '../tokens';
import type { ProblemDetails } from './advice-form';

export const ADVICE_AGENCIES = ['education', 'health', 'social-care'] as const;
export type AdviceAgency = (typeof ADVICE_AGENCIES)[number];
export const isAdviceAgency = (a: string): a is AdviceAgency => (ADVICE_AGENCIES as readonly string[]).includes(a);

/** One request of `GET /advice-requests` (the agency kit's worklist). */
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
  daysOverdue: number;
  ground: string;
  advice?: { adviceId: string; version: number; status: 'current' | 'withdrawn'; on: string };
}

/** One request of `GET /cases/:caseId/advice-requests`. */
export interface CaseAdviceRequest {
  adviceRequestId: string;
  caseId: string;
  assessmentId: string;
  adviceType: string;
  adviserRef?: string;
  requestedOn?: string;
  dueOn?: string;
  status: 'answered' | 'open';
  overdue: boolean;
  advice?: { adviceId: string; version: number; status: 'current' | 'withdrawn'; on: string };
}

export type CommandAnswer = { ok: true; status: number; body: Record<string, unknown> } | { ok: false; status: number; problem: ProblemDetails };

/**
 * The agency services' APIs (education, health, social care: the agency kit), called with the signed-in
 * practitioner's access token, so the service's own rules (involvement, writer roles, idempotency) apply as they
 * do for any system. Reads that are refused throw `TimelineRefused` (shown as the page the API's status calls for);
 * a refused command is answered with its Problem Details, for the form's error summary.
 */
@Injectable()
export class AgencyApi {
  constructor(@Inject(WEB_CONFIG) private readonly config: WebConfig) {}

  configured(agency: string): boolean {
    return isAdviceAgency(agency) && Boolean(this.config.agencyUrls[agency]);
  }

  private base(agency: AdviceAgency): string {
    const url = this.config.agencyUrls[agency];
    if (!url) throw new TimelineRefused(503, `This service is not connected to the ${agency} service (its URL is not configured).`);
    return url;
  }

  private async call(agency: AdviceAgency, path: string, accessToken: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${this.base(agency)}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) },
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      throw new TimelineRefused(503, `The ${agency} service could not be reached (${(err as Error).message}). Try again in a minute.`);
    }
    return { status: res.status, body: await res.json().catch(() => ({})) };
  }

  private async read<T>(agency: AdviceAgency, path: string, accessToken: string): Promise<T> {
    const { status, body } = await this.call(agency, path, accessToken);
    if (status !== 200) {
      const p = body as ProblemDetails;
      throw new TimelineRefused(status, p.detail ?? p.title ?? `The ${agency} service answered ${status}`);
    }
    return body as T;
  }

  worklist(agency: AdviceAgency, accessToken: string, all: boolean): Promise<{ asOf: string; organisationId: string; requests: WorklistItem[] }> {
    return this.read(agency, `/advice-requests${all ? '?status=all' : ''}`, accessToken);
  }

  caseRequests(agency: AdviceAgency, caseId: string, accessToken: string): Promise<{ caseId: string; requests: CaseAdviceRequest[] }> {
    return this.read(agency, `/cases/${encodeURIComponent(caseId)}/advice-requests`, accessToken);
  }

  /** Give, correct or withdraw: one POST with its Idempotency-Key (the form's, so a double submit records once). */
  async command(agency: AdviceAgency, path: string, body: Record<string, unknown>, accessToken: string, idempotencyKey: string = randomUUID()): Promise<CommandAnswer> {
    const { status, body: answer } = await this.call(agency, path, accessToken, { method: 'POST', body: JSON.stringify(body), headers: { 'idempotency-key': idempotencyKey } });
    return status < 300 ? { ok: true, status, body: answer as Record<string, unknown> } : { ok: false, status, problem: answer as ProblemDetails };
  }
}
