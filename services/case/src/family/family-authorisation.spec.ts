import { ForbiddenException } from '@nestjs/common';
import { replay, type EhcCommand, type EhcEvent } from '@tio/ehc-domain';
import { authoriseFamilyCommand, authorisePublicRequest, PUBLIC_REQUEST_ROLE } from './family-authorisation';
import { CODE_ALPHABET, codeDigest, newInvitationCode, normaliseCode } from './invitation-codes';

const CASE = '5b1c1c1e-2f4a-4c1d-9e55-3f0a7d2b0001';
const caller = (userId: string) => ({ userId, organisationId: 'family', agency: 'family', roles: ['family'] });
const ev = (type: string, data: Record<string, unknown>) => ({ type, data: { caseId: CASE, ...data } }) as EhcEvent;
/** A case (the young person born 1 Jan 2008, over compulsory school age since 28 Jun 2024) with Jo (parent) and Sam (the young person) linked. */
const linked = (...more: EhcEvent[]) => replay([
  ev('ehc.request-received.v1', { childRef: 'c', child: { dateOfBirth: '2008-01-01' }, localAuthority: 'E10000028', source: 'parent', requestedBy: { role: 'parent' }, receivedOn: '2024-01-08' }),
  ev('ehc.family-member-linked.v1', { invitationId: 'i1', subject: 'jo', relationship: 'parent', linkedOn: '2024-01-09' }),
  ev('ehc.family-member-linked.v1', { invitationId: 'i2', subject: 'sam', relationship: 'young-person', linkedOn: '2024-01-09' }),
  ...more,
]);
const at = (date: string, body: Record<string, unknown>) => ({ caseId: CASE, at: date, ...body }) as EhcCommand;
const earlyReview = (date: string) => at(date, { type: 'RequestEarlyReview', earlyReviewRequestId: 'er', requestedBy: 'parent-or-young-person' });

describe('what a family member may record on the case (checked in the aggregate, on the state the command is decided on)', () => {
  it('given the child of compulsory school age: the parent acts; the young person does not', () => {
    expect(() => authoriseFamilyCommand(earlyReview('2024-03-01'), linked(), caller('jo'))).not.toThrow();
    expect(() => authoriseFamilyCommand(earlyReview('2024-03-01'), linked(), caller('sam'))).toThrow(/may not act/);
  });

  it('when the young person is over compulsory school age: they act, and only they choose for their parents; the parent follows the choice', () => {
    expect(() => authoriseFamilyCommand(earlyReview('2024-07-01'), linked(), caller('sam'))).not.toThrow();
    expect(() => authoriseFamilyCommand(earlyReview('2024-07-01'), linked(), caller('jo'))).toThrow(/may not act/);
    const choose = at('2024-07-01', { type: 'RecordYoungPersonRights', holdsRights: true, parentAccess: 'see-and-act' });
    expect(() => authoriseFamilyCommand(choose, linked(), caller('sam'))).not.toThrow();
    expect(() => authoriseFamilyCommand(choose, linked(), caller('jo'))).toThrow(ForbiddenException);
    expect(() => authoriseFamilyCommand({ ...choose, holdsRights: false } as EhcCommand, linked(), caller('sam'))).toThrow(/only the young person/);
    const chose = linked(ev('ehc.young-person-rights-recorded.v1', { holdsRights: true, parentAccess: 'see-and-act', recordedOn: '2024-07-01' }));
    expect(() => authoriseFamilyCommand(earlyReview('2024-07-02'), chose, caller('jo'))).not.toThrow();
  });

  it('refuses the LA’s own steps, a request made as someone else, and anyone not linked', () => {
    expect(() => authoriseFamilyCommand(at('2024-03-01', { type: 'DecideToAssess', assessmentId: 'a' }), linked(), caller('jo'))).toThrow(/family routes/);
    expect(() => authoriseFamilyCommand(at('2024-03-01', { type: 'RequestReassessment', reassessmentId: 'r', requestedBy: 'institution' }), linked(), caller('jo'))).toThrow(/as the parent or young person/);
    expect(() => authoriseFamilyCommand(earlyReview('2024-03-01'), linked(), caller('someone-else'))).toThrow(/not linked/);
  });

  it('a code links only the person signed in with it', () => {
    const accept = at('2024-03-01', { type: 'AcceptFamilyInvitation', invitationId: 'i3', codeDigest: 'a'.repeat(64), subject: 'kim' });
    expect(() => authoriseFamilyCommand(accept, linked(), caller('kim'))).not.toThrow();
    expect(() => authoriseFamilyCommand(accept, linked(), caller('jo'))).toThrow(/links the person who signed in/);
  });

  it('the public request records a request from a parent or young person and its invitation, nothing else', () => {
    expect(PUBLIC_REQUEST_ROLE).toBe('public-request');
    const request = (source: string) => at('2024-03-01', { type: 'ReceiveRequest', childRef: 'c', localAuthority: 'E10000028', source, requestedBy: { role: 'parent' } });
    expect(() => authorisePublicRequest(request('parent'))).not.toThrow();
    expect(() => authorisePublicRequest(request('young-person'))).not.toThrow();
    expect(() => authorisePublicRequest(request('school'))).toThrow(ForbiddenException);
    expect(() => authorisePublicRequest(earlyReview('2024-03-01'))).toThrow(ForbiddenException);
  });
});

describe('invitation codes', () => {
  it('15 characters of an alphabet without look-alikes (at least 60 bits), in three groups; typed in any case, with or without spaces', () => {
    expect(CODE_ALPHABET).not.toMatch(/[01ILO]/);
    expect(15 * Math.log2(CODE_ALPHABET.length)).toBeGreaterThan(60);
    const codes = Array.from({ length: 200 }, newInvitationCode);
    for (const c of codes) expect(c).toMatch(/^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
    expect(new Set(codes).size).toBe(200);
    const [code] = codes;
    expect(normaliseCode(code.toLowerCase().replace(/-/g, ' '))).toBe(code.replace(/-/g, ''));
    expect(codeDigest(code.toLowerCase())).toBe(codeDigest(code));
    expect(codeDigest(code)).toMatch(/^[0-9a-f]{64}$/);
    expect([normaliseCode('too-short'), normaliseCode('OOOOO-IIIII-LLLLL')]).toEqual([undefined, undefined]);
  });
});
