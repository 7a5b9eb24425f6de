import { daysBetween, isAfter, type IsoDate } from '../calendar';
import type { Responsible } from '../case/advice-types';
import type { ExceptionLimit, ExceptionRecordedV1 } from '../case/events';
import { exceptionDefect, excusedUntil } from '../case/exceptions';
import type { EhcCaseState } from '../case/state';
import type { AppliedException, Deadline, DeadlineStatus, DeadlineStep } from './statutory-clock';

export const onOrBefore = (d: IsoDate | undefined, asOf: IsoDate): IsoDate | undefined => (d && !isAfter(d, asOf) ? d : undefined);
export const earliest = (...dates: Array<IsoDate | undefined>): IsoDate | undefined =>
  dates.filter((d): d is IsoDate => !!d).sort((a, b) => daysBetween(b, a))[0];

/** A deadline as a part of the clock describes it; the book works out its status on the query date. */
export interface DeadlineInput {
  id: string;
  step: DeadlineStep;
  what: string;
  regulation: string;
  responsible: Responsible;
  startsOn: IsoDate;
  dueOn: IsoDate;
  metOn?: IsoDate;
  kind?: Deadline['kind'];
  exceptions?: AppliedException[];
  lapsedOn?: IsoDate;
  refs?: Record<string, string>;
}

interface Progress {
  status: DeadlineStatus;
  daysLate?: number;
  pastExpected?: boolean;
}

/** Where a deadline stands on `asOf`: done (in time or late), lapsed, or not done (open, ended, overdue). */
function progress(d: DeadlineInput, kind: Deadline['kind'], metOn: IsoDate | undefined, lapsedOn: IsoDate | undefined,
  excused: IsoDate | undefined, asOf: IsoDate): Progress {
  if (metOn) return isAfter(metOn, d.dueOn) ? { status: 'late', daysLate: daysBetween(d.dueOn, metOn) } : { status: 'met' };
  if (lapsedOn) return { status: 'lapsed' };
  if (!isAfter(asOf, d.dueOn)) return { status: 'open' };
  if (kind === 'minimum-period') return { status: 'ended' };
  if (kind === 'expectation') return { status: 'open', pastExpected: true };
  if (excused && !isAfter(asOf, excused)) return { status: 'open' };
  return { status: 'overdue', daysLate: daysBetween(d.dueOn, asOf) };
}

/**
 * The deadlines of one case on `asOf`, as the parts of the statutory clock add them. Facts dated after `asOf` are
 * ignored; a deadline that has not started by `asOf` is not added.
 */
export class DeadlineBook {
  readonly deadlines: Deadline[] = [];
  private readonly recordedException: Map<string, ExceptionRecordedV1>;
  private readonly ceasedOn: IsoDate | undefined;

  constructor(readonly s: EhcCaseState, readonly asOf: IsoDate) {
    this.recordedException = new Map(s.exceptions.map((e) => [e.exceptionId, e]));
    this.ceasedOn = this.done(s.ceased?.ceasedOn);
  }

  /** The date, if it is on or before the query date (a fact that has happened by then). */
  done(d: IsoDate | undefined): IsoDate | undefined {
    return onOrBefore(d, this.asOf);
  }

  /** The exceptions recorded by the query date for a limit (an advice request's, or a tribunal order's). */
  exceptionsFor(limit: ExceptionLimit, adviceRequestId?: string, tribunalOrderId?: string): AppliedException[] {
    return this.s.exceptions
      .filter((e) => e.limit === limit && (limit !== 'advice' || e.adviceRequestId === adviceRequestId)
        && (limit !== 'tribunal' || e.tribunalOrderId === tribunalOrderId) && !isAfter(e.recordedOn, this.asOf))
      .map((e) => ({
        exceptionId: e.exceptionId, regulation: e.regulation, reason: e.reason, fromOn: e.fromOn,
        ...(e.toOn ? { toOn: e.toOn } : {}), ...(e.limb ? { limb: e.limb } : {}),
      }));
  }

  add(d: DeadlineInput): void {
    if (isAfter(d.startsOn, this.asOf)) return;
    const metOn = this.done(d.metOn);
    const { exceptions, unlawfulExceptions, excused } = this.lawfulExceptions(d);
    const kind = d.kind ?? 'time-limit';
    const { status, daysLate, pastExpected } = progress(d, kind, metOn, this.done(d.lapsedOn) ?? this.ceasedOn, excused, this.asOf);
    this.deadlines.push({
      id: d.id, step: d.step, what: d.what, regulation: d.regulation, responsible: d.responsible, kind, startsOn: d.startsOn,
      dueOn: d.dueOn,
      status, ...(metOn ? { metOn } : {}), ...(daysLate !== undefined ? { daysLate } : {}),
      exceptionApplied: exceptions.length > 0, exceptions, ...(excused ? { excusedUntil: excused } : {}),
      ...(unlawfulExceptions.length ? { unlawfulExceptions } : {}), ...(pastExpected ? { pastExpected } : {}),
      ...(d.refs ? { refs: d.refs } : {}),
    });
  }

  /** Only a lawful exception counts, and only for the delay it excuses (the limb, its conditions, its dates). */
  private lawfulExceptions(d: DeadlineInput) {
    const running = { startsOn: d.startsOn, dueOn: d.dueOn };
    const exceptions: AppliedException[] = [];
    const unlawfulExceptions: Array<AppliedException & { defect: string }> = [];
    for (const a of d.exceptions ?? []) {
      const defect = exceptionDefect(this.recordedException.get(a.exceptionId) as ExceptionRecordedV1, running);
      if (defect) unlawfulExceptions.push({ ...a, defect });
      else exceptions.push(a);
    }
    const recorded = exceptions.map((a) => this.recordedException.get(a.exceptionId) as ExceptionRecordedV1);
    const excused = exceptions.length ? excusedUntil(recorded, running) : undefined;
    return { exceptions, unlawfulExceptions, excused };
  }
}
