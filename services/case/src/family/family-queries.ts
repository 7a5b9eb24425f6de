import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE } from '@tio/event-sourcing';
import type { EventStore, RecordedEvent } from '@tio/event-store';
import { CaseNotFoundError, familyAccessOf, londonDateOf, replay, statutoryStatus, type EhcCaseState, type EhcEvent } from '@tio/ehc-domain';
import { OrganisationDirectory } from '@tio/service-kit';
import { caseStream } from '../case-aggregate';
import { familyEarlyReviews, type FamilyEarlyReview } from './family-early-reviews';
import { familyPlan, type FamilyPlan } from './family-plan';

export interface FamilyContribution {
  what: string;
  on: string;
  by: string;
  details?: Record<string, unknown>;
}

const RELATIONSHIP_WORDS: Record<string, string> = { parent: 'a parent', carer: 'a carer', 'young-person': 'the young person' };

/** Who recorded an event, as the family reading it should see it: themselves, another family member, the council. */
function byWhom(event: RecordedEvent, state: EhcCaseState, reader: string): string {
  const actor = event.metadata.actor;
  if (actor.agency === 'family') {
    if (actor.userId === reader) return 'you';
    if (actor.userId.startsWith('public-request')) return 'the family (request sent online)';
    const relationship = state.family?.members[actor.userId]?.relationship
      ?? Object.values(state.family?.invitations ?? {}).find((i) => i.linkedSubject === actor.userId)?.relationship;
    return relationship ? RELATIONSHIP_WORDS[relationship] : 'a family member';
  }
  return actor.agency === 'local-authority' ? 'the council, for the family' : `${actor.agency} (${actor.organisationId})`;
}

/** What the family have said and asked on the case, oldest first: plain words, no event names, no internal codes. */
export function familyContributions(events: readonly RecordedEvent[], state: EhcCaseState, reader: string): FamilyContribution[] {
  const out: FamilyContribution[] = [];
  const parentViewsRequests = new Set(Object.values(state.adviceRequests).filter((r) => r.adviceType === 'parent-views').map((r) => r.adviceRequestId));
  for (const e of events) {
    const d = e.data as Record<string, unknown>;
    const by = byWhom(e, state, reader);
    const add = (what: string, on: unknown, details?: Record<string, unknown>) => out.push({ what, on: String(on), by, ...(details && Object.keys(details).length ? { details } : {}) });
    switch (e.type) {
      case 'ehc.request-received.v1':
        if (d['source'] === 'parent' || d['source'] === 'young-person') add('Asked for an EHC needs assessment', d['receivedOn']);
        break;
      case 'ehc.advice-received.v1':
        if (parentViewsRequests.has(String(d['adviceRequestId']))) add(Number(d['version']) > 1 ? 'Changed their views (Section A)' : 'Gave their views (Section A)', d['receivedOn'], { version: d['version'] });
        break;
      case 'ehc.family-response-received.v1':
        add('Responded to the draft plan', d['receivedOn'], {
          ...(d['preferredSettingRef'] ? { schoolAskedFor: d['preferredSettingRef'] } : {}),
          ...(d['meetingRequested'] ? { meetingAskedFor: true } : {}),
          ...(d['nothingMoreToSay'] ? { nothingMoreToSay: true } : {}),
          ...(typeof d['comments'] === 'string' ? { comments: d['comments'] } : {}),
        });
        break;
      case 'ehc.family-advice-asked.v1':
        add('Asked the council to get advice from someone they named', d['askedOn'], { adviser: d['adviser'] });
        break;
      case 'ehc.reassessment-requested.v1':
        if (d['requestedBy'] === 'parent-or-young-person') add('Asked for a reassessment', d['receivedOn']);
        break;
      case 'ehc.early-review-requested.v1':
        if (d['requestedBy'] === 'parent-or-young-person') add('Asked for an early review of the plan', d['requestedOn']);
        break;
      case 'ehc.young-person-rights-recorded.v1':
        if (e.metadata.actor.agency === 'family') add('Chose what their parents may see and do', d['recordedOn'], { parentAccess: d['parentAccess'] });
        break;
      default:
        break;
    }
  }
  return out;
}

export interface CasePerson {
  who: string;
  role: string;
  canSee: boolean;
  mustActNext?: Array<{ what: string; dueOn: string; status: string }>;
}

const ROLE_OF_RESPONSIBLE: Record<string, string> = {
  'local-authority': 'Council SEND team', education: 'School or educational psychology service', health: 'NHS', 'social-care': 'Social care', other: 'Other adviser',
  family: 'Your family', setting: 'School or college',
};

/**
 * Everyone the case service knows to be involved and what each must do next: the council responsible, the agencies
 * asked for advice, the schools consulted or named, the NHS commissioning bodies, and the family members linked (by
 * relationship, never by name). Open and overdue statutory deadlines say who must act next.
 */
export function casePeople(state: EhcCaseState, today: string, reader: string): CasePerson[] {
  const status = statutoryStatus(state, today);
  const pending = status.deadlines.filter((d) => d.status === 'open' || d.status === 'overdue');
  const next = (responsible: string) => pending.filter((d) => d.responsible === responsible).map((d) => ({ what: d.what, dueOn: d.dueOn, status: d.status }));
  const people: CasePerson[] = [];
  const push = (p: CasePerson) => people.push(p.mustActNext && p.mustActNext.length === 0 ? { who: p.who, role: p.role, canSee: p.canSee } : p);
  if (state.localAuthority) push({ who: state.localAuthority, role: 'Council SEND team (responsible for the case)', canSee: true, mustActNext: next('local-authority') });
  const agencies = new Map<string, Set<string>>();
  for (const r of Object.values(state.adviceRequests)) {
    if (r.agency === 'local-authority') continue;
    agencies.set(r.agency, (agencies.get(r.agency) ?? new Set()).add(r.adviceType));
  }
  for (const [agency, types] of agencies) {
    push({ who: agency, role: `${ROLE_OF_RESPONSIBLE[agency] ?? agency}: asked for ${[...types].join(', ')} advice`, canSee: true, mustActNext: next(agency) });
  }
  const settings = new Set([...Object.values(state.consultations).map((c) => c.settingRef), ...(state.namedSettingRef ? [state.namedSettingRef] : [])]);
  for (const s of settings) push({ who: s, role: s === state.namedSettingRef ? 'School or college named in the plan' : 'School or college asked whether it can meet the needs', canSee: true });
  for (const c of Object.values(state.commissioningChanges)) push({ who: c.newCommissioningBodyRef, role: 'NHS commissioning body', canSee: true });
  const familyNext = next('family').concat(next('parent-or-young-person'));
  for (const [subject, m] of Object.entries(state.family?.members ?? {})) {
    const access = familyAccessOf(state, subject, today);
    const who = subject === reader ? 'you' : RELATIONSHIP_WORDS[m.relationship];
    push({ who, role: `Family (${m.relationship.replace('-', ' ')})`, canSee: access.see, ...(access.act ? { mustActNext: familyNext } : {}) });
  }
  return people;
}

/** The family's contributions to one case, for a family member who may see it (the route's involvement check ran). */
export class GetFamilyContributionsQuery extends Query<FamilyContribution[]> {
  constructor(readonly caseId: string, readonly reader: string) {
    super();
  }
}

export class GetCasePeopleQuery extends Query<CasePerson[]> {
  constructor(readonly caseId: string, readonly reader: string) {
    super();
  }
}

async function readCase(store: EventStore, caseId: string): Promise<{ events: RecordedEvent[]; state: EhcCaseState }> {
  const events = await store.readStream(caseStream(caseId));
  const state = replay(events.map((e) => ({ type: e.type, data: e.data }) as EhcEvent));
  if (state.status === 'none') throw new CaseNotFoundError(caseId);
  return { events, state };
}

@QueryHandler(GetFamilyContributionsQuery)
export class GetFamilyContributionsHandler implements IQueryHandler<GetFamilyContributionsQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ caseId, reader }: GetFamilyContributionsQuery): Promise<FamilyContribution[]> {
    const { events, state } = await readCase(this.store, caseId);
    return familyContributions(events, state, reader);
  }
}

@QueryHandler(GetCasePeopleQuery)
export class GetCasePeopleHandler implements IQueryHandler<GetCasePeopleQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ caseId, reader }: GetCasePeopleQuery): Promise<CasePerson[]> {
    const { state } = await readCase(this.store, caseId);
    return casePeople(state, londonDateOf(new Date()), reader);
  }
}

/** The case state for the family routes (their involvement check ran; the LA-only read rule of GetCaseQuery does not apply). */
export class GetFamilyCaseQuery extends Query<{ state: EhcCaseState }> {
  constructor(readonly caseId: string) {
    super();
  }
}

@QueryHandler(GetFamilyCaseQuery)
export class GetFamilyCaseHandler implements IQueryHandler<GetFamilyCaseQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ caseId }: GetFamilyCaseQuery): Promise<{ state: EhcCaseState }> {
    const { state } = await readCase(this.store, caseId);
    return { state };
  }
}


/** The plan now, for a family member who may see the case (the route's involvement check ran): see familyPlan. */
export class GetFamilyPlanQuery extends Query<FamilyPlan | undefined> {
  constructor(readonly caseId: string) {
    super();
  }
}

@QueryHandler(GetFamilyPlanQuery)
export class GetFamilyPlanHandler implements IQueryHandler<GetFamilyPlanQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(OrganisationDirectory) private readonly organisations: OrganisationDirectory) {}

  async execute({ caseId }: GetFamilyPlanQuery): Promise<FamilyPlan | undefined> {
    const { state } = await readCase(this.store, caseId);
    return familyPlan(state, londonDateOf(new Date()), this.organisations);
  }
}

/** The requests for an early review and the council's answers, for a family member who may see the case: see familyEarlyReviews. */
export class GetFamilyEarlyReviewsQuery extends Query<FamilyEarlyReview[]> {
  constructor(readonly caseId: string) {
    super();
  }
}

@QueryHandler(GetFamilyEarlyReviewsQuery)
export class GetFamilyEarlyReviewsHandler implements IQueryHandler<GetFamilyEarlyReviewsQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ caseId }: GetFamilyEarlyReviewsQuery): Promise<FamilyEarlyReview[]> {
    const { events } = await readCase(this.store, caseId);
    return familyEarlyReviews(events);
  }
}

export const FAMILY_QUERY_HANDLERS = [GetFamilyContributionsHandler, GetCasePeopleHandler, GetFamilyCaseHandler, GetFamilyPlanHandler, GetFamilyEarlyReviewsHandler];
