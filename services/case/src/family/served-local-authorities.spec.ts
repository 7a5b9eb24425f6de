import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrganisationDirectoryError } from '@tio/service-kit';
import { DEVELOPMENT_LOCAL_AUTHORITIES, servedLocalAuthorities, ServedLocalAuthoritiesError } from './served-local-authorities';

describe('the councils this deployment serves (SERVED_LOCAL_AUTHORITIES)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tio-councils-'));
  const directory = join(dir, 'organisations.json');
  writeFileSync(directory, JSON.stringify({
    E06000001: { name: 'Hartlepool Borough Council', kind: 'local-authority' },
    E10000028: { name: 'Staffordshire County Council (directory)', kind: 'local-authority' },
    'urn:school:1': { name: 'A School', kind: 'school' },
  }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is the five development councils when unset', () => {
    expect([...servedLocalAuthorities({})]).toEqual([...DEVELOPMENT_LOCAL_AUTHORITIES]);
    expect([...DEVELOPMENT_LOCAL_AUTHORITIES.keys()]).toEqual(['E10000028', 'E10000029', 'E08000025', 'E08000026', 'E08000027']);
  });

  it('reads CODE=Name pairs where there is no organisation directory', () => {
    expect([...servedLocalAuthorities({ SERVED_LOCAL_AUTHORITIES: 'E06000001=Hartlepool Borough Council, E09000033=Westminster City Council' })]).toEqual([
      ['E06000001', 'Hartlepool Borough Council'], ['E09000033', 'Westminster City Council'],
    ]);
  });

  it('takes the names from ORGANISATION_DIRECTORY, one place for them: bare codes, and the development five too', () => {
    expect([...servedLocalAuthorities({ SERVED_LOCAL_AUTHORITIES: 'E06000001,E10000028=Old name', ORGANISATION_DIRECTORY: directory })]).toEqual([
      ['E06000001', 'Hartlepool Borough Council'], ['E10000028', 'Staffordshire County Council (directory)'],
    ]);
    expect(servedLocalAuthorities({ ORGANISATION_DIRECTORY: directory }).get('E10000028')).toBe('Staffordshire County Council (directory)');
  });

  it('refuses at start a code that is not an English local authority’s, or a council with no name anywhere', () => {
    for (const value of ['E06000001', 'X06000001=Somewhere', 'E05000001=A ward', ',']) {
      expect(() => servedLocalAuthorities({ SERVED_LOCAL_AUTHORITIES: value })).toThrow(ServedLocalAuthoritiesError);
    }
    expect(() => servedLocalAuthorities({ SERVED_LOCAL_AUTHORITIES: 'E09000033', ORGANISATION_DIRECTORY: directory })).toThrow(/E09000033 has no name/);
  });

  it('reads the directory with the one strict loader: a directory entry without a kind stops the start, as it does the timeline', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ E06000001: { name: 'Hartlepool Borough Council' } }));
    expect(() => servedLocalAuthorities({ SERVED_LOCAL_AUTHORITIES: 'E06000001', ORGANISATION_DIRECTORY: bad })).toThrow(OrganisationDirectoryError);
    expect(() => servedLocalAuthorities({ ORGANISATION_DIRECTORY: join(dir, 'missing.json') })).toThrow(/cannot read/);
  });
});
