import { ForbiddenException, Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type Caller } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { foldTransfer, responsibility, TRANSFER_KINDS } from '@tio/transfer-domain';
import { asTransferEvent, present } from './transfer-commands.service';
import { loadCase, transfersOf } from './transfer-reads';

/**
 * A case's transfers as at a day. Read rule (after the route's involvement check): auditors and services; otherwise
 * the case's LA or an organisation one of its transfers is between.
 */
export interface CaseTransfers {
  caseId: string;
  asOf: string;
  caseLocalAuthority: string | undefined;
  responsibleAsOf: Record<string, string | undefined>;
  transfers: ReturnType<typeof present>[];
}

export class ListTransfersQuery extends Query<CaseTransfers> {
  constructor(
    readonly caseId: string,
    readonly asOf: string,
    readonly caller: Caller,
  ) {
    super();
  }
}

@QueryHandler(ListTransfersQuery)
export class ListTransfersHandler implements IQueryHandler<ListTransfersQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ caseId, asOf, caller: p }: ListTransfersQuery): Promise<CaseTransfers> {
    const kase = await loadCase(this.store, caseId);
    const all = [...(await transfersOf(this.store, caseId)).values()];
    const privileged = p.roles.includes('auditor') || p.roles.includes('service');
    const parties = (es: (typeof all)[number]) => {
      const s = foldTransfer(es.map(asTransferEvent));
      return [s.fromOrganisation, s.toOrganisation];
    };
    const involved = p.organisationId === kase.localAuthority || all.some((es) => parties(es).includes(p.organisationId));
    if (!privileged && !involved) {
      throw new ForbiddenException(`only the organisations a transfer of case ${caseId} is between (or its LA) may see its transfers; the token is for ${p.organisationId}`);
    }
    const transfers = all.map((es) => present(es, asOf)).sort((a, b) => String(a.requestedOn).localeCompare(String(b.requestedOn)));
    // per kind, the one organisation responsible as at asOf, from the latest transfer of that kind requested by then
    const responsibleAsOf = Object.fromEntries(TRANSFER_KINDS.flatMap((kind) => {
      const ofKind = all.map((es) => es.map(asTransferEvent)).filter((es) => foldTransfer(es).kind === kind && !(foldTransfer(es).requestedOn! > asOf));
      const latest = ofKind.at(-1);
      return latest ? [[kind, responsibility(latest, asOf).organisation]] : [];
    }));
    return { caseId, asOf, caseLocalAuthority: kase.localAuthority, responsibleAsOf, transfers };
  }
}
