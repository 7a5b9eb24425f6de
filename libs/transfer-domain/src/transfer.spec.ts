import { DeciderSpecification } from '@tio/ehc-domain/testing';
import {
  describeTransfer, responsibility, responsibilityPeriods, transferDeadlines, transferDecider, type TransferCommand, type TransferEvent,
  InvalidTransferCommandError, TransferAlreadyAnsweredError, TransferAlreadyCompletedError, TransferAlreadyRecordedError, TransferAlreadyRequestedError,
  TransferChronologyError, TransferClosedError, TransferKindRuleError, TransferNotAcceptedError, TransferNotCompletedError, TransferNotRequestedError,
  TransferWrongCaseError, WrongOrganisationError, TRANSFER_EVENT_TYPES,
} from './index';

const spec = DeciderSpecification(transferDecider);
const caseId = 'case-1';
const transferId = 't-1';
const OLD = 'E08000025'; // Birmingham
const NEW = 'E08000026'; // Coventry
const base = { caseId, transferId };
const moves = { planId: 'plan-1', adviceIds: ['adv-1', 'adv-2'], fundingRef: 'hn-2025-77' };

// ---- a reg 15 move with plenty of notice --------------------------------------------------------------------------
const requested: TransferEvent = {
  type: 'transfer.requested.v1',
  data: { ...base, kind: 'local-authority', fromOrganisation: OLD, toOrganisation: NEW, requestedOn: '2025-03-03', learnedOn: '2025-03-03', proposedOn: '2025-04-14', moveOn: '2025-04-14', transferDueOn: '2025-04-14', lastReviewOn: '2024-11-20', moves },
};
const accepted: TransferEvent = { type: 'transfer.accepted.v1', data: { ...base, organisation: NEW, acceptedOn: '2025-03-10' } };
const completed: TransferEvent = { type: 'transfer.completed.v1', data: { ...base, organisation: OLD, completedOn: '2025-04-14', moved: moves } };
const acknowledged: TransferEvent = { type: 'transfer.acknowledged.v1', data: { ...base, organisation: NEW, acknowledgedOn: '2025-04-14' } };
const cmd = <T extends TransferCommand['type']>(type: T, by: string, at: string, more: Record<string, unknown> = {}) => ({ type, ...base, by, at, ...more }) as unknown as TransferCommand;

describe('requesting a transfer (by the organisation responsible now)', () => {
  it('given nothing, when the old LA requests a reg 15 transfer with 15+ working days notice, then the plan is due on the day of the move', () => {
    spec.given([]).when(cmd('RequestTransfer', OLD, '2025-03-03', { kind: 'local-authority', toOrganisation: NEW, moveOn: '2025-04-14', lastReviewOn: '2024-11-20', moves })).then([requested]);
  });
  it('with less than 15 working days notice, then the plan is due 15 working days from learning of the move (bank holidays skipped)', () => {
    const [e] = spec.given([]).when(cmd('RequestTransfer', OLD, '2025-04-08', { kind: 'local-authority', toOrganisation: NEW, learnedOn: '2025-04-07', moveOn: '2025-04-14' })).thenMatches([{ type: 'transfer.requested.v1' }]);
    // 7 Apr + 15 working days, skipping Good Friday 18 Apr and Easter Monday 21 Apr 2025
    expect(e.data).toMatchObject({ learnedOn: '2025-04-07', requestedOn: '2025-04-08', transferDueOn: '2025-04-29', proposedOn: '2025-04-14', moves: { adviceIds: [] } });
  });
  it('a second request on the same stream is refused', () => {
    spec.given([requested]).when(cmd('RequestTransfer', OLD, '2025-03-04', { kind: 'local-authority', toOrganisation: NEW, moveOn: '2025-04-14' })).thenThrows(TransferAlreadyRequestedError);
  });
  it.each([
    ['no move date for an LA transfer', { kind: 'local-authority', toOrganisation: NEW }, TransferKindRuleError],
    ['no 18th birthday for adult services', { kind: 'adult-services', toOrganisation: 'ASC-1' }, TransferKindRuleError],
    ['a move date on a school transfer', { kind: 'school', toOrganisation: 'urn:2', moveOn: '2025-04-01' }, TransferKindRuleError],
    ['an unknown kind', { kind: 'prison', toOrganisation: NEW }, InvalidTransferCommandError],
    ['to itself', { kind: 'school', toOrganisation: OLD }, InvalidTransferCommandError],
    ['a bad date', { kind: 'school', toOrganisation: 'urn:2', proposedOn: '2025-13-01' }, InvalidTransferCommandError],
    ['learned after the request', { kind: 'school', toOrganisation: 'urn:2', learnedOn: '2025-03-05' }, TransferChronologyError],
  ])('refuses %s', (_what, more, Err) => {
    spec.given([]).when(cmd('RequestTransfer', OLD, '2025-03-03', more)).thenThrows(Err);
  });
});

describe('accepting or declining (by the receiving organisation only)', () => {
  it('the new LA accepts', () => {
    spec.given([requested]).when(cmd('AcceptTransfer', NEW, '2025-03-10')).then([accepted]);
  });
  it('anyone else accepting is refused, naming the receiver', () => {
    spec.given([requested]).when(cmd('AcceptTransfer', OLD, '2025-03-10')).thenThrows(WrongOrganisationError, /receiving organisation E08000026/);
    spec.given([requested]).when(cmd('AcceptTransfer', 'E09000001', '2025-03-10')).thenThrows(WrongOrganisationError);
  });
  it('accepting an unknown transfer, or one of another case, is refused', () => {
    spec.given([]).when(cmd('AcceptTransfer', NEW, '2025-03-10')).thenThrows(TransferNotRequestedError);
    spec.given([requested]).when({ ...(cmd('AcceptTransfer', NEW, '2025-03-10') as object), caseId: 'case-2' } as TransferCommand).thenThrows(TransferWrongCaseError);
  });
  it('the new LA declines with its reason; the old LA stays responsible', () => {
    spec.given([requested]).when(cmd('DeclineTransfer', NEW, '2025-03-10', { reason: 'The family is not resident in our area' })).thenState((s) => {
      expect(s.status).toBe('declined');
      expect(s.declined).toEqual({ on: '2025-03-10', reason: 'The family is not resident in our area' });
    });
    const declined: TransferEvent = { type: 'transfer.declined.v1', data: { ...base, organisation: NEW, declinedOn: '2025-03-10', reason: 'no' } };
    expect(responsibility([requested, declined], '2025-12-01')).toMatchObject({ organisation: OLD, stage: 'declined' });
  });
  it('a decline needs a reason; a second answer is refused; accepting before the request is refused', () => {
    spec.given([requested]).when(cmd('DeclineTransfer', NEW, '2025-03-10', { reason: ' ' })).thenThrows(InvalidTransferCommandError);
    spec.given([requested, accepted]).when(cmd('DeclineTransfer', NEW, '2025-03-11', { reason: 'changed our mind' })).thenThrows(TransferAlreadyAnsweredError);
    spec.given([requested, accepted]).when(cmd('AcceptTransfer', NEW, '2025-03-11')).thenThrows(TransferAlreadyAnsweredError);
    spec.given([requested]).when(cmd('AcceptTransfer', NEW, '2025-03-01')).thenThrows(TransferChronologyError);
  });
});

describe('completing (sending side) and acknowledging (receiving side)', () => {
  it('the old LA completes on the day of the move; what moves is recorded (default: what the request said)', () => {
    spec.given([requested, accepted]).when(cmd('CompleteTransfer', OLD, '2025-04-14')).then([completed]);
  });
  it('what actually moved can differ from the request', () => {
    spec.given([requested, accepted]).when(cmd('CompleteTransfer', OLD, '2025-04-14', { moved: { adviceIds: ['adv-1'], fundingRef: 'hn-9' } }))
      .thenMatches([{ data: { moved: { planId: 'plan-1', adviceIds: ['adv-1'], fundingRef: 'hn-9' } } }]);
  });
  it('completion before acceptance is refused: nobody would be responsible', () => {
    spec.given([requested]).when(cmd('CompleteTransfer', OLD, '2025-04-14')).thenThrows(TransferNotAcceptedError);
  });
  it('completion by the receiving side is refused', () => {
    spec.given([requested, accepted]).when(cmd('CompleteTransfer', NEW, '2025-04-14')).thenThrows(WrongOrganisationError, /sending organisation E08000025/);
  });
  it('a second completion is refused', () => {
    spec.given([requested, accepted, completed]).when(cmd('CompleteTransfer', OLD, '2025-04-15')).thenThrows(TransferAlreadyCompletedError);
  });
  it('completing a declined or cancelled transfer is refused', () => {
    const declined: TransferEvent = { type: 'transfer.declined.v1', data: { ...base, organisation: NEW, declinedOn: '2025-03-10', reason: 'no' } };
    spec.given([requested, declined]).when(cmd('CompleteTransfer', OLD, '2025-04-14')).thenThrows(TransferClosedError);
    const cancelled: TransferEvent = { type: 'transfer.cancelled.v1', data: { ...base, organisation: OLD, cancelledOn: '2025-03-20', reason: 'family not moving' } };
    spec.given([requested, accepted, cancelled]).when(cmd('CompleteTransfer', OLD, '2025-04-14')).thenThrows(TransferClosedError);
  });
  it('completion dated before the acceptance is refused', () => {
    spec.given([requested, accepted]).when(cmd('CompleteTransfer', OLD, '2025-03-09')).thenThrows(TransferChronologyError);
  });
  it('the receiving side acknowledges once, after completion, and only it', () => {
    spec.given([requested, accepted, completed]).when(cmd('AcknowledgeTransfer', NEW, '2025-04-14')).then([acknowledged]);
    spec.given([requested, accepted]).when(cmd('AcknowledgeTransfer', NEW, '2025-04-14')).thenThrows(TransferNotCompletedError);
    spec.given([requested, accepted, completed]).when(cmd('AcknowledgeTransfer', OLD, '2025-04-14')).thenThrows(WrongOrganisationError);
    spec.given([requested, accepted, completed, acknowledged]).when(cmd('AcknowledgeTransfer', NEW, '2025-04-15')).thenThrows(TransferAlreadyRecordedError);
  });
  it('only the sending side cancels, and not after completion', () => {
    spec.given([requested]).when(cmd('CancelTransfer', NEW, '2025-03-05', { reason: 'x' })).thenThrows(WrongOrganisationError);
    spec.given([requested, accepted, completed]).when(cmd('CancelTransfer', OLD, '2025-04-20', { reason: 'x' })).thenThrows(TransferAlreadyCompletedError);
    spec.given([requested]).when(cmd('CancelTransfer', OLD, '2025-03-05', { reason: 'the family stays' })).thenMatches([{ type: 'transfer.cancelled.v1', data: { organisation: OLD, reason: 'the family stays' } }]);
  });
});

describe('reg 15 after the transfer: the new LA decides whether to reassess, and reviews', () => {
  it('the new LA decides within 6 weeks; the deadline shows met', () => {
    const [decided] = spec.given([requested, accepted, completed]).when(cmd('DecideReassessment', NEW, '2025-05-01', { willReassess: false })).then([
      { type: 'transfer.reassessment-decided.v1', data: { ...base, organisation: NEW, willReassess: false, decidedOn: '2025-05-01' } },
    ]);
    const d = transferDeadlines([requested, accepted, completed, decided], '2025-06-30');
    expect(d.find((x) => x.id === 'reassessment-decision')).toMatchObject({ responsible: NEW, dueOn: '2025-05-26', metOn: '2025-05-01', status: 'met' });
  });
  it('only after completion, only by the new LA, only once, only for LA transfers', () => {
    spec.given([requested, accepted]).when(cmd('DecideReassessment', NEW, '2025-04-01', { willReassess: true })).thenThrows(TransferNotCompletedError);
    spec.given([requested, accepted, completed]).when(cmd('DecideReassessment', OLD, '2025-04-20', { willReassess: true })).thenThrows(WrongOrganisationError);
    const school: TransferEvent = { type: 'transfer.requested.v1', data: { ...base, kind: 'school', fromOrganisation: 'urn:1', toOrganisation: 'urn:2', requestedOn: '2025-03-01', learnedOn: '2025-03-01', proposedOn: '2025-04-22', moves: { adviceIds: [] } } };
    spec.given([school]).when(cmd('DecideReassessment', 'urn:2', '2025-04-20', { willReassess: true })).thenThrows(TransferKindRuleError);
  });
  it('deadlines: plan transfer met on the move day; review within 12 months of the last review or 3 months of the transfer, whichever later', () => {
    const d = transferDeadlines([requested, accepted, completed], '2025-05-30');
    expect(d.find((x) => x.id === 'plan-transfer')).toMatchObject({ responsible: OLD, dueOn: '2025-04-14', metOn: '2025-04-14', status: 'met' });
    expect(d.find((x) => x.id === 'reassessment-decision')).toMatchObject({ dueOn: '2025-05-26', status: 'overdue' });
    // last review 20 Nov 2024 -> within 12 months: 19 Nov 2025; 3 months of the transfer: 14 Jul 2025; the later one
    expect(d.find((x) => x.id === 'review-after-transfer')).toMatchObject({ responsible: NEW, dueOn: '2025-11-19' });
  });
  it('a late transfer shows late; an unfinished one overdue; the deadlines as at a date only count facts up to it', () => {
    const late: TransferEvent = { type: 'transfer.completed.v1', data: { ...base, organisation: OLD, completedOn: '2025-04-22', moved: moves } };
    expect(transferDeadlines([requested, accepted, late], '2025-05-01').find((x) => x.id === 'plan-transfer')).toMatchObject({ status: 'late', metOn: '2025-04-22' });
    expect(transferDeadlines([requested, accepted, late], '2025-04-16').find((x) => x.id === 'plan-transfer')).toMatchObject({ status: 'overdue' });
    expect(transferDeadlines([requested, accepted, late], '2025-04-16').find((x) => x.id === 'reassessment-decision')).toBeUndefined();
  });
});

describe('reg 15(4)-(5): when the new LA reviews', () => {
  const jan = (more: Record<string, unknown>) => {
    const req = spec.given([]).when(cmd('RequestTransfer', OLD, '2024-12-02', { kind: 'local-authority', toOrganisation: NEW, moveOn: '2025-01-10', ...more })).thenMatches([{ type: 'transfer.requested.v1' }]);
    const acc = spec.given(req).when(cmd('AcceptTransfer', NEW, '2024-12-09')).thenMatches([{ type: 'transfer.accepted.v1' }]);
    const done = spec.given([...req, ...acc]).when(cmd('CompleteTransfer', OLD, '2025-01-10')).thenMatches([{ type: 'transfer.completed.v1' }]);
    return [...req, ...acc, ...done];
  };
  const reviewDue = (events: TransferEvent[]) => transferDeadlines(events, '2025-01-20').find((x) => x.id === 'review-after-transfer')?.dueOn;
  it('reg 15(5)(b): "3 months beginning with" a transfer on 10 Jan 2025 end on 9 Apr 2025 (10 Jan-9 Feb, 10 Feb-9 Mar, 10 Mar-9 Apr), not 10 Apr', () => {
    // last reviewed 1 Mar 2024: 12 months starting with it end 28 Feb 2025, earlier than 9 Apr 2025
    expect(reviewDue(jan({ lastReviewOn: '2024-03-01' }))).toBe('2025-04-09');
  });
  it('reg 15(5)(a): with no review yet, the 12-month limb runs from the plan: made 1 Jun 2024 -> 31 May 2025, later than 9 Apr 2025', () => {
    expect(reviewDue(jan({ planMadeOn: '2024-06-01' }))).toBe('2025-05-31');
    // neither date given: only the 3-month limb is known, and the deadline says so
    const unknown = transferDeadlines(jan({}), '2025-01-20').find((x) => x.id === 'review-after-transfer');
    expect(unknown).toMatchObject({ dueOn: '2025-04-09', what: expect.stringContaining('only the 3-month limb') });
  });
  it('reg 15(4)(a): the new LA records when it will review; a date after the reg 15(5) limit is refused', () => {
    const events = jan({ planMadeOn: '2024-06-01' });
    const [decided] = spec.given(events).when(cmd('DecideReassessment', NEW, '2025-02-14', { willReassess: false, reviewOn: '2025-05-31' })).thenMatches([{ data: { reviewOn: '2025-05-31' } }]);
    expect(transferDeadlines([...events, decided], '2025-02-20').find((x) => x.id === 'review-after-transfer')?.what).toContain('planned for 2025-05-31');
    spec.given(events).when(cmd('DecideReassessment', NEW, '2025-02-14', { willReassess: false, reviewOn: '2025-06-01' })).thenThrows(TransferChronologyError, /reg 15\(5\): the new LA must review by 2025-05-31/);
  });
});

describe('responsibility(events, at): exactly one organisation at every moment', () => {
  const events = [requested, accepted, completed, acknowledged];
  it('the sending side stays responsible through request and acceptance, until the day of completion', () => {
    expect(responsibility(events, '2025-01-01')).toMatchObject({ organisation: OLD, stage: 'before-request', handoverPending: false });
    expect(responsibility(events, '2025-03-05')).toMatchObject({ organisation: OLD, stage: 'requested', handoverPending: true });
    expect(responsibility(events, '2025-04-13')).toMatchObject({ organisation: OLD, stage: 'accepted', handoverPending: true });
    expect(responsibility(events, '2025-04-14')).toMatchObject({ organisation: NEW, side: 'receiving', since: '2025-04-14', stage: 'completed' });
  });
  it('accepts instants, read as the day in England (BST)', () => {
    expect(responsibility(events, '2025-04-13T22:59:59.000Z').organisation).toBe(OLD); // 23:59:59 BST on the 13th
    expect(responsibility(events, '2025-04-13T23:00:00.000Z').organisation).toBe(NEW); // midnight BST on the 14th
  });
  it('every day from a year before to a year after has exactly one responsible organisation, and the periods meet without gap or overlap', () => {
    const seen = new Set<string>();
    for (let t = Date.parse('2024-03-01'); t <= Date.parse('2026-03-01'); t += 86_400_000) {
      const r = responsibility(events, new Date(t).toISOString().slice(0, 10));
      expect([OLD, NEW]).toContain(r.organisation);
      seen.add(r.organisation);
    }
    expect(seen.size).toBe(2);
    const periods = responsibilityPeriods(events);
    expect(periods).toEqual([{ organisation: OLD, until: '2025-04-14' }, { organisation: NEW, from: '2025-04-14' }]);
  });
  it('with no events there is no transfer to ask about', () => {
    expect(() => responsibility([], '2025-01-01')).toThrow(TransferNotRequestedError);
  });
});

describe('the other kinds', () => {
  it('school to school: the new setting admits, funding follows the child on the start day', () => {
    const req = spec.given([]).when(cmd('RequestTransfer', 'urn:100001', '2025-06-02', { kind: 'school', toOrganisation: 'urn:100002', proposedOn: '2025-09-03', moves: { planId: 'plan-1', adviceIds: [], fundingRef: 'top-up-1' } }))
      .thenMatches([{ type: 'transfer.requested.v1', data: { kind: 'school', proposedOn: '2025-09-03', moves: { fundingRef: 'top-up-1' } } }]);
    const acc = spec.given(req).when(cmd('AcceptTransfer', 'urn:100002', '2025-06-20', { note: 'place offered' })).thenMatches([{ type: 'transfer.accepted.v1' }]);
    const done = spec.given([...req, ...acc]).when(cmd('CompleteTransfer', 'urn:100001', '2025-09-03')).thenMatches([{ type: 'transfer.completed.v1', data: { moved: { fundingRef: 'top-up-1' } } }]);
    const all = [...req, ...acc, ...done];
    expect(responsibility(all, '2025-09-02').organisation).toBe('urn:100001');
    expect(responsibility(all, '2025-09-03').organisation).toBe('urn:100002');
    expect(transferDeadlines(all, '2025-09-10').map((d) => [d.id, d.status])).toEqual([['answer', 'met']]);
  });
  describe('NHS body (reg 16): the old body notifies the new one, which makes the health provision or asks the LA within 15 working days', () => {
    // the old ICB learned of the change on Mon 3 Mar 2025 and notified the new one (the request) on Mon 10 Mar 2025
    const notify = () => spec.given([]).when(cmd('RequestTransfer', 'ICB-QHL', '2025-03-10', { kind: 'nhs-body', toOrganisation: 'ICB-QWU', learnedOn: '2025-03-03' })).thenMatches([{ data: { kind: 'nhs-body' } }]);
    it('reg 16(2): the notification is the old body’s duty, due 15 working days beginning with learning of the change', () => {
      // 15 working days beginning with Mon 3 Mar: 3-7, 10-14, 17-21 Mar -> Fri 21 Mar 2025
      expect(transferDeadlines(notify(), '2025-03-12').find((x) => x.id === 'notify-commissioning-body')).toMatchObject({ responsible: 'ICB-QHL', dueOn: '2025-03-21', metOn: '2025-03-10', status: 'met' });
    });
    it('reg 16(3): the new body holds the health provision from the notification, not the old body until a completion', () => {
      const req = notify();
      expect(responsibility(req, '2025-03-09').organisation).toBe('ICB-QHL');
      expect(responsibility(req, '2025-03-10')).toMatchObject({ organisation: 'ICB-QWU', side: 'receiving', since: '2025-03-10' });
      expect(responsibilityPeriods(req)).toEqual([{ organisation: 'ICB-QHL', until: '2025-03-10' }, { organisation: 'ICB-QWU', from: '2025-03-10' }]);
    });
    it('reg 16(4): a request for a review on the 15th working day beginning with the notification (Fri 28 Mar 2025) is in time; on Mon 31 Mar it is late', () => {
      // 15 working days beginning with Mon 10 Mar: 10-14, 17-21, 24-28 Mar -> Fri 28 Mar 2025
      const req = notify();
      const inTime = spec.given(req).when(cmd('AcceptTransfer', 'ICB-QWU', '2025-03-28', { asksLocalAuthorityFor: 'review' })).thenMatches([{ data: { asksLocalAuthorityFor: 'review' } }]);
      expect(transferDeadlines([...req, ...inTime], '2025-04-01').find((x) => x.id === 'health-provision-or-request')).toMatchObject({ responsible: 'ICB-QWU', dueOn: '2025-03-28', status: 'met' });
      const late = spec.given(req).when(cmd('AcceptTransfer', 'ICB-QWU', '2025-03-31', { asksLocalAuthorityFor: 'assessment' })).thenMatches([{ type: 'transfer.accepted.v1' }]);
      expect(transferDeadlines([...req, ...late], '2025-04-01').find((x) => x.id === 'health-provision-or-request')?.status).toBe('late');
      // without a request by then the window closes: the new body makes the provision as the plan stands
      expect(transferDeadlines(req, '2025-03-28').find((x) => x.id === 'health-provision-or-request')?.status).toBe('window-open');
      expect(transferDeadlines(req, '2025-03-31').find((x) => x.id === 'health-provision-or-request')?.status).toBe('window-closed');
    });
    it('the new body cannot decline; only a new NHS body asks the LA for an assessment or review', () => {
      spec.given(notify()).when(cmd('DeclineTransfer', 'ICB-QWU', '2025-03-12', { reason: 'not ours' })).thenThrows(TransferKindRuleError, /reg 16/);
      spec.given(notify()).when(cmd('AcceptTransfer', 'ICB-QWU', '2025-03-12', { asksLocalAuthorityFor: 'surgery' })).thenThrows(InvalidTransferCommandError);
      spec.given([requested]).when(cmd('AcceptTransfer', NEW, '2025-03-10', { asksLocalAuthorityFor: 'review' })).thenThrows(TransferKindRuleError);
    });
  });
  it('adult services: accepted after a transition assessment before 18; children’s services stay responsible until 18', () => {
    const req = spec.given([]).when(cmd('RequestTransfer', 'CSC-1', '2024-09-10', { kind: 'adult-services', toOrganisation: 'ASC-1', adulthoodOn: '2025-11-01' })).thenMatches([{ data: { proposedOn: '2025-11-01' } }]);
    spec.given(req).when(cmd('AcceptTransfer', 'ASC-1', '2025-05-01')).thenThrows(TransferKindRuleError, /transition assessment/);
    const acc = spec.given(req).when(cmd('AcceptTransfer', 'ASC-1', '2025-05-01', { transitionAssessedOn: '2025-04-20' })).thenMatches([{ data: { transitionAssessedOn: '2025-04-20' } }]);
    spec.given([...req, ...acc]).when(cmd('CompleteTransfer', 'CSC-1', '2025-10-31')).thenThrows(TransferKindRuleError, /until the young person turns 18/);
    const done = spec.given([...req, ...acc]).when(cmd('CompleteTransfer', 'CSC-1', '2025-11-01')).thenMatches([{ type: 'transfer.completed.v1' }]);
    const d = transferDeadlines([...req, ...acc, ...done], '2025-11-02');
    expect(d.find((x) => x.id === 'transition-assessment')).toMatchObject({ responsible: 'ASC-1', dueOn: '2025-10-31', metOn: '2025-04-20', status: 'met' });
    expect(d.find((x) => x.id === 'transition-planning')).toMatchObject({ startsOn: '2021-11-01' });
  });
});

describe('describeTransfer and the event catalogue', () => {
  it('summarises state, deadlines and responsibility on a day', () => {
    const r = describeTransfer([requested, accepted], '2025-04-01');
    expect(r.state.status).toBe('accepted');
    expect(r.responsibleOn).toMatchObject({ on: '2025-04-01', organisation: OLD });
    expect(r.deadlines.map((d) => d.id)).toEqual(['plan-transfer', 'answer']);
  });
  it('lists every event type once, versioned, in the transfer.<step> namespace', () => {
    const types = TRANSFER_EVENT_TYPES.map((t) => t.type);
    expect(new Set(types).size).toBe(types.length);
    for (const t of types) expect(t).toMatch(/^transfer\.[a-z-]+\.v\d+$/);
  });
});
