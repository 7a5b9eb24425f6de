/** A domain event as deciders produce it: a versioned type name and its data. */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  type: TType;
  data: TData;
}

/**
 * Pure domain logic (Emmett's decider): `decide` turns a command and the current state into new events (or throws a
 * domain error), `evolve` folds an event into the state, `initialState` is the state of an empty stream.
 */
export interface Decider<State, Command, Event extends DomainEvent> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}
