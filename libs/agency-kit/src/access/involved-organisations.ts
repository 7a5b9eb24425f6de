import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { isFamilyPrincipal, type Principal } from '@tio/auth';
import { londonDateOf } from '@tio/ehc-domain';
import { PG_POOL } from '@tio/service-kit';
import type { Pool } from 'pg';
import { familyAccessFromEvents } from '../family/family-advice-rule';
import { AGENCY_OPTIONS, type AdviceAccessPolicy, type AdviceKitOptions } from '../options';
import { poolSql, readModel } from '../read-model/read-model';

/** Why a caller may see a case in an agency service; undefined when they may not. */
export type AccessGround =
  | 'auditor'
  | 'service'
  | 'responsible-local-authority'
  | 'named-adviser'
  | 'advice-author'
  | 'agency-advice-request'
  | 'linked-family-member';

/**
 * The default access rule of an agency service (education, health, social care): who may read a case's advice
 * requests and advice, and write this agency's advice on it.
 *   - auditors read every case (they never write: the write routes refuse their role);
 *   - the service identity (internal calls) reads every case;
 *   - the local authority responsible for the case (its organisation id on the request) reads it;
 *   - an organisation that a request on the case names as adviser, or that already gave advice on it, reads it
 *     (tell it once: every agency involved sees what the others said), and writes it when that request or advice
 *     is this service's agency's;
 *   - any organisation of an agency while a request to that agency names no adviser and is unanswered (the agency
 *     decides who answers), as on the shared timeline.
 *   - a family member linked to the case who may see it (the domain's `familyAccessOf` over the case's published
 *     family events), on the routes made for the family (the AuthGuard keeps them from every other route); never to write.
 * Anyone else gets a 403 that does not reveal whether the case exists.
 */
@Injectable()
export class InvolvedOrganisationsAccess implements AdviceAccessPolicy {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(AGENCY_OPTIONS) private readonly options: AdviceKitOptions,
  ) {}

  async authorise(p: Principal, caseId: string, access: 'read' | 'write'): Promise<void> {
    if (await this.groundFor(p, caseId, access)) return;
    throw new ForbiddenException(
      `Your organisation (${p.organisationId}, ${p.agency}) is not involved in case ${caseId} at the ${this.options.agency} service: only the responsible local authority, ` +
        `the organisations a request names as adviser or that gave advice, and auditors may ${access === 'read' ? 'see it' : 'record advice on it'}.`,
    );
  }

  async groundFor(p: Principal, caseId: string, access: 'read' | 'write'): Promise<AccessGround | undefined> {
    if (isFamilyPrincipal(p)) {
      if (access !== 'read') return undefined;
      const events = await readModel.familyCaseEvents(poolSql(this.pool), caseId);
      return familyAccessFromEvents(events, p.userId, londonDateOf(new Date())).see ? 'linked-family-member' : undefined;
    }
    if (access === 'read' && p.roles.includes('auditor')) return 'auditor';
    if (p.roles.includes('service')) return 'service';
    const { rows } = await this.pool.query<{ ground: AccessGround }>(
      `SELECT 'responsible-local-authority' AS ground FROM agency_kit.cases WHERE case_id = $1 AND local_authority = $2 AND $3 = 'local-authority' AND $5 = 'read'
       UNION ALL SELECT 'named-adviser' FROM agency_kit.advice_requests WHERE case_id = $1 AND adviser_ref = $2 AND ($5 = 'read' OR agency = $4)
       UNION ALL SELECT 'advice-author' FROM agency_kit.advice_versions WHERE case_id = $1 AND organisation_ref = $2 AND ($5 = 'read' OR agency = $4)
       UNION ALL SELECT 'agency-advice-request' FROM agency_kit.advice_requests r WHERE r.case_id = $1 AND r.agency = $3 AND r.adviser_ref IS NULL AND ($5 = 'read' OR r.agency = $4)
         AND NOT EXISTS (SELECT 1 FROM agency_kit.advice_versions v WHERE v.advice_request_id = r.advice_request_id AND v.kind <> 'withdrawn')
       LIMIT 1`,
      [caseId, p.organisationId, p.agency, this.options.agency, access],
    );
    return rows[0]?.ground;
  }
}
