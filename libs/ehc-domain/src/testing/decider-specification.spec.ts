import { AssertionError } from 'node:assert';
import { DeciderSpecification } from './decider-specification';

// A counter: `add` records how much was added (nothing for 0); a negative amount is refused.
type Event = { type: 'added'; amount: number; note?: string; detail?: { by: string; at: string } };
type Command = { add: number; note?: string };
class NegativeAmountError extends Error {}

const counter = {
  initialState: () => 0,
  evolve: (total: number, event: Event) => total + event.amount,
  decide(command: Command, _total: number): Event[] {
    if (command.add < 0) throw new NegativeAmountError(`cannot add ${command.add}`);
    if (command.add === 0) return [];
    return [{ type: 'added', amount: command.add, note: command.note, detail: { by: 'u1', at: '2025-01-06' } }];
  },
};
const spec = DeciderSpecification(counter);
const added = (amount: number): Event => ({ type: 'added', amount, detail: { by: 'u1', at: '2025-01-06' } });

describe('DeciderSpecification (runner-independent: failures are node:assert AssertionErrors)', () => {
  it('then: passes on the same events, an undefined property counting as absent', () => {
    expect(spec.given([]).when({ add: 2 }).then([added(2)])).toEqual([{ ...added(2), note: undefined }]);
  });

  it('then: fails on other events', () => {
    expect(() => spec.given([]).when({ add: 2 }).then([added(3)])).toThrow(AssertionError);
    expect(() => spec.given([]).when({ add: 2 }).then([])).toThrow(AssertionError);
  });

  it('thenMatches: compares a subset of each event, at any depth', () => {
    spec.given([]).when({ add: 2, note: 'n' }).thenMatches([{ amount: 2, detail: { by: 'u1' } }]);
    expect(() => spec.given([]).when({ add: 2 }).thenMatches([{ amount: 2, detail: { by: 'u2' } }])).toThrow(AssertionError);
    expect(() => spec.given([]).when({ add: 2 }).thenMatches([{ amount: 2 }, { amount: 2 }])).toThrow(AssertionError);
  });

  it('thenNothing: fails when the decider records events', () => {
    spec.given([added(1)]).when({ add: 0 }).thenNothing();
    expect(() => spec.given([]).when({ add: 1 }).thenNothing()).toThrow(AssertionError);
  });

  it('thenThrows: returns the error of the expected class and checks its message', () => {
    const error = spec.given([]).when({ add: -1 }).thenThrows(NegativeAmountError, /cannot add -1/);
    expect(error).toBeInstanceOf(NegativeAmountError);
    expect(() => spec.given([]).when({ add: -1 }).thenThrows(NegativeAmountError, 'another message')).toThrow(AssertionError);
    expect(() => spec.given([]).when({ add: -1 }).thenThrows(TypeError)).toThrow(/Expected TypeError but the decider threw NegativeAmountError/);
    expect(() => spec.given([]).when({ add: 1 }).thenThrows(NegativeAmountError)).toThrow(/Expected NegativeAmountError but the decider returned/);
  });

  it('thenState: hands over the state after the given and the new events', () => {
    let seen: number | undefined;
    spec.given([added(1), added(2)]).when({ add: 4 }).thenState((total) => {
      seen = total;
    });
    expect(seen).toBe(7);
  });
});
