import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { IsOptional, Matches, validate } from 'class-validator';
import { integrationEvents } from '../events';
import { dateFieldsWithoutFutureRule, FutureDateAllowed, type DtoClass, isNotInFuture, latestAcceptableDay, NotInFuture } from './dates';

describe('steps dated after today', () => {
  const at = (iso: string) => new Date(iso);

  it('accepts today and the past, refuses tomorrow; a client a few minutes fast at midnight may already say tomorrow', () => {
    const noonInWinter = at('2026-11-29T12:00:00Z');
    expect(isNotInFuture('2026-11-29', noonInWinter)).toBe(true);
    expect(isNotInFuture('2020-02-29', noonInWinter)).toBe(true);
    expect(isNotInFuture('2026-11-30', noonInWinter)).toBe(false);
    expect(isNotInFuture('2027-03-01', noonInWinter)).toBe(false);
    // 23:58 in London (GMT): tomorrow begins within the 5 minutes of skew
    expect(latestAcceptableDay(at('2026-11-29T23:58:00Z'))).toBe('2026-11-30');
    expect(isNotInFuture('2026-11-30', at('2026-11-29T23:58:00Z'))).toBe(true);
    // summer: London is UTC+1, so 23:30 UTC is already the next day there
    expect(isNotInFuture('2026-07-02', at('2026-07-01T23:30:00Z'))).toBe(true);
    expect(isNotInFuture('2026-07-02', at('2026-07-01T22:30:00Z'))).toBe(false);
  });

  it('date-times: up to now plus the skew (CLOCK_SKEW_SECONDS)', () => {
    const now = at('2026-11-29T12:00:00Z');
    expect(isNotInFuture('2026-11-29T12:04:00Z', now)).toBe(true);
    expect(isNotInFuture('2026-11-29T12:06:00Z', now)).toBe(false);
    expect(isNotInFuture('2026-11-29T13:04:00+01:00', now)).toBe(true);
    process.env['CLOCK_SKEW_SECONDS'] = '0';
    try {
      expect(isNotInFuture('2026-11-29T12:00:01Z', now)).toBe(false);
    } finally {
      delete process.env['CLOCK_SKEW_SECONDS'];
    }
    // ISO 8601 forms that strict IsISO8601 accepts but JavaScript cannot place on the clock are refused, never
    // passed on to fail later in a handler (the week date of 2099 was accepted before)
    expect(isNotInFuture('2099-W01-1', now)).toBe(false);
    expect(isNotInFuture('20200101', now)).toBe(false);
    // not a date at all, or not a string: left to the format and type validators
    expect(isNotInFuture('yesterday', now)).toBe(true);
    expect(isNotInFuture(42, now)).toBe(true);
  });

  it('is a class-validator constraint named notInFuture, so the HTTP pipe answers 422 and the inbound validation names it', async () => {
    class Step {
      @NotInFuture() at!: string;
    }
    const errors = await validate(plainToInstance(Step, { at: '2999-01-01' }));
    expect(errors.map((e) => [e.property, Object.keys(e.constraints ?? {})])).toEqual([['at', ['notInFuture']]]);
    expect(await validate(plainToInstance(Step, { at: '2001-01-01' }))).toEqual([]);
    const unreadable = await validate(plainToInstance(Step, { at: '2099-W01-1' }));
    expect(unreadable[0]?.constraints?.['notInFuture']).toBe('at must be a date (YYYY-MM-DD) or an RFC 3339 date-time');
  });

  it('the census finds a date field that says neither NotInFuture nor FutureDateAllowed, in the class or its parents', () => {
    class Base {
      @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/) at?: string;
    }
    class Ruled extends Base {
      @Matches(/^\d{4}-\d{2}-\d{2}$/) @FutureDateAllowed('a meeting being arranged') meetingOn!: string;
      @Matches(/^\d{4}-\d{2}-\d{2}$/) @NotInFuture() heldOn!: string;
      @Matches(/^[A-Z]+$/) code!: string;
    }
    expect(dateFieldsWithoutFutureRule([Ruled])).toEqual(['Ruled.at']);
  });

  it('every inbound message type on every agency inbound topic rules its date fields (dead letter with the reason)', async () => {
    const inbound = integrationEvents.all().filter((t) => t.direction === 'inbound' && t.dto);
    expect(inbound.length).toBeGreaterThanOrEqual(6);
    expect(dateFieldsWithoutFutureRule(inbound.map((t) => t.dto as DtoClass))).toEqual([]);
    const submitted = inbound.find((t) => t.name === 'health.advice-submitted');
    const errors = await validate(plainToInstance(submitted!.dto as new () => object, { ...(submitted!.example as object), submittedAt: new Date(Date.now() + 86_400_000).toISOString() }));
    expect(errors.map((e) => [e.property, Object.keys(e.constraints ?? {})])).toEqual([['submittedAt', ['notInFuture']]]);
  });
});
