import { TOPICS } from '../topics';
import type { EventTypeRegistry } from '../registry';
import { arrayOf, date, dateTime, integer, object, oneOf, text, uuid } from '../schema-helpers';

export const ADVICE_AGENCIES = ['education', 'health', 'social-care'] as const;
export type AdviceAgency = (typeof ADVICE_AGENCIES)[number];

const caseId = uuid('The EHC case (also the Kafka key and the CloudEvents subject).');

export interface EhcRequestReceivedV1 { caseId: string; receivedAt: string; requesterRole: 'parent' | 'young-person' | 'school' | 'professional'; localAuthority: string }
export interface EhcDecisionToAssessV1 { caseId: string; decision: 'assess' | 'not-assess'; decidedAt: string; reasons?: string }
export interface EhcAdviceRequestedV1 { caseId: string; adviceRequestId: string; agency: AdviceAgency; adviceType: string; dueBy: string }
export interface AdviceSection { heading: string; text: string }
export interface AdviceSubmittedV1 { caseId: string; adviceRequestId: string; adviceId: string; agency: AdviceAgency; submittedAt: string; sections: AdviceSection[] }
export interface AdviceCorrectedV1 { caseId: string; adviceId: string; correctsVersion: number; reason: string; correctedAt: string; sections: AdviceSection[] }
export interface EhcDraftPlanIssuedV1 { caseId: string; planId: string; issuedAt: string; responseDueBy: string }
export interface EhcFinalPlanIssuedV1 { caseId: string; planId: string; issuedAt: string; namedPlacement?: string }
export interface TransferRequestedV1 { caseId: string; fromLocalAuthority: string; toLocalAuthority: string; requestedAt: string; reason?: string }

const section = object({ heading: text('Section heading', 200), text: text('Section text', 50_000) });
const C = '00000000-0000-4000-8000-000000000001';

/** The EHC case lifecycle and advice events the case service publishes on `tio.case.events.v1`. */
export function registerCaseEvents(registry: EventTypeRegistry): void {
  const topic = TOPICS.caseEvents;
  registry.register<EhcRequestReceivedV1>({
    name: 'ehc.request-received', version: 1, direction: 'outbound', topic,
    summary: 'A request for an EHC needs assessment was received; the statutory 20-week clock starts.',
    schema: object({
      caseId,
      receivedAt: dateTime('When the local authority received the request.'),
      requesterRole: oneOf(['parent', 'young-person', 'school', 'professional'], 'Who made the request.'),
      localAuthority: text('GSS code of the responsible local authority, e.g. E08000025.', 20),
    }),
    example: { caseId: C, receivedAt: '2025-01-06T09:30:00.000Z', requesterRole: 'parent', localAuthority: 'E08000025' },
  });
  registry.register<EhcDecisionToAssessV1>({
    name: 'ehc.decision-to-assess', version: 1, direction: 'outbound', topic,
    summary: 'The local authority decided whether to carry out an EHC needs assessment (due by week 6).',
    schema: object(
      { caseId, decision: oneOf(['assess', 'not-assess'], 'The decision.'), decidedAt: dateTime('When the decision was made.') },
      { reasons: text('Reasons given to the family.') },
    ),
    example: { caseId: C, decision: 'assess', decidedAt: '2025-02-10T12:00:00.000Z' },
  });
  registry.register<EhcAdviceRequestedV1>({
    name: 'ehc.advice-requested', version: 1, direction: 'outbound', topic,
    summary: 'Advice was requested from an agency (due within 6 weeks of the request).',
    schema: object({
      caseId,
      adviceRequestId: uuid('The advice request.'),
      agency: oneOf(ADVICE_AGENCIES, 'The agency asked for advice.'),
      adviceType: text('Kind of advice, e.g. educational-psychology, medical, social-care.', 100),
      dueBy: date('Statutory due date of the advice.'),
    }),
    example: { caseId: C, adviceRequestId: '00000000-0000-4000-8000-000000000002', agency: 'health', adviceType: 'medical', dueBy: '2025-03-24' },
  });
  registry.register<AdviceSubmittedV1>({
    name: 'advice.submitted', version: 1, direction: 'outbound', topic,
    summary: 'An agency submitted its advice for the case.',
    schema: object({
      caseId,
      adviceRequestId: uuid('The advice request it answers.'),
      adviceId: uuid('The advice.'),
      agency: oneOf(ADVICE_AGENCIES, 'The contributing agency.'),
      submittedAt: dateTime('When it was submitted.'),
      sections: arrayOf(section, 'The advice, section by section.', 1),
    }),
    example: {
      caseId: C, adviceRequestId: '00000000-0000-4000-8000-000000000002', adviceId: '00000000-0000-4000-8000-000000000003',
      agency: 'health', submittedAt: '2025-03-01T10:00:00.000Z', sections: [{ heading: 'Medical needs', text: 'Well-controlled asthma.' }],
    },
  });
  registry.register<AdviceCorrectedV1>({
    name: 'advice.corrected', version: 1, direction: 'outbound', topic,
    summary: 'Submitted advice was corrected; the earlier version stays in the record.',
    schema: object({
      caseId,
      adviceId: uuid('The advice.'),
      correctsVersion: integer('The advice version this correction supersedes.', 1),
      reason: text('Why it was corrected.', 2000),
      correctedAt: dateTime('When it was corrected.'),
      sections: arrayOf(section, 'The corrected advice, section by section.', 1),
    }),
    example: {
      caseId: C, adviceId: '00000000-0000-4000-8000-000000000003', correctsVersion: 1, reason: 'Wrong medication named',
      correctedAt: '2025-03-02T10:00:00.000Z', sections: [{ heading: 'Medical needs', text: 'Asthma; inhaler at school.' }],
    },
  });
  registry.register<EhcDraftPlanIssuedV1>({
    name: 'ehc.draft-plan-issued', version: 1, direction: 'outbound', topic,
    summary: 'A draft EHC plan was issued to the family (15 days to respond and name a placement).',
    schema: object({ caseId, planId: uuid('The plan.'), issuedAt: dateTime('When it was issued.'), responseDueBy: date('Last day for the family to respond.') }),
    example: { caseId: C, planId: '00000000-0000-4000-8000-000000000004', issuedAt: '2025-04-14T09:00:00.000Z', responseDueBy: '2025-04-29' },
  });
  registry.register<EhcFinalPlanIssuedV1>({
    name: 'ehc.final-plan-issued', version: 1, direction: 'outbound', topic,
    summary: 'The final EHC plan was issued (due by week 20).',
    schema: object(
      { caseId, planId: uuid('The plan.'), issuedAt: dateTime('When it was issued.') },
      { namedPlacement: text('The school or setting named in section I.', 300) },
    ),
    example: { caseId: C, planId: '00000000-0000-4000-8000-000000000004', issuedAt: '2025-05-19T09:00:00.000Z', namedPlacement: 'Oakfield Primary' },
  });
  registry.register<TransferRequestedV1>({
    name: 'transfer.requested', version: 1, direction: 'outbound', topic,
    summary: 'The child moved: transfer of the EHC plan to another local authority was requested.',
    schema: object(
      { caseId, fromLocalAuthority: text('GSS code of the current local authority.', 20), toLocalAuthority: text('GSS code of the new local authority.', 20), requestedAt: dateTime('When the transfer was requested.') },
      { reason: text('Why.', 2000) },
    ),
    example: { caseId: C, fromLocalAuthority: 'E08000025', toLocalAuthority: 'E08000026', requestedAt: '2025-06-01T09:00:00.000Z' },
  });
}
