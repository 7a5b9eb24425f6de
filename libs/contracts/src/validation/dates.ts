import { getMetadataStorage, isISO8601, ValidateBy, type ValidationOptions } from 'class-validator';
import { londonDateOf } from '@tio/ehc-domain';

/**
 * Steps dated after today are refused, at HTTP (422 naming the field) and on every inbound topic (dead letter with
 * the reason): a final plan "issued" next March would make a case "plan in force" and "final plan overdue" at once,
 * and a request dated tomorrow gives a negative week. One decorator on every date field of every DTO; a field whose
 * date may legitimately lie ahead (a meeting being arranged, a planned move, an as-of view) says so with
 * `@FutureDateAllowed(why)`, and a census test fails on a date field that says neither.
 */
export const NOT_IN_FUTURE = 'notInFuture';
export const FUTURE_DATE_ALLOWED = 'futureDateAllowed';

/**
 * How far ahead a caller's clock may run (`CLOCK_SKEW_SECONDS`, default 300). A date (YYYY-MM-DD, Europe/London) is
 * accepted when that day has begun in England by now + the skew; a date-time when it is no later than now + the skew.
 * Not a day's grace: that would accept tomorrow's date all day long, which is the defect itself; a client a few
 * minutes fast around midnight is the only honest source of "tomorrow".
 */
export function clockSkewMs(): number {
  const seconds = Number(process.env['CLOCK_SKEW_SECONDS'] ?? 300);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 300_000;
}

/** The latest calendar day a step may carry now: today in England, or tomorrow in the last minutes before midnight. */
export function latestAcceptableDay(now: Date = new Date()): string {
  return londonDateOf(new Date(now.getTime() + clockSkewMs()));
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** True unless `value` is a date or date-time after today (with the clock skew); anything unreadable is left to the other validators. */
export function isNotInFuture(value: unknown, now: Date = new Date()): boolean {
  if (typeof value !== 'string') return true;
  if (DAY.test(value)) return value <= latestAcceptableDay(now);
  const at = Date.parse(value);
  // ISO 8601 forms JavaScript cannot read (20990101, 2099-W01-1) pass the format validators but cannot be placed on
  // the clock: refused here; anything else that is no date at all is left to the format validators
  if (Number.isNaN(at)) return !isISO8601(value, { strict: true });
  return at <= now.getTime() + clockSkewMs();
}

/** The date must not lie after today (Europe/London, with `CLOCK_SKEW_SECONDS` of tolerance). HTTP answers 422. */
export function NotInFuture(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: NOT_IN_FUTURE,
      validator: {
        validate: (value: unknown) => isNotInFuture(value),
        defaultMessage: (args) =>
          typeof args?.value === 'string' && !DAY.test(args.value) && Number.isNaN(Date.parse(args.value))
            ? '$property must be a date (YYYY-MM-DD) or an RFC 3339 date-time'
            : `$property must not be after today (${latestAcceptableDay()} in England): a step is recorded when it has happened`,
      },
    },
    options,
  );
}

/** This date field may lie ahead, for the reason given (it is documentation the census test reads, never a check). */
export function FutureDateAllowed(why: string): PropertyDecorator {
  return ValidateBy({ name: FUTURE_DATE_ALLOWED, constraints: [why], validator: { validate: () => true } });
}

/** Constraint names that say a property holds a date or a date-time. */
const DATE_CONSTRAINTS = new Set(['isIso8601', 'isDateString', 'isDate', 'isIsoDay']);

function looksLikeDatePattern(constraints: unknown[] | undefined): boolean {
  const pattern = constraints?.[0];
  const source = pattern instanceof RegExp ? pattern.source : typeof pattern === 'string' ? pattern : '';
  return source.includes('\\d{4}-');
}

/** A class validated with class-validator decorators (a DTO). */
export type DtoClass = abstract new (...args: never[]) => unknown;

/**
 * Every date field of these classes (and of the classes they inherit from) that has neither `@NotInFuture` nor
 * `@FutureDateAllowed`: `Class.property` names. A date field is one validated as ISO 8601, a date string, or by a
 * YYYY-MM-DD pattern.
 */
export function dateFieldsWithoutFutureRule(classes: Iterable<DtoClass>): string[] {
  const storage = getMetadataStorage();
  const missing = new Set<string>();
  for (const target of classes) {
    const byProperty = storage.groupByPropertyName(storage.getTargetValidationMetadatas(target, '', true, false));
    for (const [property, metas] of Object.entries(byProperty)) {
      const names = metas.map((m) => m.name ?? storage.getTargetValidatorConstraints(m.constraintCls)[0]?.name);
      const isDate = metas.some((m, i) => DATE_CONSTRAINTS.has(String(names[i])) || (names[i] === 'matches' && looksLikeDatePattern(m.constraints)));
      const ruled = names.some((n) => n === NOT_IN_FUTURE || n === FUTURE_DATE_ALLOWED);
      if (isDate && !ruled) missing.add(`${target.name}.${property}`);
    }
  }
  return [...missing].sort();
}
