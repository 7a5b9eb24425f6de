import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Min, ValidateNested } from 'class-validator';
import { AGENCIES, type Agency } from '@tio/ehc-domain';
import { TOPICS } from '../topics';
import type { EventTypeRegistry } from '../registry';
import { NotInFuture } from '../validation/dates';
import { arrayOf, dateTime, integer, object, oneOf, text, uuid } from '../schema-helpers';

/*
 * Inbound advice from an agency's own system (e.g. an NHS record system), one type per agency inbound topic. They
 * carry what the advice domain's `SubmitAdvice` / `CorrectAdvice` commands need (`@tio/advice-domain`); the agency
 * service maps them like this:
 *
 * | command field            | from the inbound message                                                          |
 * |--------------------------|-----------------------------------------------------------------------------------|
 * | caseId                   | caseId                                                                            |
 * | assessmentId, adviceType | the case's request `adviceRequestId` (from ehc.advice-requested.v1) = `request`    |
 * | agency                   | the topic (and the ce_actoragency header)                                         |
 * | idempotencyKey           | externalReference (submission) / externalReference + correctionReference          |
 * | at                       | the London calendar date of submittedAt / correctedAt                             |
 * | by.userRef               | authorRef (else the CloudEvents ce_actoruserid header)                            |
 * | sections, citations      | sections, citations                                                               |
 * | reason, correctsVersion  | reason, correctsVersion (corrections only)                                        |
 *
 * Validated with class-validator exactly like HTTP input; the JSON Schemas document the same rules for integrators.
 * Unlike the domain (which accepts advice made only of citations), an inbound message needs at least one section.
 */

export class InboundAdviceSectionDto {
  @IsString() @Length(1, 200) heading!: string;
  @IsString() @Length(1, 50_000) text!: string;
}

/** Advice given elsewhere that this advice cites by id instead of copying it (the domain's `Citation`). */
export class InboundCitationDto {
  @IsString() @Length(1, 200) adviceId!: string;
  @IsOptional() @IsInt() @Min(1) version?: number;
  @IsOptional() @IsIn(AGENCIES) agency?: Agency;
}

/** An agency system submits advice (the domain's `SubmitAdvice`). */
export class InboundAdviceSubmittedV1Dto {
  @IsUUID() caseId!: string;
  @IsUUID() adviceRequestId!: string;
  @IsString() @Length(1, 200) externalReference!: string;
  @IsISO8601({ strict: true }) @NotInFuture() submittedAt!: string;
  @IsString() @Length(1, 200) authorName!: string;
  @IsString() @Length(1, 200) authorRole!: string;
  @IsOptional() @IsString() @Length(1, 200) authorRef?: string;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => InboundAdviceSectionDto) sections!: InboundAdviceSectionDto[];
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => InboundCitationDto) citations?: InboundCitationDto[];
  @IsOptional() @IsIn(['draft', 'final']) status?: 'draft' | 'final';
}

/** An agency system corrects advice it submitted (the domain's `CorrectAdvice`): a new version, with a reason. */
export class InboundAdviceCorrectedV1Dto {
  @IsUUID() caseId!: string;
  @IsUUID() adviceRequestId!: string;
  @IsString() @Length(1, 200) externalReference!: string;
  @IsString() @Length(1, 200) correctionReference!: string;
  @IsISO8601({ strict: true }) @NotInFuture() correctedAt!: string;
  @IsString() @Length(1, 200) authorRef!: string;
  @IsString() @Length(1, 200) authorRole!: string;
  @IsString() @Length(1, 2000) reason!: string;
  @IsOptional() @IsInt() @Min(1) correctsVersion?: number;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => InboundAdviceSectionDto) sections!: InboundAdviceSectionDto[];
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => InboundCitationDto) citations?: InboundCitationDto[];
}

const sectionSchema = object({ heading: text('Section heading', 200), text: text('Section text', 50_000) });
const citationSchema = object(
  { adviceId: text('The cited advice.', 200) },
  { version: integer('The cited version.', 1), agency: oneOf(AGENCIES, 'The agency that gave the cited advice.') },
  'Advice given elsewhere, cited by id instead of copied.',
);
const common = {
  caseId: uuid('The EHC case the advice is for.'),
  adviceRequestId: uuid('The advice request it answers (from ehc.advice-requested.v1).'),
  externalReference: text("The record's id in the agency's own system (the idempotency key: a redelivery records nothing twice).", 200),
};

const submittedSchema = object(
  {
    ...common,
    submittedAt: dateTime('When the author signed it off (its London calendar date is the day the advice was given); not in the future (a few minutes of clock skew allowed), else dead-lettered.'),
    authorName: text('Author.', 200),
    authorRole: text("Author's professional role.", 200),
    sections: arrayOf(sectionSchema, 'The advice, section by section.', 1),
  },
  {
    authorRef: text("Opaque reference to the author in the agency's system; recorded as who gave the advice (else the ce_actoruserid header).", 200),
    citations: arrayOf(citationSchema, 'Other advice it cites by id instead of copying it.'),
    status: { type: 'string', enum: ['draft', 'final'], description: 'Defaults to final.' },
  },
);

const correctedSchema = object(
  {
    ...common,
    correctionReference: text("The correction's id in the agency's own system (with externalReference, the idempotency key).", 200),
    correctedAt: dateTime('When the correction was signed off; not in the future (a few minutes of clock skew allowed), else dead-lettered.'),
    authorRef: text("Opaque reference to the author in the agency's system (never a name).", 200),
    authorRole: text("Author's professional role.", 200),
    reason: text('Why it was corrected.', 2000),
    sections: arrayOf(sectionSchema, 'The corrected advice, section by section (replaces the previous version).', 1),
  },
  {
    correctsVersion: integer('The version being corrected; rejected if it is no longer the current one.', 1),
    citations: arrayOf(citationSchema, 'Other advice it cites by id instead of copying it.'),
  },
);

const submittedExample: InboundAdviceSubmittedV1Dto = {
  caseId: '00000000-0000-4000-8000-000000000001',
  adviceRequestId: '00000000-0000-4000-8000-000000000002',
  externalReference: 'NHS-RX-12345',
  submittedAt: '2025-03-01T10:00:00.000Z',
  authorName: 'Dr A. Patel',
  authorRole: 'Designated Medical Officer',
  sections: [{ heading: 'Medical needs', text: 'Well-controlled asthma.' }],
};

const correctedExample: InboundAdviceCorrectedV1Dto = {
  caseId: '00000000-0000-4000-8000-000000000001',
  adviceRequestId: '00000000-0000-4000-8000-000000000002',
  externalReference: 'NHS-RX-12345',
  correctionReference: 'NHS-RX-12345-c1',
  correctedAt: '2025-03-05T14:30:00.000Z',
  authorRef: 'rx-user-2207',
  authorRole: 'Designated Medical Officer',
  reason: 'Wrong inhaler named',
  correctsVersion: 1,
  sections: [{ heading: 'Medical needs', text: 'Asthma; blue reliever inhaler kept in school.' }],
};

export const INBOUND_ADVICE_TOPICS = [
  ['health', TOPICS.healthInbound],
  ['education', TOPICS.educationInbound],
  ['social-care', TOPICS.socialCareInbound],
] as const;

/** Inbound advice submissions and corrections, one type each per agency inbound topic (same payloads). */
export function registerInboundAdvice(registry: EventTypeRegistry): void {
  const description = 'Validated like HTTP input; an invalid message goes to the dead-letter topic with the failing fields and constraints.';
  for (const [agency, topic] of INBOUND_ADVICE_TOPICS) {
    registry.register<InboundAdviceSubmittedV1Dto>({
      name: `${agency}.advice-submitted`, version: 1, direction: 'inbound', topic,
      summary: `A ${agency} agency system submits advice for a case (recorded as advice.submitted.v1).`,
      description, schema: submittedSchema, example: submittedExample, dto: InboundAdviceSubmittedV1Dto,
    });
    registry.register<InboundAdviceCorrectedV1Dto>({
      name: `${agency}.advice-corrected`, version: 1, direction: 'inbound', topic,
      summary: `A ${agency} agency system corrects advice it submitted: a new version (recorded as advice.corrected.v1).`,
      description, schema: correctedSchema, example: correctedExample, dto: InboundAdviceCorrectedV1Dto,
    });
  }
}
