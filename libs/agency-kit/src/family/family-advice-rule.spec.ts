import { familyAccessFromEvents, familyAdviceCaseFacts, familyAdviceDecision, type FamilyCaseEventRow } from './family-advice-rule';

const C = '5b1c1c1e-2f4a-4c1d-9e55-3f0a7d2b0001';
const linked = (subject: string, relationship = 'parent'): FamilyCaseEventRow => ({
  type: 'ehc.family-member-linked.v1', data: { caseId: C, invitationId: `inv-${subject}`, subject, relationship, linkedOn: '2026-01-08' },
});
const draft: FamilyCaseEventRow = { type: 'ehc.draft-plan-issued.v1', data: { caseId: C, planId: 'p1', issuedOn: '2026-03-02', commentsDueOn: '2026-03-17' } };
const finalPlan: FamilyCaseEventRow = { type: 'ehc.final-plan-issued.v1', data: { caseId: C, planId: 'p1', issuedOn: '2026-04-01' } };
const shared = (...adviceIds: string[]): FamilyCaseEventRow => ({
  type: 'ehc.advice-shared-with-family.v1', data: { caseId: C, shareId: 's1', scope: 'listed', adviceIds, sharedBy: { userId: 'priya', organisationId: 'E10000028' }, sharedOn: '2026-02-20' },
});
const medical = { adviceId: 'med-1', adviceType: 'medical', withdrawn: false };

describe('what the family may read of an agency’s advice', () => {
  describe('before the draft plan', () => {
    const given = familyAdviceCaseFacts([linked('jo')]);
    it('Given no draft and no share, When the family asks, Then the advice is not theirs yet', () => {
      expect(familyAdviceDecision(given, medical)).toEqual({ show: false, why: 'before-draft' });
    });
    it('Given the LA shared that advice, When the family asks, Then they read it (shared early)', () => {
      const facts = familyAdviceCaseFacts([linked('jo'), shared('med-1')]);
      expect(familyAdviceDecision(facts, medical)).toEqual({ show: true, basis: 'advice-shared-early', withdrawn: false });
    });
    it('Given the LA shared other advice only, When the family asks, Then this advice stays unseen', () => {
      const facts = familyAdviceCaseFacts([linked('jo'), shared('ep-1', 'sch-1')]);
      expect(familyAdviceDecision(facts, medical)).toEqual({ show: false, why: 'before-draft' });
    });
    it('Given the family’s own views, When the family asks, Then they are theirs from the start', () => {
      expect(familyAdviceDecision(given, { adviceId: 'views-1', adviceType: 'parent-views', withdrawn: false })).toEqual({ show: true, basis: 'family-views', withdrawn: false });
    });
  });

  describe('from the draft plan', () => {
    it('Given a draft issued, When the family asks, Then every advice not withheld is theirs (reg 13)', () => {
      expect(familyAdviceDecision(familyAdviceCaseFacts([draft]), medical)).toEqual({ show: true, basis: 'advice-with-draft', withdrawn: false });
    });
    it('Given only a final plan is known (it follows a draft), When the family asks, Then the advice is theirs', () => {
      expect(familyAdviceDecision(familyAdviceCaseFacts([finalPlan]), medical)).toMatchObject({ show: true, basis: 'advice-with-draft' });
    });
    it('Given the advice is withheld from the family, When the draft is issued, Then it is still never shown', () => {
      expect(familyAdviceDecision(familyAdviceCaseFacts([draft]), { ...medical, withheldReason: 'serious-harm' })).toEqual({ show: false, why: 'withheld' });
    });
    it('Given withheld advice the LA named in a share, When the family asks, Then it stays withheld', () => {
      expect(familyAdviceDecision(familyAdviceCaseFacts([shared('med-1')]), { ...medical, withheldReason: 'third-party-information' })).toEqual({ show: false, why: 'withheld' });
    });
    it('Given withdrawn advice, When the family may see it, Then it is listed as withdrawn', () => {
      expect(familyAdviceDecision(familyAdviceCaseFacts([draft]), { ...medical, withdrawn: true })).toEqual({ show: true, basis: 'advice-with-draft', withdrawn: true });
    });
    it('Given withdrawn advice before the draft and not shared, When the family asks, Then it is not shown', () => {
      expect(familyAdviceDecision(familyAdviceCaseFacts([]), { ...medical, withdrawn: true })).toEqual({ show: false, why: 'before-draft' });
    });
  });

  describe('who is linked', () => {
    it('Given a linked parent, When they read, Then they may see the case; a stranger may not', () => {
      const rows = [linked('jo'), draft];
      expect(familyAccessFromEvents(rows, 'jo', '2026-03-03')).toMatchObject({ see: true, relationship: 'parent' });
      expect(familyAccessFromEvents(rows, 'someone-else', '2026-03-03')).toMatchObject({ see: false });
    });
    it('Given a parent unlinked by the LA, When they read, Then they may no longer see it', () => {
      const rows = [linked('jo'), { type: 'ehc.family-member-unlinked.v1', data: { caseId: C, subject: 'jo', reason: 'linked-in-error', unlinkedOn: '2026-01-09' } }];
      expect(familyAccessFromEvents(rows, 'jo', '2026-03-03')).toMatchObject({ see: false });
    });
    it('Given a young person holding the rights who chose "none" for their parents, When the parent reads, Then they may not', () => {
      const rows = [linked('jo'), linked('sam', 'young-person'), { type: 'ehc.young-person-rights-recorded.v1', data: { caseId: C, holdsRights: true, parentAccess: 'none', recordedOn: '2026-01-10' } }];
      expect(familyAccessFromEvents(rows, 'jo', '2026-03-03')).toMatchObject({ see: false });
      expect(familyAccessFromEvents(rows, 'sam', '2026-03-03')).toMatchObject({ see: true, act: true });
    });
  });
});
