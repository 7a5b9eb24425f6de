import { statutoryStatus } from '@tio/ehc-domain';
import { OrganisationDirectory, parseOrganisationDirectory } from '@tio/service-kit';
import { familyTimeline, type SourceEntry } from './family-timeline';

const entry = (id: string, type: string, details: Record<string, unknown>, agency = 'local-authority'): SourceEntry => ({ id, kind: 'setting', agency, occurredAt: '2025-04-23T10:00:00Z', details, source: { type } });

// the directory itself (loading, refusing a bad file, describing an unknown id) is specified in libs/service-kit
describe('the family view names organisations from the organisation directory (ORGANISATION_DIRECTORY), never by a code', () => {
  const directory = parseOrganisationDirectory(JSON.stringify({ 'urn:school:124356': { name: 'Oakfield Primary School', kind: 'school' }, E10000028: { name: 'Staffordshire County Council', kind: 'local-authority' } }));

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
});
