import { ForbiddenException, type InjectionToken, type Provider } from '@nestjs/common';
import { CASE_SCOPE_CHECK, type CaseScopeCheck, type CaseScopedRequest, type Principal } from '@tio/auth';
import type { AccessLog } from './access-log';
import { invalidField } from './validation';

/** Why the caller may see the case (kept in the access log), or undefined when its organisation is not involved. */
export type InvolvementGround = Record<string, unknown> | undefined;

/** A service's involvement rule: who may see a case at all. */
export interface InvolvementRule {
  groundFor(principal: Principal, caseId: string): Promise<InvolvementGround>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const READS = new Set(['GET', 'HEAD']);

/**
 * The access-log name of a case-scoped route: the static segments after `:caseId`, `-write` for a write. E.g.
 * `GET /cases/:caseId/advice/:adviceType/history` is `advice-history`, `POST /cases/:caseId/advice` `advice-write`,
 * `GET /cases/:caseId` `case`.
 */
export function caseRouteAction(method: string, route: string): string {
  const after = route.split(':caseId')[1] ?? '';
  const name = after.split('/').filter((s) => s && !s.startsWith(':')).join('-') || 'case';
  return READS.has(method.toUpperCase()) ? name : `${name}-write`;
}

/**
 * The involvement rule applied to every case-scoped route (`CASE_SCOPE_CHECK`, run by the AuthGuard): the caller's
 * organisation is involved in the case, or it is refused with a 403 whose text depends only on the caller and the
 * id, so a refusal never tells whether the case exists. Every refusal, and every allowed read, is written to the
 * service's hash-chained access log (writes are recorded by the event store itself).
 */
export class InvolvementCheck implements CaseScopeCheck {
  constructor(
    private readonly service: string,
    private readonly rule: InvolvementRule,
    private readonly log: AccessLog,
  ) {}

  async check(p: Principal, request: CaseScopedRequest): Promise<void> {
    if (!UUID.test(request.caseId)) {
      throw invalidField('caseId', 'caseId must be a UUID');
    }
    const action = caseRouteAction(request.method, request.route);
    const record = (outcome: 'allowed' | 'denied', extra: Record<string, unknown>) =>
      this.log.record({
        userId: p.userId, organisationId: p.organisationId, agency: p.agency, roles: p.roles, action, caseId: request.caseId,
        detail: { outcome, route: `${request.method} ${request.route}`, ...(request.reason ? { reason: request.reason } : {}), ...extra },
      });
    const ground = await this.rule.groundFor(p, request.caseId);
    if (!ground) {
      await record('denied', { status: 403 });
      throw new ForbiddenException(
        `Your organisation (${p.organisationId}, ${p.agency}) is not involved in case ${request.caseId} at the ${this.service} service. ` +
          'Only organisations involved in a case, and auditors, may see it or act on it.',
      );
    }
    if (READS.has(request.method.toUpperCase())) await record('allowed', ground);
  }
}

/** Registers a service's involvement rule and access log as the rule of every case-scoped route. */
export function involvementCheckProvider(service: string, inject: [rule: InjectionToken, log: InjectionToken]): Provider {
  return {
    provide: CASE_SCOPE_CHECK,
    inject,
    useFactory: (rule: InvolvementRule, log: AccessLog) => new InvolvementCheck(service, rule, log),
  };
}
