import type { CommandBus } from '@nestjs/cqrs';
import type { Principal } from '@tio/auth';
import { idempotencyKeyOf, newIdFor, requestContext } from '@tio/event-sourcing';
import { londonDateOf, type EhcCommand } from '@tio/ehc-domain';
import { PREFERENCE_APPLIED, prefersMinimalReturn } from '@tio/service-kit';
import type { Request } from 'express';
import { CaseCommand, caseCommandResult, type CaseCommandResult } from '../case-aggregate';

/** A request after the correlation middleware has named it. */
export type CorrelatedRequest = Request & { correlationId?: string };

/** The date a step happened: as given, or today in England. */
export function stepDate(at: string | undefined, now: Date = new Date()): string {
  return at ?? londonDateOf(now);
}

/** The id of something a command creates when the body does not name it: a retry with the same key names the same. */
export function newId(req: CorrelatedRequest, p: Principal, what: string): string {
  return newIdFor(what, idempotencyKeyOf(req), p.organisationId);
}

/**
 * Runs one case command through the command pipeline and answers what every case write answers. `Prefer:
 * return=minimal` (RFC 7240) leaves the statutory status out: an agency system recording a step reads the clock
 * elsewhere (GET /cases/:caseId, the timeline), and the status is the larger part of the answer and of its cost.
 */
export async function runCaseCommand(commands: CommandBus, command: EhcCommand, principal: Principal, req: CorrelatedRequest): Promise<CaseCommandResult> {
  const result = await commands.execute(new CaseCommand(command, principal, requestContext(command.caseId, principal, req)));
  if (!prefersMinimalReturn(req)) return caseCommandResult(command.caseId, result, stepDate(undefined));
  req.res?.setHeader(PREFERENCE_APPLIED, 'return=minimal');
  return caseCommandResult(command.caseId, result, undefined);
}
