import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { WebConfig } from '../config';
import { TimelineRefused } from '../timeline-api';
import { WEB_CONFIG } from '../tokens';
import type { CommandAnswer } from '../worklist/agency-api';

/**
 * The case service's API (CASE_URL) for a case officer's commands, called with the signed-in practitioner's access
 * token: the case service decides who may (its roles, the local authority responsible) and answers a refusal with
 * Problem Details, which the form shows; only a service that cannot be reached is an error page.
 */
@Injectable()
export class CaseApi {
  constructor(@Inject(WEB_CONFIG) private readonly config: WebConfig) {}

  get configured(): boolean {
    return Boolean(this.config.caseUrl);
  }

  /**
   * One POST with the form's Idempotency-Key (made when the form was shown, so a double submit records once). The
   * form only needs to know the step was recorded (the page is shown afresh after it), so it asks for the minimal
   * answer, without the statutory status.
   */
  async command(path: string, body: Record<string, unknown>, accessToken: string, idempotencyKey: string = randomUUID()): Promise<CommandAnswer> {
    if (!this.config.caseUrl) throw new TimelineRefused(503, 'This service is not connected to the case service (CASE_URL is not set), so it cannot record this.');
    let res: Response;
    try {
      res = await fetch(`${this.config.caseUrl}${path}`, {
        method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(15_000),
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', 'content-type': 'application/json', 'idempotency-key': idempotencyKey, prefer: 'return=minimal' },
      });
    } catch (err) {
      throw new TimelineRefused(503, `The case service could not be reached (${(err as Error).message}). Try again in a minute.`);
    }
    const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    return res.status < 300 ? { ok: true, status: res.status, body: answer } : { ok: false, status: res.status, problem: answer };
  }
}

/** A case officer's command to the case service (share advice with the family, answer a request for an early review). */
export class CaseOfficerCommand extends Command<CommandAnswer> {
  constructor(readonly accessToken: string, readonly path: string, readonly body: Record<string, unknown>, readonly idempotencyKey: string) {
    super();
  }
}

@CommandHandler(CaseOfficerCommand)
export class CaseOfficerHandler implements ICommandHandler<CaseOfficerCommand> {
  constructor(@Inject(CaseApi) private readonly api: CaseApi) {}
  execute({ accessToken, path, body, idempotencyKey }: CaseOfficerCommand) {
    return this.api.command(path, body, accessToken, idempotencyKey);
  }
}
