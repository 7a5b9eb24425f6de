import { Inject, Injectable } from '@nestjs/common';
import type { WebConfig } from '../config';
import { TimelineRefused } from '../timeline-api';
import { WEB_CONFIG } from '../tokens';
import type { ProblemDetails } from '../worklist/advice-form';
import type { AssessmentRequestBody } from './assessment-request-form';

export interface Council { code: string; name: string }

/** `GET /family/assessment-requests/form-token` of the case service. */
export interface RequestForm { formToken: string; notBefore: string; expiresAt: string; councils: Council[] }

export type RequestAnswer = { ok: true; reference: string; replayed: boolean } | { ok: false; status: number; problem: ProblemDetails };

/**
 * The case service's public request for an assessment (no account, so no token): load the form (its signed token and
 * the councils served), and send it with the form's Idempotency-Key.
 */
@Injectable()
export class PublicRequestApi {
  /** The councils from the last form loaded: a form shown again after an error keeps its token and needs no new one. */
  private councils: Council[] = [];

  constructor(@Inject(WEB_CONFIG) private readonly config: WebConfig) {}

  get lastCouncils(): Council[] {
    return this.councils;
  }

  private async call(path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
    if (!this.config.caseUrl) throw new TimelineRefused(503, 'This service is not connected to the council’s case service (CASE_URL is not set), so it cannot send a request.');
    let res: Response;
    try {
      res = await fetch(`${this.config.caseUrl}${path}`, {
        ...init,
        headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) },
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      throw new TimelineRefused(503, `The council’s case service could not be reached (${(err as Error).message}). Try again in a few minutes.`);
    }
    return { status: res.status, body: await res.json().catch(() => ({})) };
  }

  /** `clientAddress`: the family's address, forwarded so the case service's per-address limit counts each family apart (it believes it only from a peer in its TRUSTED_PROXIES). */
  async form(clientAddress?: string): Promise<RequestForm> {
    const { status, body } = await this.call('/family/assessment-requests/form-token', { headers: forwardedFor(clientAddress) });
    if (status !== 200) {
      const p = body as ProblemDetails;
      throw new TimelineRefused(status === 429 ? 429 : 503, status === 429 ? 'Too many people have opened this form from here in the last minute. Wait a minute and try again.' : (p.detail ?? 'The form could not be loaded. Try again in a few minutes.'));
    }
    const form = body as RequestForm;
    this.councils = form.councils;
    return form;
  }

  async send(request: AssessmentRequestBody, idempotencyKey: string, clientAddress?: string): Promise<RequestAnswer> {
    const { status, body } = await this.call('/family/assessment-requests', { method: 'POST', body: JSON.stringify(request), headers: { 'idempotency-key': idempotencyKey, ...forwardedFor(clientAddress) } });
    if (status < 300) {
      const answer = body as { reference: string; replayed?: boolean };
      return { ok: true, reference: answer.reference, replayed: Boolean(answer.replayed) };
    }
    return { ok: false, status, problem: body as ProblemDetails };
  }
}

function forwardedFor(clientAddress: string | undefined): Record<string, string> {
  return clientAddress ? { 'x-forwarded-for': clientAddress } : {};
}
