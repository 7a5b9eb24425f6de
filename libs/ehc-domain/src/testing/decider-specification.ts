import { AssertionError, deepStrictEqual } from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';

/**
 * Given / When / Then for deciders, in the style of Emmett's DeciderSpecification:
 *
 *   spec.given([...events]).when(command).then([...expectedEvents]);
 *   spec.given([...events]).when(command).thenThrows(SomeDomainError);
 *   spec.given([...events]).when(command).thenNothing();
 *
 * Failures throw `AssertionError` (node:assert), so it works under any test runner.
 */
export interface DeciderLike<State, Command, Event> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export interface ThenClause<State, Event> {
  /** The decider returns exactly these events (properties that are `undefined` count as absent). */
  then(expected: Event[]): Event[];
  /** The decider returns events matching (a subset of each event's fields, at any depth). */
  thenMatches(expected: Array<Partial<Event> | Record<string, unknown>>): Event[];
  /** The decider records nothing (e.g. an idempotent retry). */
  thenNothing(): void;
  /** The decider throws an instance of `ErrorClass` (optionally with a message matching). */
  thenThrows(ErrorClass: abstract new (...args: never[]) => Error, message?: string | RegExp): Error;
  /** The state after the given events and the new ones. */
  thenState(check: (state: State, events: Event[]) => void): void;
}

export function DeciderSpecification<State, Command, Event>(decider: DeciderLike<State, Command, Event>) {
  return {
    given(events: Event[] = []) {
      return {
        when(command: Command): ThenClause<State, Event> {
          const state = () => events.reduce(decider.evolve, decider.initialState());
          const run = () => decider.decide(command, state());
          return {
            then(expected) {
              const actual = run();
              deepStrictEqual(withoutUndefined(actual), withoutUndefined(expected), 'the decider returned other events');
              return actual;
            },
            thenMatches(expected) {
              const actual = run();
              if (actual.length !== expected.length || !expected.every((e, i) => matches(actual[i], e))) {
                throw new AssertionError({ message: 'the decider returned events that do not match', actual, expected, operator: 'matches' });
              }
              return actual;
            },
            thenNothing() {
              const actual = run();
              deepStrictEqual(actual, [], 'the decider recorded events where none were expected');
            },
            thenThrows(ErrorClass, message) {
              let events: Event[];
              try {
                events = run();
              } catch (thrown) {
                if (!(thrown instanceof ErrorClass)) {
                  throw new AssertionError({ message: `Expected ${ErrorClass.name} but the decider threw ${describeThrown(thrown)}`, actual: thrown, expected: ErrorClass, operator: 'instanceof' });
                }
                if (message !== undefined && !messageMatches(thrown.message, message)) {
                  throw new AssertionError({ message: `${ErrorClass.name} was thrown with message ${JSON.stringify(thrown.message)}`, actual: thrown.message, expected: message, operator: 'match' });
                }
                return thrown;
              }
              throw new AssertionError({ message: `Expected ${ErrorClass.name} but the decider returned ${JSON.stringify(events)}`, actual: events, expected: ErrorClass, operator: 'throws' });
            },
            thenState(check) {
              const newEvents = run();
              check(newEvents.reduce(decider.evolve, state()), newEvents);
            },
          };
        },
      };
    },
  };
}

/** Plain data with every `undefined` property removed, so `{ a: 1, b: undefined }` equals `{ a: 1 }` (as in Jest's toEqual). */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, withoutUndefined(v)]));
}

/** `expected` is a subset of `actual`: objects partially (recursively), arrays element by element, the rest equal. */
function matches(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matches(actual[i], e));
  }
  if (isPlainObject(expected)) {
    return isPlainObject(actual) && Object.entries(expected).every(([k, e]) => matches(actual[k], e));
  }
  return isDeepStrictEqual(actual, expected);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function messageMatches(actual: string, expected: string | RegExp): boolean {
  return typeof expected === 'string' ? actual.includes(expected) : expected.test(actual);
}

function describeThrown(thrown: unknown): string {
  return thrown instanceof Error ? `${thrown.constructor.name}: ${thrown.message}` : JSON.stringify(thrown);
}
