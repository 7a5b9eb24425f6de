import {
  ADVICE_EVENT_TYPES, type AdviceEventDataMap, type AdviceEventType, type AdviceSection, type Author, type Citation, WITHHOLDING_REASONS, type WithheldFromFamily,
} from '@tio/advice-domain';
import { ADVICE_TYPES, AGENCIES, type Agency } from '@tio/ehc-domain';
import type { JsonSchema } from '../json-schema';
import type { EventRouting, EventTypeRegistry } from '../registry';
import { arrayOf, ENCRYPTED, id, integer, isoDate, oneOf, opt, req, shapeOf, str, type FieldsOf } from '../schema-helpers';
import { TOPICS, type TopicName } from '../topics';
import { splitType } from './case-events';

/**
 * The agency services' advice events (`@tio/advice-domain`), published exactly as stored. One type goes to the
 * topic of the agency that gave the advice: education, health and social care advice to their own agency topic.
 * Advice the local authority holds itself — the parent/young person's views recorded by the family's caseworker
 * (`local-authority`) and advice from anyone else the LA asks (`other`, reg 6(1)(f)/(h)) — goes to the case topic.
 * Keyed by `Agency`, so a new agency does not compile until it has a topic.
 */
export const ADVICE_TOPIC_BY_AGENCY: Readonly<Record<Agency, TopicName>> = {
  education: TOPICS.educationEvents,
  health: TOPICS.healthEvents,
  'social-care': TOPICS.socialCareEvents,
  'local-authority': TOPICS.caseEvents,
  other: TOPICS.caseEvents,
};

/** The topic an advice event is published on. Throws for an agency outside `AGENCIES` (never guess a topic). */
export function adviceTopicFor(payload: { agency: string }): TopicName {
  const topic = (ADVICE_TOPIC_BY_AGENCY as Record<string, TopicName | undefined>)[payload?.agency];
  if (!topic || !Object.prototype.hasOwnProperty.call(ADVICE_TOPIC_BY_AGENCY, payload.agency)) {
    throw new Error(`Advice event for unknown agency ${JSON.stringify(payload?.agency)}: no topic (one of ${AGENCIES.join(', ')})`);
  }
  return topic;
}

export const ADVICE_EVENT_ROUTING: EventRouting<{ agency: string }> = {
  topics: [...new Set(Object.values(ADVICE_TOPIC_BY_AGENCY))].sort(),
  topicFor: adviceTopicFor,
};

export interface AdviceEventContract<K extends AdviceEventType> {
  schema: JsonSchema;
  example: AdviceEventDataMap[K];
}

const section = shapeOf<AdviceSection>({
  heading: req(id('Section heading.')),
  text: req(str(`Section text (may be empty when the heading says it all) ${ENCRYPTED}`)),
}, 'One section of the advice.');
const citation = shapeOf<Citation>({
  adviceId: req(id('The cited advice.')),
  version: opt(integer('The cited version.', 1)),
  agency: opt(oneOf(AGENCIES, 'The agency that gave the cited advice.')),
}, 'Advice given elsewhere that this advice refers to instead of copying it.');
const author = shapeOf<Author>({
  userRef: req(id('Opaque reference to the practitioner (never a name).')),
  organisationRef: opt(str('Opaque reference to their organisation.')),
}, 'Who recorded it.');

/** The fields every advice event shares (the domain's `EventBase`). */
const base = {
  caseId: req(id('The EHC case (a UUID assigned by the case service); equal to the Kafka key and the CloudEvents subject.')),
  assessmentId: req(id('The EHC needs assessment.')),
  agency: req(oneOf(AGENCIES, 'The agency that gave the advice; it selects the topic.')),
  adviceType: req(oneOf(ADVICE_TYPES, 'The kind of advice (SEND Regulations 2014 reg 6(1)).')),
  adviceRequestId: req(id('The case\'s request for this advice (ehc.advice-requested.v1).')),
  adviceId: req(id('The advice.')),
  version: req(integer('The advice version (1 when first submitted; each correction adds one).', 1)),
  by: req(author),
  idempotencyKey: req(id('The key of the command that recorded it (a retry with the same key records nothing).')),
  fingerprint: req({ type: 'string', pattern: '^[0-9a-f]{64}$', description: 'SHA-256 (hex) of the command content; a retry with the same key must match it.' }),
} satisfies Partial<FieldsOf<AdviceEventDataMap['advice.submitted.v1']>>;

const withheldFromFamily = opt(shapeOf<WithheldFromFamily>({
  reason: req(oneOf(WITHHOLDING_REASONS, 'The lawful ground (Data Protection Act 2018, Sch 3): serious harm, another person\'s information, or a safeguarding enquiry.')),
}, 'Present when the agency keeps this advice from the family\'s view; the latest version decides. Absent: the family sees it with the draft plan (reg 13).'));
const sections = arrayOf(section, 'The advice, section by section (may be empty when it consists of citations only).');
const citations = arrayOf(citation, 'Other advice it cites by id instead of copying it.');

const C = '5b1c1c1e-2f4a-4c1d-9e55-3f0a7d2b0001';
const KEY = {
  caseId: C, assessmentId: '7e0d4c8a-1b2c-4d3e-8f40-5a6b7c8d0002', agency: 'health', adviceType: 'medical',
  adviceRequestId: '9a1b2c3d-4e5f-4061-8728-39a4b5c60003', adviceId: 'c2d3e4f5-0617-4829-9a3b-4c5d6e7f0004',
} as const;
const BY = { userRef: 'user-3f9d2a', organisationRef: 'nhs-trust-RW3' };

export const ADVICE_EVENT_CONTRACTS: { readonly [K in AdviceEventType]: AdviceEventContract<K> } = {
  'advice.submitted.v1': {
    schema: shapeOf<AdviceEventDataMap['advice.submitted.v1']>({
      ...base,
      submittedOn: req(isoDate('The day it was given.')),
      sections: req(sections),
      citations: req(citations),
      withheldFromFamily,
    }),
    example: {
      ...KEY, version: 1, by: BY, idempotencyKey: 'RW3-EPR-88213', fingerprint: '9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d0f',
      submittedOn: '2025-03-10', sections: [{ heading: 'Health needs', text: 'Asthma, well controlled with a preventer inhaler.' }],
      citations: [{ adviceId: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c0009', version: 2, agency: 'education' }],
    },
  },
  'advice.corrected.v1': {
    schema: shapeOf<AdviceEventDataMap['advice.corrected.v1']>({
      ...base,
      supersedesVersion: req(integer('The version this one replaces (it stays in the history).', 1)),
      correctedOn: req(isoDate('The day it was corrected.')),
      reason: req(id(`Why it was corrected ${ENCRYPTED}`)),
      sections: req(sections),
      citations: req(citations),
      withheldFromFamily,
    }),
    example: {
      ...KEY, version: 2, by: { userRef: 'user-8c1e44' }, idempotencyKey: 'RW3-EPR-88213-c1', fingerprint: '0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d',
      supersedesVersion: 1, correctedOn: '2025-03-12', reason: 'Wrong inhaler named',
      sections: [{ heading: 'Health needs', text: 'Asthma; blue reliever inhaler kept in school.' }], citations: [],
    },
  },
  'advice.withdrawn.v1': {
    schema: shapeOf<AdviceEventDataMap['advice.withdrawn.v1']>({
      ...base,
      withdrawnOn: req(isoDate('The day it was withdrawn.')),
      reason: req(id(`Why it was withdrawn ${ENCRYPTED}`)),
    }),
    example: {
      ...KEY, version: 2, by: BY, idempotencyKey: 'RW3-EPR-88213-w', fingerprint: '1c2e4a6b8d0f3a5c7e9b1d3f5a7c9e0b2d4f6a8c1e3b5d7f9a0c2e4b6d8f1a3c',
      withdrawnOn: '2025-03-14', reason: 'Given for the wrong child',
    },
  },
};

/** The agency advice events, each routed to its agency's topic (see `ADVICE_TOPIC_BY_AGENCY`). */
export function registerAdviceEvents(registry: EventTypeRegistry): void {
  for (const info of ADVICE_EVENT_TYPES) {
    const contract = ADVICE_EVENT_CONTRACTS[info.type];
    if (!contract) throw new Error(`No contract for advice event type ${info.type}: add it to ADVICE_EVENT_CONTRACTS`);
    const [name, version] = splitType(info.type);
    registry.register<{ agency: string }>({
      name, version, direction: 'outbound', routing: ADVICE_EVENT_ROUTING,
      summary: info.summary,
      regulation: info.regulation,
      description:
        'Published exactly as the agency service stores it (the advice domain event), on the topic of the agency that gave it: ' +
        Object.entries(ADVICE_TOPIC_BY_AGENCY).map(([agency, topic]) => `${agency} -> ${topic}`).join(', ') + '.',
      schema: contract.schema,
      example: contract.example,
    });
  }
}
