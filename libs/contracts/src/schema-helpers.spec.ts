import { allOf, id, isoDate, opt, req, shapeOf, str } from './schema-helpers';

interface Sample {
  caseId: string;
  on: string;
  note?: string;
}
type Colour = 'red' | 'green';

describe('shapeOf / allOf: the compiler keeps a schema in step with its TypeScript type', () => {
  it('builds required/optional lists and forbids unknown fields', () => {
    expect(shapeOf<Sample>({ caseId: req(id('c')), on: req(isoDate('d')), note: opt(str('n')) })).toEqual({
      type: 'object',
      properties: { caseId: { type: 'string', minLength: 1, description: 'c' }, on: { type: 'string', format: 'date', description: 'd' }, note: { type: 'string', description: 'n' } },
      required: ['caseId', 'on'],
      additionalProperties: false,
    });
    expect(allOf<Colour>()(['red', 'green'], 'c')).toEqual({ type: 'string', enum: ['red', 'green'], description: 'c' });
  });

  it('rejects (at compile time) a missing field, an extra field, and wrong optionality or enum lists', () => {
    // Each line below must NOT compile; `npx tsc` fails with "Unused '@ts-expect-error'" if one starts compiling.
    // @ts-expect-error a required field is missing
    shapeOf<Sample>({ caseId: req(id('c')), note: opt(str('n')) });
    // @ts-expect-error a field the type does not have
    shapeOf<Sample>({ caseId: req(id('c')), on: req(isoDate('d')), note: opt(str('n')), extra: req(str('x')) });
    // @ts-expect-error a required field marked optional
    shapeOf<Sample>({ caseId: opt(id('c')), on: req(isoDate('d')), note: opt(str('n')) });
    // @ts-expect-error an optional field marked required
    shapeOf<Sample>({ caseId: req(id('c')), on: req(isoDate('d')), note: req(str('n')) });
    // @ts-expect-error an enum list missing a member of the union
    allOf<Colour>()(['red'], 'c');
    // @ts-expect-error an enum value outside the union
    allOf<Colour>()(['red', 'green', 'blue'], 'c');
    expect(true).toBe(true);
  });
});
