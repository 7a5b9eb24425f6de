import { DeciderSpecification } from '../testing/decider-specification';
import type { EhcCommand } from './commands';
import { ehcCaseDecider } from './decide';
import * as E from './errors';
import type { EhcEvent } from './events';
import { familyAccessOf } from './family-access';
import * as F from './family-errors';
import { replay } from './state';
import { CASE, cmd, history, planInForce, steps } from './test-fixtures';

/**
 * The family on the case (issue #21): the LA invites, the family member links with the one-time code, the LA unlinks,
 * the case records the young person's rights (CFA 2014 s.80); the family's own requests (early review, advice from a
 * person they name) and their response to the draft with a meeting request and comments.
 */
const spec = DeciderSpecification(ehcCaseDecider);
const DIGEST = 'ab'.repeat(32);
const OTHER_DIGEST = 'cd'.repeat(32);
const run = (events: EhcEvent[], ...commands: EhcCommand[]): EhcEvent[] => {
  const out = [...events];
  for (const c of commands) out.push(...ehcCaseDecider.decide(c, replay(out)));
  return out;
};
const invite = (at = '2025-01-06', over: Record<string, unknown> = {}) => cmd(at, {
  type: 'InviteFamilyMember', invitationId: 'inv-1', relationship: 'parent', parentalResponsibility: true,
  contact: { name: ' Jo Carter ', email: 'jo@example.org' }, codeDigest: DIGEST, invitedBy: { userId: 'caseworker-priya', organisationId: 'E08000025' }, ...over,
} as never);
const accept = (at = '2025-01-08', subject = 'family-jo', codeDigest = DIGEST) => cmd(at, { type: 'AcceptFamilyInvitation', invitationId: 'inv-1', codeDigest, subject });
const requestWithDob = (dateOfBirth: string) => cmd('2025-01-06', {
  type: 'ReceiveRequest', childRef: 'child-ref-1', localAuthority: 'E08000025', source: 'parent', requestedBy: { role: 'parent' }, child: { dateOfBirth },
});
const rights = (at: string, holdsRights: boolean, parentAccess: 'see-and-act' | 'see-only' | 'none', capacityException?: string) =>
  cmd(at, { type: 'RecordYoungPersonRights', holdsRights, parentAccess, ...(capacityException === undefined ? {} : { capacityException }) });

describe('family invitations: a one-time code for 28 days, used once by the person it links', () => {
  it('the LA invites a parent on Mon 6 Jan 2025: the code can be used until Mon 3 Feb 2025; only its digest is recorded', () => {
    spec.given(history(steps.request())).when(invite()).then([{
      type: 'ehc.family-member-invited.v1',
      data: {
        caseId: CASE, invitationId: 'inv-1', relationship: 'parent', parentalResponsibility: true, contact: { name: 'Jo Carter', email: 'jo@example.org' },
        codeDigest: DIGEST, expiresOn: '2025-02-03', invitedOn: '2025-01-06', invitedBy: { userId: 'caseworker-priya', organisationId: 'E08000025' },
      },
    }]);
  });

  it('refuses an invitation without a way to send the code, with a bad digest, a reused id, or parental responsibility said of a carer', () => {
    const requested = history(steps.request());
    spec.given(requested).when(invite('2025-01-06', { contact: { name: 'Jo' } })).thenThrows(E.InvalidCommandError, /email address or a phone/);
    spec.given(requested).when(invite('2025-01-06', { contact: { name: 'Jo', email: 'not-an-email' } })).thenThrows(E.InvalidCommandError, /contact.email/);
    spec.given(requested).when(invite('2025-01-06', { codeDigest: 'the-code-itself' })).thenThrows(E.InvalidCommandError, /codeDigest/);
    spec.given(requested).when(invite('2025-01-06', { relationship: 'carer' })).thenThrows(E.InvalidCommandError, /parentalResponsibility/);
    spec.given(run(requested, invite())).when(invite()).thenThrows(E.DuplicateIdError);
    spec.given([]).when(invite()).thenThrows(E.CaseNotFoundError);
  });

  it('the signed-in person who gives the right code within the 28 days is linked, with the invitation’s relationship', () => {
    const invited = run(history(steps.request()), invite());
    spec.given(invited).when(accept('2025-02-03')).then([
      { type: 'ehc.family-member-linked.v1', data: { caseId: CASE, invitationId: 'inv-1', subject: 'family-jo', relationship: 'parent', linkedOn: '2025-02-03' } },
    ]);
  });

  it('refuses an expired code (Tue 4 Feb 2025), a wrong code, an unknown invitation; a used code is refused to anyone else and records nothing for the same person', () => {
    const invited = run(history(steps.request()), invite());
    spec.given(invited).when(accept('2025-02-04')).thenThrows(F.InvitationExpiredError);
    spec.given(invited).when(accept('2025-01-08', 'family-jo', OTHER_DIGEST)).thenThrows(F.InvitationNotFoundError);
    spec.given(invited).when(cmd('2025-01-08', { type: 'AcceptFamilyInvitation', invitationId: 'inv-2', codeDigest: DIGEST, subject: 'family-jo' })).thenThrows(F.InvitationNotFoundError);
    const used = run(invited, accept());
    spec.given(used).when(accept('2025-01-09', 'family-someone-else')).thenThrows(F.InvitationUsedError);
    spec.given(used).when(accept('2025-01-09')).thenNothing();
  });

  it('a person already linked cannot use a second invitation to link again', () => {
    const linked = run(history(steps.request()), invite(), accept(), invite('2025-01-09', { invitationId: 'inv-2', codeDigest: OTHER_DIGEST }));
    spec.given(linked).when(cmd('2025-01-10', { type: 'AcceptFamilyInvitation', invitationId: 'inv-2', codeDigest: OTHER_DIGEST, subject: 'family-jo' })).thenThrows(F.FamilyMemberAlreadyLinkedError);
  });

  it('the LA unlinks a member with a reason; then they have no access; unlinking someone not linked is refused', () => {
    const linked = run(history(steps.request()), invite(), accept());
    spec.given(linked).when(cmd('2025-01-10', { type: 'UnlinkFamilyMember', subject: 'family-jo', reason: 'linked-in-error' })).then([
      { type: 'ehc.family-member-unlinked.v1', data: { caseId: CASE, subject: 'family-jo', reason: 'linked-in-error', unlinkedOn: '2025-01-10' } },
    ]);
    const unlinked = run(linked, cmd('2025-01-10', { type: 'UnlinkFamilyMember', subject: 'family-jo', reason: 'linked-in-error' }));
    expect(familyAccessOf(replay(unlinked), 'family-jo', '2025-01-10')).toMatchObject({ see: false, act: false });
    spec.given(unlinked).when(cmd('2025-01-11', { type: 'UnlinkFamilyMember', subject: 'family-jo', reason: 'other' })).thenThrows(F.FamilyMemberNotLinkedError);
    spec.given(linked).when(cmd('2025-01-10', { type: 'UnlinkFamilyMember', subject: 'family-jo', reason: 'because' } as never)).thenThrows(E.InvalidCommandError);
  });
});

describe('the young person’s rights (CFA 2014 s.80, s.83(2)): born 15 Mar 2010, over compulsory school age from Sat 27 Jun 2026', () => {
  const requested = () => history(requestWithDob('2010-03-15'));

  it('refused before the end of compulsory school age (Fri 26 Jun 2026), recorded from the day after', () => {
    spec.given(requested()).when(rights('2026-06-26', true, 'see-only')).thenThrows(F.YoungPersonRightsNotApplicableError, /2026-06-26/);
    spec.given(requested()).when(rights('2026-06-27', true, 'see-only')).then([
      { type: 'ehc.young-person-rights-recorded.v1', data: { caseId: CASE, holdsRights: true, parentAccess: 'see-only', recordedOn: '2026-06-27' } },
    ]);
  });

  it('over compulsory school age, not holding the rights needs the capacity exception with its reason; under it, a capacity exception is refused', () => {
    spec.given(requested()).when(rights('2026-07-01', false, 'see-and-act')).thenThrows(F.YoungPersonRightsNotApplicableError, /capacityException/);
    spec.given(requested()).when(rights('2026-07-01', false, 'see-and-act', 'Lacks capacity to make decisions about the plan')).thenMatches([
      { data: { holdsRights: false, capacityException: 'Lacks capacity to make decisions about the plan' } },
    ]);
    spec.given(requested()).when(rights('2026-01-05', false, 'see-and-act', 'Lacks capacity')).thenThrows(F.YoungPersonRightsNotApplicableError);
    spec.given(requested()).when(rights('2026-07-01', true, 'see-only', 'Lacks capacity')).thenThrows(E.InvalidCommandError, /capacityException/);
    spec.given(requested()).when(rights('2026-07-01', true, 'everything' as never)).thenThrows(E.InvalidCommandError, /parentAccess/);
  });

  it('without a date of birth on the case, the LA’s record stands', () => {
    spec.given(history(steps.request())).when(rights('2025-02-01', true, 'none')).thenMatches([{ data: { holdsRights: true, parentAccess: 'none' } }]);
  });
});

describe('the family’s own requests, recorded as the same facts the LA records', () => {
  it('an early review while a plan is in force (CFA 2014 s.44(1); reg 20), not before', () => {
    spec.given(planInForce()).when(cmd('2026-01-12', { type: 'RequestEarlyReview', earlyReviewRequestId: 'er-1', requestedBy: 'parent-or-young-person' })).then([
      { type: 'ehc.early-review-requested.v1', data: { caseId: CASE, earlyReviewRequestId: 'er-1', requestedBy: 'parent-or-young-person', requestedOn: '2026-01-12' } },
    ]);
    spec.given(history(steps.request())).when(cmd('2025-01-12', { type: 'RequestEarlyReview', earlyReviewRequestId: 'er-1', requestedBy: 'parent-or-young-person' })).thenThrows(E.PlanNotInForceError);
  });

  it('reg 6(1)(h): asking for advice from a person they name during the assessment; the LA’s finding may use the same id', () => {
    const assessing = history(steps.request(), steps.assess());
    const ask = cmd('2025-02-10', { type: 'AskForAdvice', familyRequestId: 'fr-1', adviser: { name: 'Dr Ann Example', role: 'speech and language therapist' } });
    spec.given(assessing).when(ask).then([
      { type: 'ehc.family-advice-asked.v1', data: { caseId: CASE, assessmentId: 'asmt-1', familyRequestId: 'fr-1', adviser: { name: 'Dr Ann Example', role: 'speech and language therapist' }, askedOn: '2025-02-10' } },
    ]);
    const asked = run(assessing, ask);
    spec.given(asked).when(ask).thenThrows(E.DuplicateIdError);
    spec.given(asked).when(cmd('2025-02-12', { type: 'RecordFamilyAdviceRequest', familyRequestId: 'fr-1', adviserRef: 'slt-ann', reasonable: true })).thenMatches([
      { type: 'ehc.family-advice-request-recorded.v1', data: { familyRequestId: 'fr-1', reasonable: true } },
    ]);
    spec.given(history(steps.request())).when(ask).thenThrows(E.AssessmentNotAgreedError);
  });

  it('the response to the draft carries a meeting request and the family’s own comments (trimmed)', () => {
    const drafted = history(steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft());
    spec.given(drafted).when(cmd('2025-04-22', { type: 'RecordFamilyResponse', preferredSettingRef: 'urn-100001', meetingRequested: true, comments: ' Please add speech therapy. ' })).then([
      { type: 'ehc.family-response-received.v1', data: { caseId: CASE, planId: 'plan-1', receivedOn: '2025-04-22', preferredSettingRef: 'urn-100001', meetingRequested: true, comments: 'Please add speech therapy.' } },
    ]);
  });
});
