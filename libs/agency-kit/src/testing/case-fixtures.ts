import { randomUUID } from 'node:crypto';
import { TOPICS } from '@tio/contracts';
import { integrationEvent, type TestBus } from './test-bus';

export interface RequestedAdvice {
  caseId: string;
  assessmentId: string;
  adviceRequestId: string;
  adviceType: string;
  agency: string;
  dueOn: string;
}

/**
 * Publishes what the case service's forwarder publishes when a case is opened and advice is asked for:
 * `ehc.request-received.v1` then `ehc.advice-requested.v1` on `tio.case.events.v1` (key = case id).
 */
export async function publishAdviceRequest(
  bus: TestBus,
  request: { agency: string; adviceType: string; caseId?: string; assessmentId?: string; adviceRequestId?: string; requestedOn?: string; dueOn?: string; newCase?: boolean; adviserRef?: string },
): Promise<RequestedAdvice> {
  const caseId = request.caseId ?? randomUUID();
  const r: RequestedAdvice = {
    caseId,
    assessmentId: request.assessmentId ?? randomUUID(),
    adviceRequestId: request.adviceRequestId ?? randomUUID(),
    adviceType: request.adviceType,
    agency: request.agency,
    dueOn: request.dueOn ?? '2026-03-16',
  };
  if (request.newCase ?? !request.caseId) {
    await bus.publish(
      TOPICS.caseEvents,
      integrationEvent('ehc.request-received.v1', caseId, {
        caseId, childRef: 'child:5f2c91', localAuthority: 'E10000028', source: 'parent', requestedBy: { role: 'parent' }, receivedOn: '2025-12-22',
      }),
    );
  }
  await bus.publish(
    TOPICS.caseEvents,
    integrationEvent('ehc.advice-requested.v1', caseId, {
      caseId, assessmentId: r.assessmentId, adviceRequestId: r.adviceRequestId, adviceType: r.adviceType, agency: r.agency,
      requestedOn: request.requestedOn ?? '2026-02-02', dueOn: r.dueOn, ...(request.adviserRef ? { adviserRef: request.adviserRef } : {}),
    }),
  );
  return r;
}
