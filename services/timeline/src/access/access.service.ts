import { ForbiddenException, Inject, Injectable, NotFoundException, type OnModuleInit } from '@nestjs/common';
import { isFamilyPrincipal, type Principal } from '@tio/auth';
import { londonDateOf } from '@tio/ehc-domain';
import { familyAccessFromLinks } from '../family/family-access';
import { AccessLog, PG_POOL, ServiceMetrics, migrateAccessLog, type AccessLogEntry, type AccessLogTable } from '@tio/service-kit';
import type { Pool } from 'pg';
import { TimelineQueries } from '../read-model/timeline.queries';
import { RecentMemberships, membershipCacheMs } from './recent-memberships';

/**
 * The timeline's access log: hash-chained (service-kit AccessLog). The first, unchained table
 * `public.timeline_access_log` is no longer written; rows from before this log began stay there.
 */
export const TIMELINE_ACCESS_LOG: AccessLogTable = { table: 'timeline_case_access_log', migrationsTable: 'timeline_case_access_log_migrations' };

export type CaseAction = 'timeline' | 'status' | 'stream' | 'cases' | 'access-log' | 'family-timeline' | 'family-cases';

export const isAuditor = (p: Principal) => p.roles.includes('auditor');

/** Agencies whose practitioners may be reached by an advice request that names no organisation (README "Membership"). */
export const AGENCY_GRANT_AGENCIES: readonly string[] = ['education', 'health', 'social-care'];

/** The agency through which this caller may see cases that asked it for advice without naming an organisation, if any. */
export function agencyGrantAgency(p: Principal): string | undefined {
  return p.roles.includes('practitioner') && AGENCY_GRANT_AGENCIES.includes(p.agency) ? p.agency : undefined;
}

/**
 * Who may read a case: auditors every case; a family member a case they are linked to and may see (family_links,
 * ground `linked-family-member`); anyone else a case their organisation is involved in (case_members), and
 * a practitioner of education, health or social care a case with an open advice request to their agency that names no
 * organisation (README "Membership"). Every read, and every refusal, is written to the access log.
 */
@Injectable()
export class CaseAccess implements OnModuleInit {
  private readonly accessLog: AccessLog;
  private readonly memberships = new RecentMemberships(membershipCacheMs());
  constructor(
    @Inject(TimelineQueries) private readonly queries: TimelineQueries,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(ServiceMetrics) metrics: ServiceMetrics,
  ) {
    this.accessLog = new AccessLog(pool, TIMELINE_ACCESS_LOG, metrics.accessLog);
  }

  async onModuleInit(): Promise<void> {
    await migrateAccessLog(this.pool, TIMELINE_ACCESS_LOG);
  }

  /**
   * A read of the case that runs while the caller is authorised and the access-log entry commits (rather than after):
   * its data is returned only once both have succeeded. A refusal, or a log write that fails, throws, and whatever was
   * read is dropped unseen.
   */
  async authorisedRead<T>(principal: Principal, caseId: string, action: CaseAction, detail: Record<string, unknown>, read: () => Promise<T>): Promise<T> {
    const data = read();
    data.catch(() => undefined); // awaited below once access is granted; when refused, its outcome is of no interest
    await this.authorise(principal, caseId, action, detail);
    return data;
  }

  async authorise(principal: Principal, caseId: string, action: CaseAction, detail: Record<string, unknown> = {}): Promise<void> {
    const ground = await this.groundFor(principal, caseId);
    if (ground) {
      // agency-level access through an open advice request that names no organisation is marked in the log for auditors
      await this.log(principal, caseId, action, 'allowed', { ...detail, ...ground });
      if (isAuditor(principal) && !(await this.queries.caseInfo(caseId))) throw new NotFoundException(`No case ${caseId} in the timeline`);
      return;
    }
    await this.log(principal, caseId, action, 'denied', detail);
    // the same answer whether or not the case exists: a refusal must not reveal that a case exists
    if (isFamilyPrincipal(principal)) {
      throw new ForbiddenException(`You are not linked to case ${caseId}, or may no longer see it. Ask the council's SEND team to invite you.`);
    }
    throw new ForbiddenException(
      `Your organisation (${principal.organisationId}) is not involved in case ${caseId}. Practitioners see only the cases their organisation is involved in; ask the local authority SEND team to involve you.`,
    );
  }

  /** Why the caller may read the case now (the access-log detail), or undefined. Not logged: see authorise. */
  async groundFor(principal: Principal, caseId: string): Promise<Record<string, unknown> | undefined> {
    // a family member: linked to the case and allowed to see it by the domain's rule (familyAccessOf), nothing else
    if (isFamilyPrincipal(principal)) {
      const access = familyAccessFromLinks(await this.queries.familyLinks(caseId), principal.userId, londonDateOf(new Date()));
      return access.see ? { via: 'linked-family-member', relationship: access.relationship, act: access.act } : undefined;
    }
    if (isAuditor(principal)) return {};
    if (await this.isMember(caseId, principal.organisationId)) return {};
    const viaAgency = agencyGrantAgency(principal);
    const request = viaAgency ? await this.queries.openUnnamedAdviceRequest(caseId, viaAgency) : undefined;
    return request ? { via: 'agency-advice-request', adviceRequestId: request } : undefined;
  }

  /** The organisation is a member of the case (remembered a few seconds once seen: members are only ever added). */
  private async isMember(caseId: string, organisationId: string): Promise<boolean> {
    if (this.memberships.has(caseId, organisationId)) return true;
    const member = await this.queries.isMember(caseId, organisationId);
    if (member) this.memberships.add(caseId, organisationId);
    return member;
  }

  async log(principal: Principal, caseId: string | null, action: CaseAction, outcome: 'allowed' | 'denied', detail: Record<string, unknown> = {}): Promise<void> {
    await this.accessLog.record({
      userId: principal.userId, organisationId: principal.organisationId, agency: principal.agency, roles: principal.roles, caseId, action, detail: { outcome, ...detail },
    });
  }

  /** A case's reads, newest first, before the `beforeSeq` cursor. */
  async read(caseId: string, limit: number, beforeSeq?: number): Promise<AccessLogEntry[]> {
    return this.accessLog.list({ caseId, limit, beforeSeq, newestFirst: true });
  }

  verify() {
    return this.accessLog.verify();
  }
}
