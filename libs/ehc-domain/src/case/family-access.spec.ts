import type { EhcEvent } from './events';
import { compulsorySchoolAgeEnds, familyAccessOf, overCompulsorySchoolAge } from './family-access';
import type { FamilyRelationship, ParentAccess } from './family-events';
import { replay } from './state';
import { CASE, cmd, history } from './test-fixtures';

/**
 * Who in the family may see and act on the case (issue #21; CFA 2014 s.80, s.83(2)): a young person born on 15 March
 * 2010 turns 16 on 15 March 2026; compulsory school age ends on the last Friday in June of that school year, Friday
 * 26 June 2026, so from Saturday 27 June 2026 they are a "young person" and hold the rights.
 */
const DOB = '2010-03-15';
const requested = (dateOfBirth?: string): EhcEvent[] => history(cmd('2025-01-06', {
  type: 'ReceiveRequest', childRef: 'child-ref-1', localAuthority: 'E08000025', source: 'parent', requestedBy: { role: 'parent' },
  ...(dateOfBirth ? { child: { dateOfBirth } } : {}),
}));
const invited = (invitationId: string, relationship: FamilyRelationship, expiresOn = '2025-02-03'): EhcEvent => ({
  type: 'ehc.family-member-invited.v1',
  data: {
    caseId: CASE, invitationId, relationship, contact: { name: 'Jo Carter', email: 'jo@example.org' }, codeDigest: 'a'.repeat(64),
    expiresOn, invitedOn: '2025-01-06', invitedBy: { userId: 'caseworker-priya', organisationId: 'E08000025' },
  },
});
const linked = (invitationId: string, subject: string, relationship: FamilyRelationship): EhcEvent => ({
  type: 'ehc.family-member-linked.v1', data: { caseId: CASE, invitationId, subject, relationship, linkedOn: '2025-01-08' },
});
const rights = (holdsRights: boolean, parentAccess: ParentAccess, capacityException?: string): EhcEvent => ({
  type: 'ehc.young-person-rights-recorded.v1',
  data: { caseId: CASE, holdsRights, parentAccess, recordedOn: '2026-06-29', ...(capacityException ? { capacityException } : {}) },
});
/** A case with Jo (parent) and Sam (the young person) linked. */
const family = (dateOfBirth: string | null = DOB): EhcEvent[] => [
  ...requested(dateOfBirth ?? undefined),
  invited('inv-jo', 'parent'), linked('inv-jo', 'family-jo', 'parent'),
  invited('inv-sam', 'young-person'), linked('inv-sam', 'family-sam', 'young-person'),
];
const access = (events: EhcEvent[], subject: string, today: string) => {
  const a = familyAccessOf(replay(events), subject, today);
  return { see: a.see, act: a.act };
};
const BEFORE = '2026-06-26';
const AFTER = '2026-06-27';

describe('compulsory school age ends on the last Friday in June of the school year in which the child turns 16 (Education Act 1996 s.8)', () => {
  it('born 15 Mar 2010 (16 on 15 Mar 2026): ends Fri 26 Jun 2026; over it from Sat 27 Jun 2026', () => {
    expect(compulsorySchoolAgeEnds(DOB)).toBe('2026-06-26');
    expect([overCompulsorySchoolAge(DOB, BEFORE), overCompulsorySchoolAge(DOB, AFTER)]).toEqual([false, true]);
  });
  it('born 1 Aug 2010 (16 in the summer holiday): ends the same Fri 26 Jun 2026, before the birthday (s.8(3)(a))', () => {
    expect(compulsorySchoolAgeEnds('2010-08-01')).toBe('2026-06-26');
  });
  it('born 1 Sep 2010 (16 at the start of the next school year): ends Fri 25 Jun 2027', () => {
    expect(compulsorySchoolAgeEnds('2010-09-01')).toBe('2027-06-25');
    expect(compulsorySchoolAgeEnds('2011-02-28')).toBe('2027-06-25');
  });
});

describe('familyAccessOf: the parent acts until the young person holds the rights (CFA 2014 s.80)', () => {
  it('given a child of compulsory school age: the linked parent sees and acts; the linked young person sees but does not act', () => {
    expect(access(family(), 'family-jo', BEFORE)).toEqual({ see: true, act: true });
    expect(access(family(), 'family-sam', BEFORE)).toEqual({ see: true, act: false });
    expect(familyAccessOf(replay(family()), 'family-jo', BEFORE)).toMatchObject({ relationship: 'parent', why: expect.stringMatching(/compulsory school age/) });
  });

  it('given no date of birth and nothing recorded: the parent acts (the young person does not, until the LA records the rights)', () => {
    expect(access(family(null), 'family-jo', AFTER)).toEqual({ see: true, act: true });
    expect(access(family(null), 'family-sam', AFTER)).toEqual({ see: true, act: false });
    // the LA records the rights for a young person whose date of birth the case does not hold
    expect(access([...family(null), rights(true, 'see-only')], 'family-sam', AFTER)).toEqual({ see: true, act: true });
  });

  it('when the young person is over compulsory school age and nothing is recorded: they act; their parents see but do not act', () => {
    expect(access(family(), 'family-sam', AFTER)).toEqual({ see: true, act: true });
    expect(access(family(), 'family-jo', AFTER)).toEqual({ see: true, act: false });
    expect(familyAccessOf(replay(family()), 'family-jo', AFTER).why).toMatch(/not recorded yet/);
  });

  it.each([
    ['see-and-act', { see: true, act: true }],
    ['see-only', { see: true, act: false }],
    ['none', { see: false, act: false }],
  ] as const)('when the young person holds the rights and chose "%s": the parent gets %j; the young person sees and acts', (choice, parent) => {
    const events = [...family(), rights(true, choice)];
    expect(access(events, 'family-jo', AFTER)).toEqual(parent);
    expect(access(events, 'family-sam', AFTER)).toEqual({ see: true, act: true });
  });

  it('a carer follows the young person’s choice as a parent does', () => {
    const events = [...family(), invited('inv-kim', 'carer'), linked('inv-kim', 'family-kim', 'carer'), rights(true, 'none')];
    expect(access(events, 'family-kim', AFTER)).toEqual({ see: false, act: false });
    expect(access(events.slice(0, -1), 'family-kim', BEFORE)).toEqual({ see: true, act: true });
  });

  it('capacity exception: a young person over compulsory school age who lacks capacity does not act; the parent acts for them (MCA 2005)', () => {
    const events = [...family(), rights(false, 'see-and-act', 'Lacks capacity to make decisions about the plan (assessment of 20 June 2026)')];
    expect(access(events, 'family-jo', AFTER)).toEqual({ see: true, act: true });
    expect(access(events, 'family-sam', AFTER)).toEqual({ see: true, act: false });
    expect(familyAccessOf(replay(events), 'family-jo', AFTER).why).toMatch(/lacks capacity/);
  });

  it('a record that the young person did not hold the rights, made before they were over compulsory school age, gives way to the law afterwards', () => {
    const early = [...family(), { ...rights(false, 'see-and-act'), data: { caseId: CASE, holdsRights: false, parentAccess: 'see-and-act', recordedOn: '2026-01-05' } } as EhcEvent];
    expect(access(early, 'family-jo', BEFORE)).toEqual({ see: true, act: true });
    expect(access(early, 'family-sam', AFTER)).toEqual({ see: true, act: true });
    expect(access(early, 'family-jo', AFTER)).toEqual({ see: true, act: false });
  });
});

describe('familyAccessOf: only members linked now have access', () => {
  it('given someone who is not linked (another family, or a name never invited): nothing', () => {
    expect(familyAccessOf(replay(family()), 'family-other', BEFORE)).toEqual({ see: false, act: false, why: 'not linked to this case' });
  });

  it('given an invitation not used (whether or not it has expired): its invitee has nothing until they link', () => {
    const events = [...requested(DOB), invited('inv-jo', 'parent', '2025-02-03')];
    expect(access(events, 'family-jo', '2025-01-10')).toEqual({ see: false, act: false });
    expect(access(events, 'family-jo', '2025-03-01')).toEqual({ see: false, act: false });
    expect(replay(events).family?.invitations['inv-jo']).toMatchObject({ relationship: 'parent', expiresOn: '2025-02-03', codeDigest: 'a'.repeat(64) });
    expect(replay(events).family?.invitations['inv-jo'].linkedSubject).toBeUndefined();
  });

  it('when a linked member is unlinked: nothing from then on, and the reason is kept; the invitation stays used', () => {
    const events = [...family(), { type: 'ehc.family-member-unlinked.v1', data: { caseId: CASE, subject: 'family-jo', reason: 'linked-in-error', unlinkedOn: '2025-02-01' } } as EhcEvent];
    expect(familyAccessOf(replay(events), 'family-jo', BEFORE)).toEqual({ see: false, act: false, why: 'unlinked from the case on 2025-02-01 (linked-in-error)' });
    expect(access(events, 'family-sam', BEFORE)).toEqual({ see: true, act: false });
    expect(replay(events).family?.invitations['inv-jo'].linkedSubject).toBe('family-jo');
  });
});
