import { DeciderSpecification } from '@tio/ehc-domain/testing';
import type { RequestTransfer } from './decider';
import { TransferAlreadyRequestedError } from './errors';
import { closingOutcome, transferRegisterDecider, type TransferRegisterEvent } from './register';

const spec = DeciderSpecification(transferRegisterDecider);
const request = (transferId: string, kind: RequestTransfer['kind'] = 'school'): RequestTransfer => ({
  type: 'RequestTransfer', caseId: 'case-1', transferId, by: 'urn:100001', at: '2026-06-01', kind, toOrganisation: 'urn:100002',
});
const opened = (transferId: string, kind: RequestTransfer['kind'] = 'school'): TransferRegisterEvent => ({
  type: 'transfer-register.opened.v1', data: { caseId: 'case-1', transferId, kind, request: request(transferId, kind) },
});
const closed = (transferId: string, outcome: 'completed' | 'cancelled' | 'declined' = 'completed'): TransferRegisterEvent => ({
  type: 'transfer-register.closed.v1', data: { caseId: 'case-1', transferId, kind: 'school', outcome },
});
const open = (transferId: string, kind: RequestTransfer['kind'] = 'school') => ({ type: 'OpenTransfer' as const, caseId: 'case-1', request: request(transferId, kind) });
const close = (transferId: string) => ({ type: 'CloseTransfer' as const, caseId: 'case-1', transferId, kind: 'school' as const, outcome: 'completed' as const });

describe('the transfer register: one open transfer of a kind per case', () => {
  it('given no open transfer, when one is requested, then it is opened with the whole request', () => {
    spec.given([]).when(open('t1')).then([opened('t1')]);
  });
  it('given an open school transfer, when another school transfer is requested, then it is refused naming the open one', () => {
    const error = spec.given([opened('t1')]).when(open('t2')).thenThrows(TransferAlreadyRequestedError, /t1 \(school\) is still open/);
    expect(error).toMatchObject({ details: { transferId: 't1' } });
  });
  it('given an open school transfer, when a transfer of another kind is requested, then it is opened', () => {
    spec.given([opened('t1')]).when(open('t2', 'nhs-body')).thenMatches([{ type: 'transfer-register.opened.v1', data: { kind: 'nhs-body', transferId: 't2' } }]);
  });
  it('given an open transfer, when the same one is opened again (a retry), then nothing new is recorded', () => {
    spec.given([opened('t1')]).when(open('t1')).thenNothing();
  });
  it('given a closed transfer, when a new one of its kind is requested, then it is opened', () => {
    spec.given([opened('t1'), closed('t1', 'cancelled')]).when(open('t2')).then([opened('t2')]);
  });
  it('closes only the transfer that is open: a close of another or of an already closed one records nothing', () => {
    spec.given([opened('t1')]).when(close('t1')).then([closed('t1')]);
    spec.given([opened('t1')]).when(close('t9')).thenNothing();
    spec.given([opened('t1'), closed('t1')]).when(close('t1')).thenNothing();
  });
  it('a completion, cancellation or decline closes a transfer; the other steps do not', () => {
    expect(['transfer.completed.v1', 'transfer.cancelled.v1', 'transfer.declined.v1', 'transfer.accepted.v1', 'transfer.requested.v1'].map(closingOutcome))
      .toEqual(['completed', 'cancelled', 'declined', undefined, undefined]);
  });
});
