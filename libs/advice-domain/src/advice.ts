import { createHash } from 'node:crypto';
import { agencyMayGive, ADVICE_TYPE_RULES, DomainError, isIsoDate, type AdviceType, type Agency, type IsoDate } from '@tio/ehc-domain';

/**
 * "Tell it once" for the agency services: one advice stream per (case, assessment, agency, advice type). An agency
 * submits its advice once; a correction is a new version that supersedes the old one (the old stays in history);
 * retries with the same idempotency key record nothing twice; advice cites other advice by id instead of copying it.
 */

export interface AdviceSection {
  heading: string;
  text: string;
}
/** A reference to advice given elsewhere (e.g. the EP's report cited by the school) instead of a copy of it. */
export interface Citation {
  adviceId: string;
  version?: number;
  agency?: Agency;
}
/**
 * The lawful grounds on which an agency may keep its advice from the family (Data Protection Act 2018, Sch 3: the
 * serious harm test for health and social work data, and information about other people). Advice so marked is never
 * shown in the family's view; the reason stays in the practitioners' timeline. Everything else the family sees with
 * the draft plan (SEND Regulations 2014, reg 13).
 */
export const WITHHOLDING_REASONS = ['serious-harm', 'third-party-information', 'safeguarding-enquiry'] as const;
export type WithholdingReason = (typeof WITHHOLDING_REASONS)[number];
export const WITHHOLDING_REASON_LABELS: Record<WithholdingReason, string> = {
  'serious-harm': 'sharing it would be likely to cause serious harm to the physical or mental health of the child or another person',
  'third-party-information': 'it would identify another person who has not agreed to it being shared',
  'safeguarding-enquiry': 'it is part of a safeguarding enquiry that sharing would prejudice',
};
export interface WithheldFromFamily {
  reason: WithholdingReason;
}

/** Who did it: opaque references, never names. */
export interface Author {
  userRef: string;
  organisationRef?: string;
}
/** What the agency service knows about the case's request for this advice (from the case events it consumed). */
export interface AdviceRequestFacts {
  caseId: string;
  assessmentId: string;
  adviceRequestId: string;
  agency: Agency;
  adviceType: AdviceType;
}

export interface AdviceStreamKey {
  caseId: string;
  assessmentId: string;
  agency: Agency;
  adviceType: AdviceType;
}
export function adviceStreamName(k: AdviceStreamKey): string {
  return `advice-${k.caseId}-${k.assessmentId}-${k.agency}-${k.adviceType}`;
}

interface CommandBase extends AdviceStreamKey {
  /** The same key on a retry (HTTP Idempotency-Key header or Kafka message key) records nothing twice. */
  idempotencyKey: string;
  at: IsoDate;
  by: Author;
}
export interface SubmitAdvice extends CommandBase {
  type: 'SubmitAdvice';
  adviceId: string;
  /** The case's request for this advice, as the service knows it; absent when the case never asked. */
  request?: AdviceRequestFacts;
  sections: AdviceSection[];
  citations?: Citation[];
  /** Not for the family's view, and why (absent: the family sees it with the draft plan). */
  withheldFromFamily?: WithheldFromFamily;
}
export interface CorrectAdvice extends CommandBase {
  type: 'CorrectAdvice';
  /** Optimistic check: the version being corrected. */
  correctsVersion?: number;
  reason: string;
  sections: AdviceSection[];
  citations?: Citation[];
  /** Not for the family's view, and why; the latest version decides. */
  withheldFromFamily?: WithheldFromFamily;
}
export interface WithdrawAdvice extends CommandBase {
  type: 'WithdrawAdvice';
  reason: string;
}
export type AdviceCommand = SubmitAdvice | CorrectAdvice | WithdrawAdvice;

interface EventBase extends AdviceStreamKey {
  adviceRequestId: string;
  adviceId: string;
  version: number;
  by: Author;
  idempotencyKey: string;
  /** Hash of the command's content: a retry with the same key must carry the same content. */
  fingerprint: string;
}
export interface AdviceSubmittedV1 extends EventBase {
  submittedOn: IsoDate;
  sections: AdviceSection[];
  citations: Citation[];
  withheldFromFamily?: WithheldFromFamily;
}
export interface AdviceCorrectedV1 extends EventBase {
  supersedesVersion: number;
  correctedOn: IsoDate;
  reason: string;
  sections: AdviceSection[];
  citations: Citation[];
  withheldFromFamily?: WithheldFromFamily;
}
export interface AdviceWithdrawnV1 extends EventBase {
  withdrawnOn: IsoDate;
  reason: string;
}
export interface AdviceEventDataMap {
  'advice.submitted.v1': AdviceSubmittedV1;
  'advice.corrected.v1': AdviceCorrectedV1;
  'advice.withdrawn.v1': AdviceWithdrawnV1;
}
export type AdviceEventType = keyof AdviceEventDataMap;
export type AdviceEvent = { [K in AdviceEventType]: { type: K; data: AdviceEventDataMap[K] } }[AdviceEventType];

/** Every advice event type (the list the contracts library documents). */
export const ADVICE_EVENT_TYPES: ReadonlyArray<{ type: AdviceEventType; summary: string; regulation: string }> = [
  { type: 'advice.submitted.v1', summary: 'An agency gave its advice for an EHC needs assessment (version 1).', regulation: 'SEND Regulations 2014 reg 6(1), 8' },
  { type: 'advice.corrected.v1', summary: 'An agency corrected its advice: a new version supersedes the old, which stays in the history.', regulation: 'reg 8' },
  { type: 'advice.withdrawn.v1', summary: 'An agency withdrew its advice.', regulation: 'reg 8' },
];

// ---- errors -------------------------------------------------------------------------------------------------------
export class InvalidAdviceError extends DomainError {
  readonly code = 'invalid-advice';
}
/** Medical advice only from health, educational/psychological/vision-hearing only from education, and so on. */
export class AgencyCannotGiveAdviceError extends DomainError {
  readonly code = 'agency-cannot-give-advice';
}
export class AdviceNotRequestedError extends DomainError {
  readonly code = 'advice-not-requested';
}
export class AdviceAlreadySubmittedError extends DomainError {
  readonly code = 'advice-already-submitted';
}
export class AdviceNotSubmittedError extends DomainError {
  readonly code = 'advice-not-submitted';
}
export class AdviceWithdrawnError extends DomainError {
  readonly code = 'advice-withdrawn';
}
export class StaleAdviceVersionError extends DomainError {
  readonly code = 'stale-advice-version';
}
export class CorrectionWithoutChangeError extends DomainError {
  readonly code = 'correction-without-change';
}
export class InvalidCitationError extends DomainError {
  readonly code = 'invalid-citation';
}
/** The same idempotency key was used with different content. */
export class WrongAdviceStreamError extends DomainError {
  readonly code = 'wrong-advice-stream';
}

// ---- state --------------------------------------------------------------------------------------------------------
export interface AdviceVersion {
  version: number;
  adviceId: string;
  on: IsoDate;
  by: Author;
  kind: 'submitted' | 'corrected';
  reason?: string;
  sections: AdviceSection[];
  citations: Citation[];
  withheldFromFamily?: WithheldFromFamily;
  supersededOn?: IsoDate;
}
export interface AdviceState {
  status: 'empty' | 'submitted' | 'withdrawn';
  key?: AdviceStreamKey;
  adviceRequestId?: string;
  /** The current advice (and after a withdrawal, the last one). */
  adviceId?: string;
  version: number;
  /** Every version ever recorded, oldest first, with who/when/why: nothing is overwritten. */
  history: AdviceVersion[];
  withdrawals: Array<{ adviceId: string; version: number; on: IsoDate; by: Author; reason: string }>;
}

export function initialAdviceState(): AdviceState {
  return { status: 'empty', version: 0, history: [], withdrawals: [] };
}

export function evolveAdvice(state: AdviceState, event: AdviceEvent): AdviceState {
  const d = event.data;
  const key: AdviceStreamKey = { caseId: d.caseId, assessmentId: d.assessmentId, agency: d.agency, adviceType: d.adviceType };
  const supersede = (h: AdviceVersion[], on: IsoDate) => h.map((v) => (v.supersededOn ? v : { ...v, supersededOn: on }));
  switch (event.type) {
    case 'advice.submitted.v1': {
      const e = event.data;
      return {
        ...state, status: 'submitted', key, adviceRequestId: e.adviceRequestId, adviceId: e.adviceId, version: e.version,
        history: [...supersede(state.history, e.submittedOn), { version: e.version, adviceId: e.adviceId, on: e.submittedOn, by: e.by, kind: 'submitted', sections: e.sections, citations: e.citations, ...(e.withheldFromFamily ? { withheldFromFamily: e.withheldFromFamily } : {}) }],
      };
    }
    case 'advice.corrected.v1': {
      const e = event.data;
      return {
        ...state, version: e.version,
        history: [...supersede(state.history, e.correctedOn), { version: e.version, adviceId: e.adviceId, on: e.correctedOn, by: e.by, kind: 'corrected', reason: e.reason, sections: e.sections, citations: e.citations, ...(e.withheldFromFamily ? { withheldFromFamily: e.withheldFromFamily } : {}) }],
      };
    }
    case 'advice.withdrawn.v1': {
      const e = event.data;
      return { ...state, status: 'withdrawn', withdrawals: [...state.withdrawals, { adviceId: e.adviceId, version: e.version, on: e.withdrawnOn, by: e.by, reason: e.reason }] };
    }
  }
}

/** The current version of the advice, if any. */
export function currentAdvice(state: AdviceState): AdviceVersion | undefined {
  return state.status === 'submitted' ? state.history[state.history.length - 1] : undefined;
}

// ---- decide -------------------------------------------------------------------------------------------------------
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The content of a command, without its date (a retry comes later) or its key: what must match on a retry. */
export function fingerprint(command: AdviceCommand): string {
  const { at: _at, idempotencyKey: _k, ...content } = command;
  return createHash('sha256').update(canonical(content)).digest('hex');
}

/**
 * Is this command a retry of the one that recorded these events (found by their key-derived ids)? The same content,
 * whatever its date: the command pipeline asks this instead of deciding again, so a retry the next day still replays.
 */
export function isRetryOfAdvice(command: AdviceCommand, earlier: ReadonlyArray<{ data: unknown }>): boolean {
  return earlier.length > 0 && (earlier[0].data as { fingerprint?: string }).fingerprint === fingerprint(command);
}

/** The marker as the event carries it (absent when not given); an unknown reason is refused. */
function withheldOf(w: WithheldFromFamily | undefined): { withheldFromFamily?: WithheldFromFamily } {
  if (w === undefined) return {};
  if (!w || !WITHHOLDING_REASONS.includes(w.reason)) throw new InvalidAdviceError(`withheldFromFamily.reason must be one of ${WITHHOLDING_REASONS.join(', ')}`);
  return { withheldFromFamily: { reason: w.reason } };
}

function validateContent(sections: AdviceSection[], citations: Citation[], ownAdviceId: string | undefined): void {
  if (!Array.isArray(sections)) throw new InvalidAdviceError('sections must be a list');
  for (const s of sections) if (!s || typeof s.heading !== 'string' || !s.heading.trim() || typeof s.text !== 'string') throw new InvalidAdviceError('each section needs a heading and text');
  if (sections.length === 0 && citations.length === 0) throw new InvalidAdviceError('advice needs at least one section or one citation');
  const seen = new Set<string>();
  for (const c of citations) {
    if (!c || typeof c.adviceId !== 'string' || !c.adviceId.trim()) throw new InvalidCitationError('a citation names the advice it cites by id');
    if (c.adviceId === ownAdviceId) throw new InvalidCitationError('advice cannot cite itself');
    if (seen.has(c.adviceId)) throw new InvalidCitationError(`advice ${c.adviceId} is cited twice`);
    if (c.version !== undefined && (!Number.isInteger(c.version) || c.version < 1)) throw new InvalidCitationError('a cited version is a positive integer');
    seen.add(c.adviceId);
  }
}

export function decideAdvice(command: AdviceCommand, state: AdviceState): AdviceEvent[] {
  for (const f of ['caseId', 'assessmentId', 'idempotencyKey'] as const) {
    if (typeof command[f] !== 'string' || !command[f].trim()) throw new InvalidAdviceError(`${f} is required`);
  }
  if (!isIsoDate(command.at)) throw new InvalidAdviceError(`at must be a date YYYY-MM-DD, got ${JSON.stringify(command.at)}`);
  if (!command.by?.userRef) throw new InvalidAdviceError('by.userRef is required');
  if (!ADVICE_TYPE_RULES[command.adviceType]) throw new InvalidAdviceError(`unknown advice type ${command.adviceType}`);

  // A retry of a command already handled never reaches here: the command pipeline recognises it by its event ids.
  const fp = fingerprint(command);
  // SEND Regulations 2014 reg 6(1): each kind of advice comes from its own adviser.
  if (!agencyMayGive(command.agency, command.adviceType)) {
    const givenBy = ADVICE_TYPE_RULES[command.adviceType].givenBy;
    throw new AgencyCannotGiveAdviceError(`${command.agency} cannot give ${command.adviceType} advice (${ADVICE_TYPE_RULES[command.adviceType].regulation}: given by ${Array.isArray(givenBy) ? givenBy.join(', ') : givenBy})`, { agency: command.agency, adviceType: command.adviceType });
  }
  if (state.key && adviceStreamName(state.key) !== adviceStreamName(command)) {
    throw new WrongAdviceStreamError(`Command for ${adviceStreamName(command)} sent to ${adviceStreamName(state.key)}`);
  }
  const streamKey: AdviceStreamKey = { caseId: command.caseId, assessmentId: command.assessmentId, agency: command.agency, adviceType: command.adviceType };
  const base = { ...streamKey, by: { ...command.by }, idempotencyKey: command.idempotencyKey, fingerprint: fp };

  switch (command.type) {
    case 'SubmitAdvice': {
      const r = command.request;
      // reg 6-8: advice is given because the LA asked for it, for this case, assessment, agency and type.
      if (!r) throw new AdviceNotRequestedError(`Case ${command.caseId} has not asked ${command.agency} for ${command.adviceType} advice`);
      const mismatch = (['caseId', 'assessmentId', 'agency', 'adviceType'] as const).filter((f) => r[f] !== command[f]);
      if (mismatch.length) throw new AdviceNotRequestedError(`The case's request ${r.adviceRequestId} does not match this advice (${mismatch.join(', ')})`, { mismatch });
      if (state.status === 'submitted') throw new AdviceAlreadySubmittedError(`Advice ${state.adviceId} version ${state.version} is already recorded; correct it instead`, { adviceId: state.adviceId, version: state.version });
      if (typeof command.adviceId !== 'string' || !command.adviceId.trim()) throw new InvalidAdviceError('adviceId is required');
      if (state.history.some((v) => v.adviceId === command.adviceId)) throw new AdviceWithdrawnError(`Advice ${command.adviceId} was withdrawn; a new submission needs a new advice id`);
      const citations = command.citations ?? [];
      validateContent(command.sections, citations, command.adviceId);
      const withheld = withheldOf(command.withheldFromFamily);
      return [{
        type: 'advice.submitted.v1',
        data: { ...base, adviceRequestId: r.adviceRequestId, adviceId: command.adviceId, version: state.version + 1, submittedOn: command.at, sections: command.sections.map((s) => ({ ...s })), citations: citations.map((c) => ({ ...c })), ...withheld },
      }];
    }
    case 'CorrectAdvice': {
      if (state.status === 'empty') throw new AdviceNotSubmittedError('There is no advice to correct');
      if (state.status === 'withdrawn') throw new AdviceWithdrawnError(`Advice ${state.adviceId} was withdrawn`);
      if (command.correctsVersion !== undefined && command.correctsVersion !== state.version) {
        throw new StaleAdviceVersionError(`Correcting version ${command.correctsVersion} but the current version is ${state.version}`, { current: state.version });
      }
      if (typeof command.reason !== 'string' || !command.reason.trim()) throw new InvalidAdviceError('a correction says why (reason)');
      const citations = command.citations ?? [];
      validateContent(command.sections, citations, state.adviceId);
      const current = currentAdvice(state) as AdviceVersion;
      const withheld = withheldOf(command.withheldFromFamily);
      if (canonical(current.sections) === canonical(command.sections) && canonical(current.citations) === canonical(citations)
        && canonical(current.withheldFromFamily ?? null) === canonical(withheld.withheldFromFamily ?? null)) {
        throw new CorrectionWithoutChangeError('The correction changes nothing');
      }
      return [{
        type: 'advice.corrected.v1',
        data: {
          ...base, adviceRequestId: state.adviceRequestId as string, adviceId: state.adviceId as string, version: state.version + 1, supersedesVersion: state.version,
          correctedOn: command.at, reason: command.reason, sections: command.sections.map((s) => ({ ...s })), citations: citations.map((c) => ({ ...c })), ...withheld,
        },
      }];
    }
    case 'WithdrawAdvice': {
      if (state.status === 'empty') throw new AdviceNotSubmittedError('There is no advice to withdraw');
      if (state.status === 'withdrawn') throw new AdviceWithdrawnError(`Advice ${state.adviceId} was already withdrawn`);
      if (typeof command.reason !== 'string' || !command.reason.trim()) throw new InvalidAdviceError('a withdrawal says why (reason)');
      return [{ type: 'advice.withdrawn.v1', data: { ...base, adviceRequestId: state.adviceRequestId as string, adviceId: state.adviceId as string, version: state.version, withdrawnOn: command.at, reason: command.reason } }];
    }
  }
}

/** The advice decider (Emmett style); structurally an `@tio/event-sourcing` Decider. */
export const adviceDecider = { decide: decideAdvice, evolve: evolveAdvice, initialState: initialAdviceState };
