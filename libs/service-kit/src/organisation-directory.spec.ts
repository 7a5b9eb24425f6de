import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@tio/local-infra';
import { loadOrganisationDirectory, OrganisationDirectory, OrganisationDirectoryError, parseOrganisationDirectory } from './organisation-directory';

describe('the organisation directory (ORGANISATION_DIRECTORY): one strict loader for every service, names for the family, never a bare code', () => {
  const directory = parseOrganisationDirectory(JSON.stringify({ 'urn:school:124356': { name: ' Oakfield Primary School ', kind: 'school' }, E10000028: { name: 'Staffordshire County Council', kind: 'local-authority' } }));
  const dir = mkdtempSync(join(tmpdir(), 'orgs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('Given a known id, then its name (trimmed) and kind; given an unknown one, then what it is by its agency', () => {
    expect(directory.get('urn:school:124356')).toEqual({ name: 'Oakfield Primary School', kind: 'school' });
    expect(directory.names()).toEqual({ 'urn:school:124356': 'Oakfield Primary School', E10000028: 'Staffordshire County Council' });
    expect(directory.describe('urn:school:124356')).toBe('Oakfield Primary School');
    expect([directory.describe('nhs-trust-x', 'health'), directory.describe('urn:school:9', 'education'), directory.describe('E09000033', 'local-authority'), directory.describe('x')])
      .toEqual(['a health service', 'a school', 'a council', 'another organisation']);
  });

  it('Given a reference the family must act on, then the name when known, else what it is with the reference', () => {
    expect(directory.describeWithReference('urn:school:124356', 'education')).toBe('Oakfield Primary School');
    expect(directory.describeWithReference('urn:school:100234', 'education')).toBe('a school (reference urn:school:100234)');
    expect(new OrganisationDirectory().describeWithReference('E09000033', 'local-authority')).toBe('a council (reference E09000033)');
  });

  it('refuses JSON that is not an object of id -> { name, kind }, naming the entry', () => {
    expect(() => parseOrganisationDirectory('not json')).toThrow(/not JSON/);
    expect(() => parseOrganisationDirectory('[]')).toThrow(/must be an object/);
    expect(() => parseOrganisationDirectory(JSON.stringify({ E06000001: { name: 'Hartlepool Borough Council' } }))).toThrow(/"E06000001" needs a name and a kind/);
    expect(() => parseOrganisationDirectory(JSON.stringify({ E06000001: { name: '  ', kind: 'local-authority' } }))).toThrow(OrganisationDirectoryError);
  });

  it('reads the file ORGANISATION_DIRECTORY names (the demo file names every demo organisation); refuses a bad one with the entry; unset is empty', () => {
    const demo = loadOrganisationDirectory({ ORGANISATION_DIRECTORY: join(workspaceRoot(), 'infra/demo/organisations.json') });
    expect(['E10000028', 'urn:school:124356', 'nhs-trust-rlj', 'E10000028-csc'].map((id) => demo.get(id)?.name)).toEqual([
      'Staffordshire County Council', 'Oakfield Primary School', 'Demo Community Health NHS Trust', "Staffordshire Children's Social Care",
    ]);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ 'urn:school:1': { name: 'A', kind: 'castle' } }));
    expect(() => loadOrganisationDirectory({ ORGANISATION_DIRECTORY: bad })).toThrow(OrganisationDirectoryError);
    expect(() => loadOrganisationDirectory({ ORGANISATION_DIRECTORY: bad })).toThrow(/urn:school:1/);
    expect(() => loadOrganisationDirectory({ ORGANISATION_DIRECTORY: join(dir, 'no-such-dir', 'x.json') })).toThrow(/cannot read/);
    expect(loadOrganisationDirectory({}).size).toBe(0);
    expect(loadOrganisationDirectory({ ORGANISATION_DIRECTORY: '  ' }).size).toBe(0);
  });
});
