import { DEVELOPMENT_LOCAL_AUTHORITIES, servedLocalAuthorities, ServedLocalAuthoritiesError } from './served-local-authorities';

describe('the councils this deployment serves (SERVED_LOCAL_AUTHORITIES)', () => {
  it('is the five development councils when unset', () => {
    expect(servedLocalAuthorities({})).toBe(DEVELOPMENT_LOCAL_AUTHORITIES);
    expect([...DEVELOPMENT_LOCAL_AUTHORITIES.keys()]).toEqual(['E10000028', 'E10000029', 'E08000025', 'E08000026', 'E08000027']);
  });

  it('reads CODE=Name pairs', () => {
    expect([...servedLocalAuthorities({ SERVED_LOCAL_AUTHORITIES: 'E06000001=Hartlepool Borough Council, E09000033=Westminster City Council' })]).toEqual([
      ['E06000001', 'Hartlepool Borough Council'], ['E09000033', 'Westminster City Council'],
    ]);
  });

  it('refuses at start an entry without a name or with a code that is not an English local authority’s', () => {
    for (const value of ['E06000001', 'X06000001=Somewhere', 'E05000001=A ward', ',']) {
      expect(() => servedLocalAuthorities({ SERVED_LOCAL_AUTHORITIES: value })).toThrow(ServedLocalAuthoritiesError);
    }
  });
});
