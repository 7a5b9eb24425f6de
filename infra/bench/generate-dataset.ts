/**
 * Synthetic, realistic dataset for the benchmarks (issue 9): EHC needs assessment cases at any size, as REAL domain
 * events produced by the deciders (`ehcCaseDecider`, `adviceDecider`) and appended through `PostgresEventStore` (hash
 * chain and all) to the services' own event stores: `case-<id>` streams in the case service's store, advice streams
 * (`adviceStreamName`) in the education / health / social-care stores, with the metadata the services write.
 *
 *   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register infra/bench/generate-dataset.ts --cases 5000
 *     (DATABASE_URL = a cluster URL; writes tio_case, tio_education, tio_health, tio_social_care)
 *
 * Proportions (national figures from /work/shared/DOMAIN.md, the rest stated assumptions):
 *   - 154,489 requests -> 97,747 new plans in 2024: 63.3% of requests end in a plan. Modelled as 25% refused at the
 *     decision to assess and 15.6% of assessments ending in a decision not to issue (0.75 x 0.844 = 0.633).
 *   - request source (DOMAIN.md names the sources, not their shares; assumed): parent 55%, school 35%, other 8%,
 *     young person 2%.
 *   - advice from three agencies per assessment (education, health, social care); about half late (after the 6-week
 *     reg 8 limit); 3% of requested advice never arrives; 10% of advice corrected once (a new version).
 *   - 46.4% of final plans within 20 weeks (2024); the rest late by 1-16 weeks.
 *   - 4% of issued plans transferred to another LA (reg 15) with the new LA's reassessment decision.
 *   - 20% of cases are still in progress (stopped at a random step), as in a live system.
 * Deterministic for a given --seed.
 */
import { randomUUID } from 'node:crypto';
import { eventIdFor } from '@tio/event-sourcing';
import { ehcCaseDecider, addDays, type EhcCommand, type EhcCaseState } from '@tio/ehc-domain';
import { adviceDecider, adviceStreamName, type AdviceCommand, type AdviceState } from '@tio/advice-domain';
import { PostgresEventStore, type Actor, type NewEvent } from '@tio/event-store';
import { ensureDatabase } from '@tio/local-infra';

export const DATASET_STORES = ['case', 'education', 'health', 'social-care'] as const;
export type StoreName = (typeof DATASET_STORES)[number];

export interface DatasetOptions {
  cases: number;
  seed?: number;
  /** Parallel case writers. */
  concurrency?: number;
  /** Local authorities the cases are spread over (ONS-style codes). */
  localAuthorities?: string[];
  onProgress?: (done: number, total: number) => void;
}

export interface DatasetStats {
  cases: number;
  events: Record<StoreName, number>;
  total: number;
  plans: number;
  refused: number;
  notIssued: number;
  inProgress: number;
  lateAdvice: number;
  advice: number;
  corrections: number;
  transfers: number;
  finalWithin20Weeks: number;
  bySource: Record<string, number>;
  seconds: number;
  caseIds: string[];
}

/** Small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SOURCES: Array<[string, number]> = [['parent', 0.55], ['school', 0.35], ['other', 0.08], ['young-person', 0.02]];
const AGENCY_ADVICE = [
  { agency: 'education' as const, adviceType: 'educational' as const, store: 'education' as StoreName, heading: 'Learning and cognition' },
  { agency: 'health' as const, adviceType: 'medical' as const, store: 'health' as StoreName, heading: 'Medical needs' },
  { agency: 'social-care' as const, adviceType: 'social-care' as const, store: 'social-care' as StoreName, heading: 'Social care needs' },
];

/** The events of one case, per store and stream, decided by the real deciders. */
export function synthesiseCase(rand: () => number, caseId: string, la: string, stats: DatasetStats): Map<StoreName, Map<string, NewEvent[]>> {
  const out = new Map<StoreName, Map<string, NewEvent[]>>(DATASET_STORES.map((s) => [s, new Map()]));
  const laActor: Actor = { userId: `caseworker-${Math.floor(rand() * 40)}`, organisationId: la, agency: 'local-authority', role: 'case-officer' };
  const correlationId = randomUUID();
  const push = (store: StoreName, stream: string, e: NewEvent) => {
    const streams = out.get(store) as Map<string, NewEvent[]>;
    (streams.get(stream) ?? streams.set(stream, []).get(stream) as NewEvent[]).push(e);
    stats.events[store]++;
    stats.total++;
  };
  const caseStream = `case-${caseId}`;
  let state: EhcCaseState = ehcCaseDecider.initialState();
  const ehc = (command: Omit<EhcCommand, 'caseId'>, actor: Actor, eventId: string = randomUUID(), causationId?: string): boolean => {
    let events;
    try {
      events = ehcCaseDecider.decide({ ...command, caseId } as EhcCommand, state);
    } catch {
      return false; // a rule the generator's random dates broke: the case simply stops there
    }
    events.forEach((e, i) => {
      state = ehcCaseDecider.evolve(state, e);
      push('case', caseStream, {
        type: e.type, data: e.data as unknown as Record<string, unknown>,
        metadata: { eventId: i === 0 ? eventId : randomUUID(), caseId, occurredAt: `${command.at}T10:00:00.000Z`, correlationId, causationId, actor },
      });
    });
    return true;
  };
  const pick = <T>(xs: Array<[T, number]>): T => {
    let r = rand();
    for (const [x, p] of xs) if ((r -= p) < 0) return x;
    return xs[xs.length - 1]?.[0] as T;
  };
  const stopAt = rand() < 0.2 ? Math.floor(rand() * 6) : 99; // in-progress cases stop at a random step
  const start = addDays('2024-01-08', Math.floor(rand() * 360));
  const source = pick(SOURCES);
  stats.bySource[source] = (stats.bySource[source] ?? 0) + 1;
  ehc({ type: 'ReceiveRequest', at: start, childRef: `child-${caseId.slice(0, 8)}`, localAuthority: la, source, requestedBy: { role: source === 'school' ? 'SENCO' : source } } as never, laActor);
  const done = (step: number) => {
    if (step >= stopAt) stats.inProgress++;
    return step >= stopAt;
  };
  if (done(0)) return out;
  const decisionDay = 20 + Math.floor(rand() * 22);
  if (rand() < 0.25) {
    ehc({ type: 'DecideNotToAssess', at: addDays(start, decisionDay) } as never, laActor);
    stats.refused++;
    return out;
  }
  const assessmentId = randomUUID();
  ehc({ type: 'DecideToAssess', at: addDays(start, decisionDay), assessmentId } as never, laActor);
  if (done(1)) return out;
  const askedOn = addDays(start, decisionDay + 1 + Math.floor(rand() * 3));
  let lastAdvice = askedOn;
  // reg 6(1): the scope of the advice; the educational psychologist's earlier report re-used by agreement (reg 6(4));
  // the family's views asked for and recorded through the family's caseworker
  ehc({ type: 'RecordAdviceScope', at: askedOn, inOrBeyondYear9: false, visionOrHearingImpaired: false } as never, laActor);
  ehc({ type: 'ReuseAdvice', at: askedOn, reuseId: randomUUID(), adviceType: 'psychological', agency: 'education', adviceId: randomUUID(), version: 1, agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true } } as never, laActor);
  const viewsRequestId = randomUUID();
  ehc({ type: 'RequestAdvice', at: askedOn, adviceRequestId: viewsRequestId, adviceType: 'parent-views', agency: 'local-authority' } as never, laActor);
  ehc({ type: 'RecordAdviceReceived', at: addDays(askedOn, 14), adviceRequestId: viewsRequestId, adviceId: randomUUID(), version: 1, agency: 'local-authority' } as never, laActor);
  const neverArrived: string[] = [];
  for (const a of AGENCY_ADVICE) {
    const adviceRequestId = randomUUID();
    const adviserOrg = `${a.agency}-org-${Math.floor(rand() * 200)}`;
    ehc({ type: 'RequestAdvice', at: askedOn, adviceRequestId, adviceType: a.adviceType, agency: a.agency, adviserRef: adviserOrg } as never, laActor);
    if (rand() < 0.03) {
      neverArrived.push(adviceRequestId); // never arrives: the LA goes on without it once its 6 weeks are over (reg 8(1))
      continue;
    }
    stats.advice++;
    const late = rand() < 0.5;
    if (late) stats.lateAdvice++;
    const answerDay = late ? 43 + Math.floor(rand() * 35) : 10 + Math.floor(rand() * 32);
    const answeredOn = addDays(askedOn, answerDay);
    if (answeredOn > lastAdvice) lastAdvice = answeredOn;
    const adviser: Actor = { userId: `${a.agency}-user-${Math.floor(rand() * 500)}`, organisationId: adviserOrg, agency: a.agency, role: 'practitioner' };
    const key = { caseId, assessmentId, agency: a.agency, adviceType: a.adviceType };
    const stream = adviceStreamName(key);
    let adviceState: AdviceState = adviceDecider.initialState();
    const adviceId = `adv-${randomUUID().slice(0, 12)}`;
    const advise = (cmd: AdviceCommand, on: string, version: number) => {
      const [e] = adviceDecider.decide(cmd, adviceState);
      if (!e) return;
      adviceState = adviceDecider.evolve(adviceState, e);
      const eventId = randomUUID();
      push(a.store, stream, { type: e.type, data: e.data as unknown as Record<string, unknown>, metadata: { eventId, caseId, occurredAt: `${on}T14:00:00.000Z`, correlationId: randomUUID(), actor: adviser } });
      // the case service's advice intake records it on the case under idempotency key `ce:<event id>`
      ehc({ type: 'RecordAdviceReceived', at: on, adviceRequestId, adviceId, version, agency: a.agency } as never, adviser, eventIdFor(`case:${adviser.organisationId}`, `ce:${eventId}`, 0), eventId);
    };
    const base = { ...key, at: answeredOn, by: { userRef: adviser.userId, organisationRef: adviserOrg } };
    advise({ ...base, type: 'SubmitAdvice', idempotencyKey: randomUUID(), adviceId, request: { ...key, adviceRequestId }, sections: [{ heading: a.heading, text: 'x'.repeat(300 + Math.floor(rand() * 1500)) }] } as AdviceCommand, answeredOn, 1);
    if (rand() < 0.1) {
      stats.corrections++;
      const on = addDays(answeredOn, 3 + Math.floor(rand() * 10));
      if (on > lastAdvice) lastAdvice = on;
      advise({ ...base, at: on, type: 'CorrectAdvice', idempotencyKey: randomUUID(), reason: 'typo in the provision section', sections: [{ heading: a.heading, text: 'y'.repeat(400) }] } as AdviceCommand, on, 2);
    }
  }
  if (done(2)) return out;
  if (rand() < 0.156) {
    ehc({ type: 'DecideNotToIssue', at: addDays(lastAdvice, 7) } as never, laActor);
    stats.notIssued++;
    return out;
  }
  // final plan within 20 weeks (140 days) for 46.4%, otherwise 1-16 weeks late; the draft at least 15 days + consultation before
  const within = rand() < 0.464;
  const finalDay = within ? 110 + Math.floor(rand() * 30) : 141 + Math.floor(rand() * 112);
  const finalOn = addDays(start, Math.max(finalDay, 0));
  const draftOn = [addDays(finalOn, -30), addDays(lastAdvice, 2)].sort()[1] as string;
  const planId = randomUUID();
  const final = draftOn > addDays(finalOn, -30) ? addDays(draftOn, 30) : finalOn;
  if (neverArrived.length) ehc({ type: 'ProceedWithoutAdvice', at: draftOn, adviceRequestIds: neverArrived, reason: 'adviser-did-not-respond' } as never, laActor);
  ehc({ type: 'IssueDraftPlan', at: draftOn, planId } as never, laActor);
  if (done(3)) return out;
  const setting = `school-urn-${100000 + Math.floor(rand() * 20000)}`;
  ehc({ type: 'RecordFamilyResponse', at: addDays(draftOn, 10), preferredSettingRef: setting } as never, laActor);
  const consultationId = randomUUID();
  ehc({ type: 'ConsultSetting', at: addDays(draftOn, 11), consultationId, settingRef: setting } as never, laActor);
  if (done(4)) return out;
  ehc({ type: 'RecordSettingResponse', at: addDays(draftOn, 20), consultationId, canMeetNeeds: true } as never, laActor);
  if (!ehc({ type: 'IssueFinalPlan', at: final, planId, namedSettingRef: setting } as never, laActor)) return out;
  stats.plans++;
  if (final <= addDays(start, 140)) stats.finalWithin20Weeks++;
  if (done(5)) return out;
  if (rand() < 0.04) {
    const transferId = randomUUID();
    const learned = addDays(final, 60 + Math.floor(rand() * 200));
    const to = `E0${Math.floor(6000000 + rand() * 999999)}`;
    if (ehc({ type: 'NotifyTransfer', at: learned, transferId, toLocalAuthority: to, moveOn: addDays(learned, 28) } as never, laActor)) {
      stats.transfers++;
      ehc({ type: 'TransferPlan', at: addDays(learned, 28), transferId } as never, laActor);
      ehc({ type: 'DecideReassessmentAfterTransfer', at: addDays(learned, 60), transferId, willReassess: rand() < 0.2 } as never, { ...laActor, organisationId: to });
    }
  }
  return out;
}

/** Writes `cases` synthetic cases into the four event stores (URLs by store name). */
export async function generateDataset(urls: Record<StoreName, string>, options: DatasetOptions): Promise<DatasetStats> {
  const started = Date.now();
  const rand = prng(options.seed ?? 2024);
  const las = options.localAuthorities ?? ['E10000028', 'E08000025', 'E09000033', 'E06000023', 'E10000016'];
  const stores = Object.fromEntries(await Promise.all(DATASET_STORES.map(async (s) => [s, await PostgresEventStore.create({ connectionString: urls[s], poolSize: 6 })] as const))) as Record<StoreName, PostgresEventStore>;
  const stats: DatasetStats = {
    cases: 0, events: { case: 0, education: 0, health: 0, 'social-care': 0 }, total: 0, plans: 0, refused: 0, notIssued: 0, inProgress: 0,
    lateAdvice: 0, advice: 0, corrections: 0, transfers: 0, finalWithin20Weeks: 0, bySource: {}, seconds: 0, caseIds: [],
  };
  try {
    let next = 0;
    await Promise.all(Array.from({ length: options.concurrency ?? 6 }, async () => {
      while (next < options.cases) {
        const i = next++;
        const caseId = randomUUID();
        const perStore = synthesiseCase(rand, caseId, las[i % las.length] as string, stats);
        stats.cases++;
        stats.caseIds.push(caseId);
        // agency stores first: the case store's "advice received" follows the advice, as in production
        for (const store of ['education', 'health', 'social-care', 'case'] as StoreName[]) {
          for (const [stream, events] of perStore.get(store) ?? []) await stores[store].appendToStream(stream, events);
        }
        if (stats.cases % 250 === 0) options.onProgress?.(stats.cases, options.cases);
      }
    }));
  } finally {
    await Promise.all(Object.values(stores).map((s) => s.close()));
  }
  stats.seconds = (Date.now() - started) / 1000;
  return stats;
}

if (require.main === module) {
  const arg = (name: string, dflt: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? (process.argv[i + 1] as string) : dflt;
  };
  const cluster = process.env['DATABASE_URL'];
  if (!cluster) {
    console.error('DATABASE_URL (a PostgreSQL cluster URL) is required; the stores go to tio_case, tio_education, tio_health, tio_social_care');
    process.exit(2);
  }
  (async () => {
    const urls = {} as Record<StoreName, string>;
    for (const s of DATASET_STORES) urls[s] = await ensureDatabase(cluster, `tio_${s.replace(/-/g, '_')}`);
    const stats = await generateDataset(urls, { cases: Number(arg('cases', '1000')), seed: Number(arg('seed', '2024')), onProgress: (d, t) => console.error(`${d}/${t} cases`) });
    const { caseIds: _ids, ...summary } = stats;
    console.log(JSON.stringify(summary, null, 2));
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
