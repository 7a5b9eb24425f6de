import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { adviceDecider, adviceStreamName } from '@tio/advice-domain';
import { FAMILY_ORGANISATION, type Principal } from '@tio/auth';
import type { AdviceType, Agency } from '@tio/ehc-domain';
import { EVENT_STORE, KEY_STORE, loadState } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { revealValue, type KeyStore } from '@tio/personal-data';
import { loadOrganisationDirectory, PG_POOL, type OrganisationDirectory } from '@tio/service-kit';
import type { Pool } from 'pg';
import { AGENCY_OPTIONS, AGENCY_READ_MODEL, type AdviceKitOptions } from '../options';
import { poolSql, readModel, type Sql } from '../read-model/read-model';
import { familyAdviceCaseFacts, familyAdviceDecision } from './family-advice-rule';

/** One piece of this service's advice, as the family reads it. */
export interface FamilyAdviceItem {
  adviceId: string;
  agency: Agency;
  adviceType: AdviceType;
  /** Who gave it: the organisation's name from the directory (ORGANISATION_DIRECTORY), else what it is ("a health service"). */
  organisationName: string;
  /** The family gave it themselves (their own views, written at the family's pages). */
  byFamily: boolean;
  /** The day the advice was first given. */
  givenOn: string;
  /** The current version (1 = as first given). */
  version: number;
  /** given: as first given; corrected: a later version replaced it; withdrawn: the agency withdrew it. */
  status: 'given' | 'corrected' | 'withdrawn';
  /** The day of the current version (a correction's day, or the day given). */
  updatedOn: string;
  withdrawnOn?: string;
  /** The current version's sections; none once withdrawn (the text no longer stands). */
  sections: Array<{ heading: string; text: string }>;
  /** Why the family may read it now: their own views, sent with the draft plan (reg 13), or shared early by the council. */
  shownBecause: 'family-views' | 'advice-with-draft' | 'advice-shared-early';
}

export interface FamilyAdviceView {
  caseId: string;
  agency: Agency;
  advice: FamilyAdviceItem[];
}

/** This service's advice on the case that the family may read now (the route's caller passed the family-link check). */
export class GetFamilyAdviceQuery extends Query<FamilyAdviceView> {
  constructor(
    readonly caseId: string,
    readonly caller: Principal,
  ) {
    super();
  }
}

@QueryHandler(GetFamilyAdviceQuery)
export class GetFamilyAdviceHandler implements IQueryHandler<GetFamilyAdviceQuery, FamilyAdviceView> {
  private readonly sql: Sql;
  private readonly directory: OrganisationDirectory;

  constructor(
    @Inject(AGENCY_OPTIONS) private readonly options: AdviceKitOptions,
    @Inject(PG_POOL) pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
    @Inject(AGENCY_READ_MODEL) _readModel: unknown,
  ) {
    this.sql = poolSql(pool);
    // reference data: organisations by name (a bad file stops the start, as in the other services)
    this.directory = loadOrganisationDirectory();
  }

  async execute({ caseId }: GetFamilyAdviceQuery): Promise<FamilyAdviceView> {
    const agency = this.options.agency as Agency;
    const [events, summaries] = await Promise.all([readModel.familyCaseEvents(this.sql, caseId), readModel.adviceOnCase(this.sql, caseId)]);
    const facts = familyAdviceCaseFacts(events);
    const advice: FamilyAdviceItem[] = [];
    for (const summary of summaries.filter((a) => a.agency === agency)) {
      // the text, the marker and the author come from this service's own store (the read model keeps headings only)
      const stream = adviceStreamName({ caseId, assessmentId: summary.assessmentId ?? caseId, agency, adviceType: summary.adviceType as AdviceType });
      const { state } = await loadState(this.store, stream, adviceDecider);
      const latest = state.history.at(-1);
      if (!latest || latest.adviceId !== summary.adviceId) continue;
      const withdrawn = state.status === 'withdrawn';
      const decision = familyAdviceDecision(facts, { adviceId: summary.adviceId, adviceType: summary.adviceType, withheldReason: latest.withheldFromFamily?.reason, withdrawn });
      if (!decision.show) continue;
      const first = state.history.find((v) => v.adviceId === summary.adviceId) ?? latest;
      const sections = withdrawn ? [] : await Promise.all(latest.sections.map(async (s) => ({ heading: s.heading, text: String(await revealValue(s.text, caseId, this.keys)) })));
      advice.push({
        adviceId: summary.adviceId,
        agency,
        adviceType: summary.adviceType as AdviceType,
        organisationName: this.directory.describe(latest.by.organisationRef ?? '', agency),
        byFamily: latest.by.organisationRef === FAMILY_ORGANISATION,
        givenOn: first.on,
        version: latest.version,
        status: withdrawn ? 'withdrawn' : latest.kind === 'corrected' ? 'corrected' : 'given',
        updatedOn: latest.on,
        ...(withdrawn ? { withdrawnOn: state.withdrawals.at(-1)?.on } : {}),
        sections,
        shownBecause: decision.basis,
      });
    }
    return { caseId, agency, advice };
  }
}
