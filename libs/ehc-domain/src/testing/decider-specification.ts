/**
 * Given / When / Then for deciders, in the style of Emmett's DeciderSpecification:
 *
 *   spec.given([...events]).when(command).then([...expectedEvents]);
 *   spec.given([...events]).when(command).thenThrows(SomeDomainError);
 *   spec.given([...events]).when(command).thenNothing();
 *
 * Uses Jest's `expect`; call it only from tests.
 */
export interface DeciderLike<State, Command, Event> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export interface ThenClause<State, Event> {
  /** The decider returns exactly these events. */
  then(expected: Event[]): Event[];
  /** The decider returns events matching (a subset of each event's fields). */
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
              expect(actual).toEqual(expected);
              return actual;
            },
            thenMatches(expected) {
              const actual = run();
              expect(actual).toHaveLength(expected.length);
              expected.forEach((e, i) => expect(actual[i]).toMatchObject(e as object));
              return actual;
            },
            thenNothing() {
              expect(run()).toEqual([]);
            },
            thenThrows(ErrorClass, message) {
              let thrown: unknown;
              try {
                const events = run();
                throw new Error(`Expected ${ErrorClass.name} but the decider returned ${JSON.stringify(events)}`);
              } catch (err) {
                thrown = err;
              }
              expect(thrown).toBeInstanceOf(ErrorClass);
              if (message !== undefined) expect((thrown as Error).message).toMatch(message);
              return thrown as Error;
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
