import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '@tio/auth';
import { AuditService } from '../audit.service';
import type { DriftReport } from '../drift/drift';
import type { IntegrityReport } from '../integrity/integrity';

/** Verifies the hash chain and head of every stream in every event store, or (with a case) of the streams holding it. */
export class VerifyIntegrityQuery extends Query<IntegrityReport> {
  constructor(
    readonly who: Principal,
    readonly caseId: string | null,
  ) {
    super();
  }
}

@QueryHandler(VerifyIntegrityQuery)
export class VerifyIntegrityHandler implements IQueryHandler<VerifyIntegrityQuery> {
  constructor(private readonly audit: AuditService) {}

  async execute({ who, caseId }: VerifyIntegrityQuery): Promise<IntegrityReport> {
    await this.audit.recordAccess(who, 'integrity', caseId);
    return this.audit.integrity(caseId ?? undefined);
  }
}

/** The timeline read model of a case compared with its replayed history. */
export class CaseDriftQuery extends Query<DriftReport> {
  constructor(
    readonly who: Principal,
    readonly caseId: string,
  ) {
    super();
  }
}

@QueryHandler(CaseDriftQuery)
export class CaseDriftHandler implements IQueryHandler<CaseDriftQuery> {
  constructor(private readonly audit: AuditService) {}

  async execute({ who, caseId }: CaseDriftQuery): Promise<DriftReport> {
    await this.audit.recordAccess(who, 'drift', caseId);
    return this.audit.drift(caseId);
  }
}
