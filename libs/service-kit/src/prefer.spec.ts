import { preferencesOf, prefersMinimalReturn } from './prefer';

const asked = (prefer: string | string[] | undefined) => prefersMinimalReturn({ headers: { prefer } });

describe('Prefer (RFC 7240)', () => {
  it('reads each preference by name, with its value or none', () => {
    expect([...preferencesOf('respond-async, wait=100, return=minimal')]).toEqual([['respond-async', ''], ['wait', '100'], ['return', 'minimal']]);
  });

  it('takes names in any case, quoted values unquoted, and drops parameters', () => {
    expect(preferencesOf('Return="minimal"; foo=bar').get('return')).toBe('minimal');
    expect(preferencesOf('handling=lenient; a="x,y", return=minimal').get('return')).toBe('minimal');
  });

  it('counts a preference given twice as first given', () => {
    expect(preferencesOf('return=representation, return=minimal').get('return')).toBe('representation');
    expect(asked(['return=minimal', 'return=representation'])).toBe(true);
  });

  it('honours return=minimal only', () => {
    expect(asked('return=minimal')).toBe(true);
    expect(asked('  RETURN = MINIMAL ')).toBe(true);
    expect(asked('wait=5, return=minimal')).toBe(true);
    expect(asked(['respond-async', 'return=minimal'])).toBe(true);
    expect(asked(undefined)).toBe(false);
    expect(asked('')).toBe(false);
    expect(asked('return=representation')).toBe(false);
    expect(asked('return')).toBe(false);
    expect(asked('minimal')).toBe(false);
    expect(asked('x="return=minimal"')).toBe(false);
  });
});
