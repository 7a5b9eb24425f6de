import { ChronologyError, DomainError, isIsoDate, type IsoDate } from '@tio/ehc-domain';
import type { Decider } from '@tio/event-sourcing';
import type { Author } from '@tio/advice-domain';

/**
 * The school's graduated response for a pupil on SEN support (SEND Code of Practice 6.44-6.56): cycles of
 * assess, plan, do, review. It is the school's own evidence for an EHC needs assessment request and for its
 * educational advice, recorded as events per pupil per school, never overwritten.
 */
export const STEPS = ['assess', 'plan', 'do', 'review'] as const;
export type Step = (typeof STEPS)[number];
export const REVIEW_OUTCOMES = ['continue', 'request-ehc-assessment', 'sen-support-ended'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export interface StepRecordedV1 {
  schoolUrn: string;
  childRef: string;
  cycle: number;
  step: Step;
  on: IsoDate;
  summary: string;
  /** References to the school's own evidence (assessment results, provision maps, review notes). */
  evidenceRefs: string[];
  outcome?: ReviewOutcome;
  by: Author;
}
export type EducationEvent = { type: 'education.graduated-response-step-recorded.v1'; data: StepRecordedV1 };

export interface RecordStep {
  type: 'RecordStep';
  schoolUrn: string;
  childRef: string;
  step: Step;
  on: IsoDate;
  summary: string;
  evidenceRefs: string[];
  outcome?: ReviewOutcome;
  by: Author;
}

export interface Cycle {
  cycle: number;
  steps: StepRecordedV1[];
  status: 'open' | 'reviewed';
  outcome?: ReviewOutcome;
}
export interface GraduatedResponseState {
  cycles: Cycle[];
}

export class GraduatedResponseOrderError extends DomainError {
  readonly code = 'graduated-response-order';
}
export class InvalidGraduatedResponseStepError extends DomainError {
  readonly code = 'invalid-graduated-response-step';
}

export const graduatedResponseStream = (schoolUrn: string, childRef: string) => `education-${schoolUrn}.${childRef}`;

/** The step a pupil's record expects next: assess starts a cycle; plan, do, review follow in order. */
export function nextStep(state: GraduatedResponseState): Step {
  const open = state.cycles.find((c) => c.status === 'open');
  return open ? STEPS[open.steps.length] : 'assess';
}

export const graduatedResponseDecider: Decider<GraduatedResponseState, RecordStep, EducationEvent> = {
  initialState: () => ({ cycles: [] }),
  evolve: (s, { data: e }) => {
    if (e.step === 'assess') return { cycles: [...s.cycles, { cycle: e.cycle, steps: [e], status: 'open' }] };
    return {
      cycles: s.cycles.map((c) => (c.cycle !== e.cycle ? c : { ...c, steps: [...c.steps, e], ...(e.step === 'review' ? { status: 'reviewed' as const, outcome: e.outcome } : {}) })),
    };
  },
  decide: (c, s) => {
    if (!isIsoDate(c.on)) throw new InvalidGraduatedResponseStepError(`on must be a date YYYY-MM-DD, got ${c.on}`);
    const expected = nextStep(s);
    if (c.step !== expected) {
      throw new GraduatedResponseOrderError(`the graduated response expects "${expected}" next, not "${c.step}" (assess, plan, do, review)`, { expected, given: c.step });
    }
    if (c.step === 'review' && !c.outcome) throw new InvalidGraduatedResponseStepError(`a review records its outcome (${REVIEW_OUTCOMES.join(', ')})`);
    if (c.step !== 'review' && c.outcome) throw new InvalidGraduatedResponseStepError('only a review has an outcome');
    const last = s.cycles[s.cycles.length - 1];
    const previous = last?.steps[last.steps.length - 1];
    if (previous && c.on < previous.on) throw new ChronologyError(`${c.step} on ${c.on} cannot precede ${previous.step} on ${previous.on}`);
    const cycle = c.step === 'assess' ? s.cycles.length + 1 : last.cycle;
    return [{
      type: 'education.graduated-response-step-recorded.v1',
      data: { schoolUrn: c.schoolUrn, childRef: c.childRef, cycle, step: c.step, on: c.on, summary: c.summary, evidenceRefs: c.evidenceRefs, outcome: c.outcome, by: c.by },
    }];
  },
};
