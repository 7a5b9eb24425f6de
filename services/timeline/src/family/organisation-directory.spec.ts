import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statutoryStatus } from '@tio/ehc-domain';
import { workspaceRoot } from '@tio/local-infra';
import { familyTimeline, type SourceEntry } from './family-timeline';
import { loadOrganisationDirectory, OrganisationDirectory, OrganisationDirectoryError, parseOrganisationDirectory } from './organisation-directory';

const entry = (id: string, type: string, details: Record<string, unknown>, agency = 'local-authority'): SourceEntry => ({ id, kind: 'setting', agency, occurredAt: '2025-04-23T10:00:00Z', details, source: { type } });

describe('the organisation directory (ORGANISATION_DIRECTORY): names for the family, never a code', () => {
  const directory = parseOrganisationDirectory(JSON.stringify({ 'urn:school:124356': { name: 'Oakfield Primary School', kind: 'school' }, E10000028: { name: 'Staffordshire County Council', kind: 'local-authority' } }));

  it('Given a known id, then its name; given an unknown one, then what it is by its agency', () => {
    expect(directory.describe('urn:school:124356')).toBe('Oakfield Primary School');
    expect([directory.describe('nhs-trust-x', 'health'), directory.describe('urn:school:9', 'education'), directory.describe('E09000033', 'local-authority'), directory.describe('x')])
      .toEqual(['a health service', 'a school', 'a council', 'another organisation']);
  });

  it('Given the family view, then the school consulted and named is named, and who is involved lists organisations by name or kind, each once', () => {
    const entries = [
      entry('c', 'ehc.setting-consulted.v1', { settingRef: 'urn:school:124356', consultedOn: '2025-04-23' }),
      entry('f', 'ehc.final-plan-issued.v1', { namedSettingRef: 'urn:school:124356', issuedOn: '2025-05-19' }),
    ];
    const members = [{ organisationId: 'E10000028', agency: 'local-authority' }, { organisationId: 'urn:school:124356', agency: 'education' }, { organisationId: 'nhs-a', agency: 'health' }, { organisationId: 'nhs-b', agency: 'health' }];
    const { view } = familyTimeline('case-1', entries, statutoryStatus([], '2025-06-01'), directory, members);
    expect(view.entries.map((e) => e.text)).toEqual([
      'The council asked Oakfield Primary School if it can take your child, on 23 April 2025.',
      'The council sent the final plan on 19 May 2025. It names Oakfield Primary School.',
    ]);
    expect(view.organisations.map((o) => o.name)).toEqual(['Staffordshire County Council', 'Oakfield Primary School', 'A health service']);
    const unnamed = familyTimeline('case-1', entries, statutoryStatus([], '2025-06-01'), new OrganisationDirectory(), members).view;
    expect(JSON.stringify(unnamed.entries)).not.toMatch(/urn|E1000|nhs-/);
    expect(unnamed.organisations.map((o) => o.name)).toEqual(['A council', 'A school', 'A health service']);
  });

  it('reads the file ORGANISATION_DIRECTORY names (the demo file names every demo organisation); refuses a bad one with the entry; unset is empty', () => {
    const demo = loadOrganisationDirectory({ ORGANISATION_DIRECTORY: join(workspaceRoot(), 'infra/demo/organisations.json') });
    expect(['E10000028', 'urn:school:124356', 'nhs-trust-rlj', 'E10000028-csc'].map((id) => demo.get(id)?.name)).toEqual([
      'Staffordshire County Council', 'Oakfield Primary School', 'Demo Community Health NHS Trust', "Staffordshire Children's Social Care",
    ]);
    const bad = join(mkdtempSync(join(tmpdir(), 'orgs-')), 'bad.json');
    writeFileSync(bad, JSON.stringify({ 'urn:school:1': { name: 'A', kind: 'castle' } }));
    expect(() => loadOrganisationDirectory({ ORGANISATION_DIRECTORY: bad })).toThrow(OrganisationDirectoryError);
    expect(() => loadOrganisationDirectory({ ORGANISATION_DIRECTORY: bad })).toThrow(/urn:school:1/);
    expect(() => loadOrganisationDirectory({ ORGANISATION_DIRECTORY: join(tmpdir(), 'no-such-dir', 'x.json') })).toThrow(/cannot read/);
    expect(loadOrganisationDirectory({}).size).toBe(0);
  });
});
