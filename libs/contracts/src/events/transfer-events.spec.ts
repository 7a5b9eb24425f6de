import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { TRANSFER_EVENT_TYPES, TRANSFER_KINDS, transferDecider, type TransferCommand, type TransferEvent, type TransferKind } from '@tio/transfer-domain';
import { TOPICS } from '../topics';
import { integrationEvents } from './index';

/*
 * Drift-proofing for transfers: every transfer event type is registered on the case topic, published as stored, and
 * the events the real transfer decider produces (every kind, every step, optional fields present and absent)
 * validate against the registered schemas (Ajv strict, formats, additionalProperties false).
 */
const ajv = new Ajv({ strict: true, allErrors: true });
addFormats(ajv);
function invalid(events: TransferEvent[]) {
  return events.flatMap((e) => {
    const t = integrationEvents.get(e.type);
    if (!t) return [{ type: e.type, errors: ['not registered'] }];
    const v = ajv.compile(t.schema);
    return v(e.data) ? [] : [{ type: e.type, errors: (v.errors ?? []).map((x) => `${x.instancePath} ${x.message}`) }];
  });
}
function run(commands: TransferCommand[]): TransferEvent[] {
  let state = transferDecider.initialState();
  const out: TransferEvent[] = [];
  for (const c of commands) for (const e of transferDecider.decide(c, state)) {
    out.push(e);
    state = transferDecider.evolve(state, e);
  }
  return out;
}
interface V { kind: TransferKind; transferId: string; planId?: string; fundingRef?: string; adviceIds: string[]; reason?: string; note?: string; willReassess: boolean }
function lifecycle(v: V, end: 'complete' | 'decline' | 'cancel'): TransferCommand[] {
  const base = { caseId: 'c-1', transferId: v.transferId };
  const from = 'ORG-A';
  const to = 'ORG-B';
  const moves = { adviceIds: v.adviceIds, ...(v.planId ? { planId: v.planId } : {}), ...(v.fundingRef ? { fundingRef: v.fundingRef } : {}) };
  const extra = v.kind === 'local-authority' ? { moveOn: '2025-04-14', lastReviewOn: '2024-11-20', planMadeOn: '2023-11-20' } : v.kind === 'adult-services' ? { adulthoodOn: '2025-04-14' } : {};
  const cmds: TransferCommand[] = [{ ...base, type: 'RequestTransfer', by: from, at: '2025-03-03', kind: v.kind, toOrganisation: to, moves, ...extra, ...(v.reason ? { reason: v.reason } : {}) }];
  // reg 16: a new NHS commissioning body cannot decline; it may ask the LA for an assessment or review instead
  if (end === 'decline' && v.kind === 'nhs-body') return [...cmds, { ...base, type: 'AcceptTransfer', by: to, at: '2025-03-04', asksLocalAuthorityFor: v.willReassess ? 'review' : 'assessment' }];
  if (end === 'decline') return [...cmds, { ...base, type: 'DeclineTransfer', by: to, at: '2025-03-04', reason: 'No capacity' }];
  if (end === 'cancel') return [...cmds, { ...base, type: 'CancelTransfer', by: from, at: '2025-03-04', reason: 'Not moving' }];
  cmds.push({ ...base, type: 'AcceptTransfer', by: to, at: '2025-03-10', ...(v.kind === 'adult-services' ? { transitionAssessedOn: '2025-03-05' } : {}), ...(v.note ? { note: v.note } : {}) });
  cmds.push({ ...base, type: 'CompleteTransfer', by: from, at: '2025-04-14' });
  cmds.push({ ...base, type: 'AcknowledgeTransfer', by: to, at: '2025-04-14' });
  // reg 15(4)-(5): when the new LA will review, at the latest 19 Nov 2025 (12 months starting with the review of 20 Nov 2024)
  if (v.kind === 'local-authority') cmds.push({ ...base, type: 'DecideReassessment', by: to, at: '2025-05-01', willReassess: v.willReassess, ...(v.willReassess ? { reviewOn: '2025-11-19' } : {}) });
  return cmds;
}
const fixed: V = { kind: 'local-authority', transferId: 't-1', planId: 'p-1', fundingRef: 'f-1', adviceIds: ['a-1'], reason: 'family moves', note: 'ok', willReassess: true };

describe('transfer events: registered, and the real decider’s events validate', () => {
  it('registers every TRANSFER_EVENT_TYPES entry on tio.case.events.v1, as stored', () => {
    for (const info of TRANSFER_EVENT_TYPES) {
      const t = integrationEvents.get(info.type);
      expect({ type: info.type, topics: t?.topics, direction: t?.direction, summary: t?.summary }).toEqual({ type: info.type, topics: [TOPICS.caseEvents], direction: 'outbound', summary: info.summary });
      expect(integrationEvents.forStoredType(info.type)).toBe(t);
      expect(t?.toPayload).toBeUndefined();
    }
  });
  it('the lifecycles of every kind produce every transfer event type, and all validate', () => {
    const events = TRANSFER_KINDS.flatMap((kind) => (['complete', 'decline', 'cancel'] as const).flatMap((end) => run(lifecycle({ ...fixed, kind }, end))));
    expect([...new Set(events.map((e) => e.type))].sort()).toEqual(TRANSFER_EVENT_TYPES.map((t) => t.type).sort());
    expect(invalid(events)).toEqual([]);
  });
  it('property: arbitrary ids, optional fields and kinds still validate', () => {
    const idArb = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== '');
    fc.assert(fc.property(
      fc.record({
        kind: fc.constantFrom(...TRANSFER_KINDS), transferId: idArb, planId: fc.option(idArb, { nil: undefined }), fundingRef: fc.option(idArb, { nil: undefined }),
        adviceIds: fc.array(idArb, { maxLength: 3 }), reason: fc.option(idArb, { nil: undefined }), note: fc.option(idArb, { nil: undefined }), willReassess: fc.boolean(),
      }),
      fc.constantFrom('complete' as const, 'decline' as const, 'cancel' as const),
      (v, end) => {
        const clean = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as unknown as V;
        expect(invalid(run(lifecycle(clean, end)))).toEqual([]);
      },
    ), { numRuns: 100 });
  });
});
