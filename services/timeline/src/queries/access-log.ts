import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '@tio/auth';
import type { AccessLogVerification } from '@tio/service-kit';
import { CaseAccess } from '../access/access.service';

export interface AccessLogPage {
  caseId: string;
  entries: Array<{
    id: string;
    at: string;
    who: { userId: string; organisationId: string; agency: string; roles: string[] };
    action: string;
    outcome: unknown;
    detail: Record<string, unknown>;
    previousHash: string | null;
    hash: string;
  }>;
  nextCursor: string | null;
  verification: AccessLogVerification;
}

/** Who read a case, newest first, before the `beforeSeq` cursor, with the verification of the whole chain. Reading it is logged. */
export class ReadAccessLogQuery extends Query<AccessLogPage> {
  constructor(
    readonly principal: Principal,
    readonly caseId: string,
    readonly limit: number,
    readonly beforeSeq: number | undefined,
  ) {
    super();
  }
}

@QueryHandler(ReadAccessLogQuery)
export class ReadAccessLogHandler implements IQueryHandler<ReadAccessLogQuery> {
  constructor(@Inject(CaseAccess) private readonly access: CaseAccess) {}

  async execute({ principal, caseId, limit, beforeSeq }: ReadAccessLogQuery): Promise<AccessLogPage> {
    await this.access.log(principal, caseId, 'access-log', 'allowed');
    const [rows, verification] = await Promise.all([this.access.read(caseId, limit + 1, beforeSeq), this.access.verify()]);
    const page = rows.slice(0, limit);
    return {
      caseId,
      entries: page.map((r) => {
        const { outcome, ...detail } = r.detail;
        return {
          id: String(r.seq), at: r.at, who: { userId: r.userId, organisationId: r.organisationId, agency: r.agency, roles: r.roles },
          action: r.action, outcome, detail, previousHash: r.previousHash, hash: r.hash,
        };
      }),
      nextCursor: rows.length > limit ? String(page[page.length - 1].seq) : null,
      verification,
    };
  }
}
