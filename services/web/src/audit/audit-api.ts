import { Inject, Injectable } from '@nestjs/common';
import type { WebConfig } from '../config';
import { WEB_CONFIG } from '../tokens';

/** The audit service answered something other than 2xx (or could not be reached): its status and reason, for the page. */
export class AuditRefused extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** An export as the audit service answered it, passed on to the browser unchanged. */
export interface AuditDownload {
  contentType: string;
  disposition?: string;
  body: Buffer;
}

/**
 * The audit service's API, called with the signed-in auditor's access token: the audit service checks the role and
 * writes its access log for every read of a case, exactly as for any other caller with a bearer token.
 */
@Injectable()
export class AuditApi {
  constructor(@Inject(WEB_CONFIG) private readonly config: WebConfig) {}

  private async call(path: string, accessToken: string, accept: string): Promise<Response> {
    if (!this.config.auditUrl) throw new AuditRefused(503, 'The audit service is not configured for this web service (AUDIT_URL is not set).');
    let res: Response;
    try {
      res = await fetch(`${this.config.auditUrl}${path}`, { headers: { authorization: `Bearer ${accessToken}`, accept }, signal: AbortSignal.timeout(60_000) });
    } catch (err) {
      throw new AuditRefused(503, `The audit service could not be reached (${(err as Error).message}). Try again in a minute.`);
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { detail?: unknown; errors?: Array<{ field: string; reasons: string[] }> };
      const fields = body.errors?.map((e) => `${e.field}: ${e.reasons.join(', ')}`).join('; ');
      throw new AuditRefused(res.status, fields || (typeof body.detail === 'string' ? body.detail : res.statusText));
    }
    return res;
  }

  async get<T>(path: string, accessToken: string): Promise<T> {
    return (await (await this.call(path, accessToken, 'application/json')).json()) as T;
  }

  /** An export (CSV, the printable report), as bytes with the audit service's content type and file name. */
  async download(path: string, accessToken: string, accept: string): Promise<AuditDownload> {
    const res = await this.call(path, accessToken, accept);
    const disposition = res.headers.get('content-disposition') ?? undefined;
    return { contentType: res.headers.get('content-type') ?? accept, ...(disposition ? { disposition } : {}), body: Buffer.from(await res.arrayBuffer()) };
  }
}
